"""Admin pages for people (R-01) and the audit trail of their changes (R-04)."""

import re

from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import Team, User
from crm.extensions import db
from tests.conftest import Client, count_queries


def _get(app, model, **by):
    with app.app_context():
        found = db.session.scalar(select(model).filter_by(**by))
        if isinstance(found, User):
            found.roles  # noqa: B018 (loaded before the session closes: read after it)
        return found


def _form_for(admin, user):
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return {"username": user.username, "name": user.name, "email": user.email or "",
            "team_id": str(user.team_id), "roles": user.roles, "version": version}


def test_create_user_with_roles_and_team(login, app):
    admin = login("admin")
    team = _get(app, Team, name="华东销售一组")
    response = admin.post("/admin/users/new", {
        "username": "xiaoming", "name": "王小明", "email": "xm@example.cn",
        "team_id": str(team.id), "roles": ["sales", "marketing"], "password": "Welcome#2026"})
    assert response.status_code == 303
    user = _get(app, User, username="xiaoming")
    assert user.roles == ["sales", "marketing"] and user.team_id == team.id
    assert Client(app).login("xiaoming", "Welcome#2026").status_code == 303


def test_invalid_user_gets_422_with_messages_beside_fields(login):
    admin = login("admin")
    response = admin.post("/admin/users/new", {
        "username": "bad name!", "name": "", "email": "not-an-email", "team_id": "",
        "password": "short"}, htmx=True)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("username", "name", "email"):
        assert f'id="{field}-error"' in page
    assert 'value="bad name!"' in page and 'value="not-an-email"' in page


def test_weak_initial_password_and_taken_username_are_refused(login):
    admin = login("admin")
    weak = admin.post("/admin/users/new", {"username": "newbie", "name": "新人",
                                           "password": "abc"})
    assert weak.status_code == 422 and 'id="password-error"' in weak.get_data(as_text=True)
    taken = admin.post("/admin/users/new", {"username": "ZhangWei", "name": "张伟二",
                                            "password": "Welcome#2026"})
    assert taken.status_code == 422 and 'id="username-error"' in taken.get_data(as_text=True)


def test_audit_page_shows_a_field_level_diff_of_an_edit(login, app):
    admin = login("admin")
    user = _get(app, User, username="liuyang")
    data = _form_for(admin, user) | {"name": "刘洋洋", "roles": ["sales", "manager"]}
    assert admin.post(f"/admin/users/{user.id}", data).status_code == 303
    with app.app_context():
        rows = db.session.execute(select(AuditEntry.field, AuditEntry.old, AuditEntry.new).where(
            AuditEntry.model == "users", AuditEntry.record_id == user.id,
            AuditEntry.action == "update")).all()
    assert ("name", "刘洋", "刘洋洋") in rows
    assert ("role", None, "manager") in rows
    page = admin.get(f"/audit?model=users&record={user.id}").get_data(as_text=True)
    assert "刘洋洋" in page and "系统管理员" in page
    director = login("zhaomin")
    assert "刘洋洋" in director.get(f"/audit?record={user.id}").get_data(as_text=True)


def test_password_hashes_never_reach_the_audit_trail(login, app):
    admin = login("admin")
    user = _get(app, User, username="liuyang")
    admin.post(f"/admin/users/{user.id}/password", {"password": "Another#Pass1"})
    with app.app_context():
        values = db.session.execute(select(AuditEntry.old, AuditEntry.new).where(
            AuditEntry.field == "password_hash")).all()
    assert values and all(v in (None, "******") for row in values for v in row)


def test_stale_edit_gets_409_with_current_values_and_keeps_mine(login, app):
    first, second = login("admin"), login("admin")
    user = _get(app, User, username="chenjing")
    mine, theirs = _form_for(first, user), _form_for(second, user)
    assert second.post(f"/admin/users/{user.id}", theirs | {"name": "陈静怡"}).status_code == 303
    response = first.post(f"/admin/users/{user.id}", mine | {"name": "陈晶"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'value="陈静怡"' in page  # current value in the form
    assert "陈晶" in page  # what I typed is still shown
    assert _get(app, User, username="chenjing").name == "陈静怡"


def test_user_search_by_pinyin_and_initials(login):
    admin = login("admin")
    for term in ("zhangwei", "zw", "张伟"):
        page = admin.get(f"/admin/users?q={term}", htmx=True, target="user-list")
        text = page.get_data(as_text=True)
        assert "张伟" in text and "刘洋" not in text, term
        assert "<html" not in text  # only the list block
    assert "李娜" in admin.get("/admin/users?q=ln").get_data(as_text=True)


def test_user_list_runs_a_fixed_number_of_queries(login, app):
    admin = login("admin")
    with count_queries(app) as small:
        admin.get("/admin/users")
    with app.app_context():
        for i in range(60):
            db.session.add(User(username=f"bulk{i}", name=f"批量{i}", password_hash="x",
                                session_nonce="n", team_id=None))
        db.session.commit()
    with count_queries(app) as large:
        page = admin.get("/admin/users?status=all")
    assert large.n == small.n
    assert "更多" in page.get_data(as_text=True)  # keyset "more" row after 50


def test_team_levels_are_checked(login, app):
    admin = login("admin")
    region = _get(app, Team, name="华东大区")
    bad = admin.post("/admin/teams/new", {"name": "华北大区", "level": "region",
                                          "parent_id": str(region.id)})
    assert bad.status_code == 422 and 'id="parent_id-error"' in bad.get_data(as_text=True)
    hq = _get(app, Team, name="总部")
    ok = admin.post("/admin/teams/new", {"name": "华北大区", "level": "region",
                                         "parent_id": str(hq.id)})
    assert ok.status_code == 303
    assert "华北大区" in admin.get("/admin/teams").get_data(as_text=True)


def test_stale_team_edit_gets_409(login, app):
    first, second = login("admin"), login("admin")
    team = _get(app, Team, name="华南销售一组")
    base = {"name": team.name, "level": "team", "parent_id": str(team.parent_id),
            "version": str(team.version)}
    saved = second.post(f"/admin/teams/{team.id}", base | {"name": "华南销售二组"})
    assert saved.status_code == 303
    response = first.post(f"/admin/teams/{team.id}", base | {"name": "华南销售三组"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'value="华南销售二组"' in page and "华南销售三组" in page
