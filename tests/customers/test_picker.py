"""The customer picker (issue 15): one type-ahead over name, full pinyin, initials and the
phones of the company and its contacts; visible customers only; a bounded, fixed query."""

from tests.conftest import count_queries
from tests.service.helpers import make_customer


def _options(client, term: str) -> str:
    response = client.get(f"/customers/suggest?q={term}", htmx=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_finds_by_name_pinyin_initials_and_phones(app, login):
    make_customer(app, "华为技术有限公司", phone="0755-28780808")
    make_customer(app, "深圳市腾讯计算机系统有限公司",
                  contact={"name": "马化腾", "mobile": "13912345678"})
    rep = login("zhangwei")
    assert "华为技术有限公司" in _options(rep, "华为")
    assert "华为技术有限公司" in _options(rep, "huawei")
    assert "华为技术有限公司" in _options(rep, "hwjs")
    assert "华为技术有限公司" in _options(rep, "28780808")
    assert "深圳市腾讯计算机系统有限公司" in _options(rep, "1391234")
    found = _options(rep, "szstx")
    assert "深圳市腾讯计算机系统有限公司" in found and "华为" not in found


def test_offers_only_the_customers_the_user_may_see(app, login):
    make_customer(app, "华为技术有限公司", owner="chenjing")
    assert "华为技术有限公司" not in _options(login("zhangwei"), "hwjs")
    assert "华为技术有限公司" in _options(login("chenjing"), "hwjs")
    assert "华为技术有限公司" in _options(login("zhoujie"), "hwjs")  # service reads all
    assert "No customer found" in _options(login("zhangwei"), "hwjs") or \
        "没有找到客户" in _options(login("zhangwei"), "hwjs")


def test_suggestions_are_bounded_and_one_query(app, login):
    for i in range(12):
        make_customer(app, f"华为技术第{i}分公司")
    rep = login("zhangwei")
    assert _options(rep, "hw").count('role="option"') == 8
    with count_queries(app) as counter:
        _options(rep, "hw")
    few = counter.n
    for i in range(12, 40):
        make_customer(app, f"华为技术第{i}分公司")
    with count_queries(app) as counter:
        _options(rep, "hw")
    assert counter.n == few


def test_a_lead_cannot_be_linked_to_a_customer_the_rep_does_not_see(app, login):
    other = make_customer(app, "华为技术有限公司", owner="chenjing")
    rep = login("zhangwei")
    page = rep.get("/leads/new").get_data(as_text=True)
    assert 'role="combobox"' in page and "first 500" not in page
    response = rep.post("/leads/new", {"company_name": "华为", "customer_id": str(other),
                                       "source": "online", "grade": "A", "owner_id": ""})
    assert response.status_code == 422
