"""Who a company is: the unified social credit code (GB 32100-2015) and a normalised name
that catches duplicates written differently (全角/半角, spaces, 有限公司...)."""

import re
import unicodedata

CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH = 18

# Longest first, so 股份有限公司 goes before 有限公司.
COMPANY_SUFFIXES = (
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司",
    "有限公司", "集团公司", "总公司", "分公司", "公司", "集团", "厂",
    "co.,ltd", "co.ltd", "coltd", "limited", "ltd", "inc", "corp", "group",
)
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a code whose first 17 are given (GB 32100-2015, mod 31)."""
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(first17, CODE_WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def clean_credit_code(code: str | None) -> str:
    return unicodedata.normalize("NFKC", code or "").strip().upper()


def is_valid_credit_code(code: str | None) -> bool:
    code = clean_credit_code(code)
    if len(code) != CODE_LENGTH or any(c not in CODE_CHARS for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def normalise_name(name: str | None) -> str:
    """'华为技术 有限公司' and '华为技术（有限公司）' both become '华为技术'."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _PUNCTUATION.sub("", text)
    stripped = True
    while stripped:
        stripped = False
        for suffix in COMPANY_SUFFIXES:
            plain = _PUNCTUATION.sub("", suffix)
            if text.endswith(plain) and len(text) > len(plain):
                text, stripped = text[: -len(plain)], True
                break
    return text


def normalise_phone(value: str | None) -> str:
    digits = "".join(c for c in unicodedata.normalize("NFKC", value or "") if c.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def short_name(name: str) -> str:
    """The name people say: '宁波舜宇光学科技有限公司' → '宁波舜宇光学科技'."""
    name = (name or "").strip()
    for suffix in COMPANY_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)].rstrip(" ,.（(")
    return name
