"""The user picker (issue 20): every choice of a person is one type-ahead over name, pinyin,
initials and username, offering only whom the rule lets the user choose; pages carry the
chosen person only, so they are the same size and cost the same queries with 10 or 1,000
users."""

import secrets

import pytest
from sqlalchemy import insert, select

from crm.auth.models import Team, User, UserRole
from crm.extensions import db
from crm.web.search import pinyin_key
from tests.conftest import count_queries
from tests.sample_records import sample_records


def _options(client, rule: str, term: str, of: str = "") -> str:
    response = client.get(f"/users/suggest/{rule}?q={term}" + (f"&of={of}" if of else ""),
                          htmx=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_finds_by_name_pinyin_initials_and_username(app, login):
    manager = login("wangqiang")
    for term in ("张伟", "zhangwei", "zw"):
        assert 'data-name="张伟"' in _options(manager, "rep", term), term


def test_a_rep_is_offered_only_themselves(app, login):
    rep = login("zhangwei")
    assert 'data-name="张伟"' in _options(rep, "rep", "zw")
    assert "刘洋" not in _options(rep, "rep", "ly")  # a teammate: the manager's to assign
    assert "role=\"option\" aria-selected" not in _options(rep, "rep", "ly")


def test_a_manager_is_offered_their_teams_reps_a_director_every_rep(app, login):
    manager, director = login("wangqiang"), login("zhaomin")
    assert "刘洋" in _options(manager, "rep", "ly")
    assert "陈静" not in _options(manager, "rep", "cj")  # 华南: another region
    assert "陈静" in _options(director, "rep", "cj")
    assert "周杰" not in _options(director, "rep", "zj")  # service: not a sales owner


def test_rules_of_other_roles(app, login):
    complaint = str(sample_records(app)["complaint_id"])
    assert "吴敏" in _options(login("tangning"), "complaint", "wm", complaint)
    assert "吴敏" not in _options(login("zhoujie"), "complaint", "wm", complaint)
    assert "孙丽" in _options(login("zhaomin"), "channel", "sl")
    assert "孙丽" not in _options(login("zhangwei"), "channel", "sl")
    assert "钱进" in _options(login("admin"), "audited", "qj")
    assert "钱进" not in _options(login("wangqiang"), "audited", "qj")


def test_an_unknown_rule_is_404(app, login):
    assert login("zhangwei").get("/users/suggest/everyone?q=a").status_code == 404


def test_a_posted_owner_the_rule_does_not_offer_is_refused(app, login):
    other = db_id(app, "chenjing")
    response = login("wangqiang").post("/customers/new", {
        "name": "新客户有限公司", "grade": "B", "industry": "", "province": "", "source": "",
        "owner_id": str(other)})
    assert response.status_code == 422
    assert "请从建议列表中选择人员" in response.get_data(as_text=True)


def test_a_filter_chip_names_the_chosen_owner(app, login):
    page = login("wangqiang").get(f"/customers?owner={db_id(app, 'zhangwei')}")
    html = page.get_data(as_text=True)
    assert 'value="张伟"' in html and "负责人：张伟" in html
    ignored = login("wangqiang").get(f"/customers?owner={db_id(app, 'chenjing')}")
    assert "陈静" not in ignored.get_data(as_text=True)


def db_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _pages(app) -> list[tuple[str, str]]:
    """(user, URL) of every page that once listed people in a select."""
    ids = sample_records(app)
    return [
        ("wangqiang", "/customers"), ("zhoujie", "/customers"), ("wangqiang", "/customers/new"),
        ("wangqiang", f"/customers/{ids['customer_id']}/edit"),
        ("wangqiang", "/leads/new"), ("wangqiang", f"/leads/{ids['lead_id']}"),
        ("zhaomin", "/deals"), ("wangqiang", "/deals/board"), ("wangqiang", "/deals/new"),
        ("wangqiang", f"/deals/{ids['deal_id']}/edit"),
        ("wangqiang", "/followups"), ("wangqiang", "/followups?whose=team"),
        ("tangning", f"/service/complaints/{ids['complaint_id']}"),
        ("zhaomin", "/dealers/new"), ("zhaomin", "/dealers/apply"),
        ("zhaomin", f"/campaigns/{ids['approved_campaign_id']}/minutes/new"),
        ("admin", "/audit"),
    ]


def _add_people(app, n: int) -> None:
    """n active people in the teams the rules draw on: sales reps under 王强, service agents
    beside 周杰, channel staff beside 孙丽."""
    with app.app_context():
        teams = dict(db.session.execute(select(Team.name, Team.id)).all())
        kinds = [("华东销售一组", "sales"), ("客户服务中心", "service"), ("渠道管理部", "channel")]
        rows = [{"username": f"extra{i:04d}", "name": f"员工{i:04d}",
                 "search_key": pinyin_key(f"员工{i:04d}", f"extra{i:04d}"),
                 "password_hash": "x", "session_nonce": secrets.token_hex(8),
                 "team_id": teams[kinds[i % 3][0]]} for i in range(n)]
        db.session.execute(insert(User), rows)
        ids = dict(db.session.execute(select(User.username, User.id).where(
            User.username.like("extra%"))).all())
        db.session.execute(insert(UserRole), [
            {"user_id": ids[row["username"]], "role": kinds[i % 3][1]}
            for i, row in enumerate(rows)])
        db.session.commit()


def _measure(app, clients: dict, pages) -> dict:
    found = {}
    for username, url in pages:
        with count_queries(app) as counter:
            response = clients[username].get(url)
        assert response.status_code == 200, (username, url)
        found[username, url] = (len(response.get_data()), counter.n)
    return found


@pytest.mark.parametrize("extra", [1_000])
def test_pages_stay_the_same_size_with_a_thousand_more_people(app, login, extra):
    pages = _pages(app)
    clients = {username: login(username) for username in {u for u, _url in pages}}
    _measure(app, clients, pages)  # warm: caches, first-request work
    few = _measure(app, clients, pages)
    _add_people(app, extra)
    many = _measure(app, clients, pages)
    for page, (size, queries) in few.items():
        grown_size, grown_queries = many[page]
        assert abs(grown_size - size) <= 64, (page, size, grown_size)
        assert grown_queries == queries, (page, queries, grown_queries)
