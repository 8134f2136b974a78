"""Credit codes (GB 32100-2015) and normalised company names, with real companies."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.customers.identity import (
    CODE_CHARS,
    credit_code_check_char,
    is_valid_credit_code,
    normalise_name,
    normalise_phone,
)

# Published codes of real companies (the check character verified by hand against the standard).
REAL_CODES = {
    "914403001922038216": "华为技术有限公司",
    "9144030071526726XG": "深圳市腾讯计算机系统有限公司",
    "91110000710925462X": "中国石油天然气股份有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
}


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_credit_codes_are_valid(code):
    assert is_valid_credit_code(code)
    assert is_valid_credit_code(code.lower())  # typed in lower case


def test_the_check_character_is_computed_by_the_standard():
    # 华为: weighted sum of the first 17 characters is 304; 31 - 304 % 31 = 6.
    assert credit_code_check_char("91440300192203821") == "6"
    assert credit_code_check_char("9144030071526726X") == "G"


@pytest.mark.parametrize("code", [
    "914403001922038217",  # wrong check character
    "91440300192203821",  # 17 characters
    "9144030019220382160",  # 19 characters
    "91440300192203821I",  # I is not in the alphabet
    "",
])
def test_invalid_credit_codes(code):
    assert not is_valid_credit_code(code)


@given(st.text(alphabet=CODE_CHARS, min_size=17, max_size=17))
def test_every_wrong_check_character_is_caught(first17):
    right = credit_code_check_char(first17)
    assert is_valid_credit_code(first17 + right)
    for wrong in CODE_CHARS.replace(right, "")[:5]:
        assert not is_valid_credit_code(first17 + wrong)


@pytest.mark.parametrize(("a", "b"), [
    ("华为技术有限公司", "华为技术 有限公司"),
    ("华为技术有限公司", "华为技术"),
    ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴(中国)网络技术有限公司"),
    ("美的集团股份有限公司", "美的集团"),
    ("美的集团股份有限公司", "美的"),
    ("三一重工股份有限公司", "三一重工有限责任公司"),
    ("ＴＣＬ科技集团股份有限公司", "TCL科技"),
    ("上海汽车集团股份有限公司", "上海汽车集团"),
])
def test_the_same_company_written_differently_has_one_normalised_name(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(("a", "b"), [
    ("华为技术有限公司", "华为终端有限公司"),
    ("中国石油天然气股份有限公司", "中国石油化工股份有限公司"),
])
def test_different_companies_stay_different(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_phone_numbers_are_compared_by_digits():
    assert normalise_phone("+86 138-0013-8000") == normalise_phone("13800138000")
    assert normalise_phone("１３８ ００１３ ８０００") == "13800138000"
