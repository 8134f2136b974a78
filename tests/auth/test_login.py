"""Login, lockout, sessions, passwords (R-01, standing rule 4)."""

from sqlalchemy import select

from crm.auth.demo import DEMO_PASSWORD
from crm.auth.models import User
from crm.extensions import db
from tests.conftest import Client


def _user(app, username):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page
    assert 'lang="zh-CN"' in page


def test_right_password_logs_in_and_renews_the_session(client, people):
    before = client.get("/login").headers.get("Set-Cookie", "")
    response = client.login("zhangwei")
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie != before
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "张伟" in client.get("/").get_data(as_text=True)


def test_wrong_password_shows_the_error_in_the_form(client, people):
    response = client.login("zhangwei", "wrong-password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "用户名或密码错误" in page
    assert 'id="password-error"' in page
    assert 'value="zhangwei"' in page  # what was typed is kept


def test_sixth_attempt_is_refused_even_with_the_right_password(client, people):
    for _ in range(5):
        assert client.login("zhangwei", "wrong-password").status_code == 422
    response = client.login("zhangwei")
    assert response.status_code == 422
    assert "尝试次数过多" in response.get_data(as_text=True)
    assert not client.logged_in()


def test_lockout_ends_when_the_window_passes(client, people, app):
    from datetime import timedelta

    from crm.auth.models import LoginFailure

    for _ in range(5):
        client.login("zhangwei", "wrong-password")
    with app.app_context():
        for row in db.session.scalars(select(LoginFailure)):
            row.at = row.at - timedelta(minutes=16)
        db.session.commit()
    assert client.login("zhangwei").status_code == 303


def test_the_limit_also_holds_per_ip(client, people):
    for i in range(20):
        client.login(f"nobody{i}", "wrong-password")
    response = client.login("liuyang")
    assert response.status_code == 422
    assert "尝试次数过多" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_and_changes_nothing(client, people, app):
    response = client.post("/login", {"username": "zhangwei", "password": "x"}, csrf=False)
    assert response.status_code == 400
    assert _user(app, "zhangwei").last_login_at is None
    from crm.auth.models import LoginFailure

    with app.app_context():
        assert db.session.scalar(select(LoginFailure.id)) is None


def test_the_token_in_a_pages_meta_tag_is_what_a_post_needs(client, people):
    """What htmx and the forms send: the login page's token logs in, then the home page's
    token (a new session after login) saves a form."""
    token = client.page_csrf()
    response = client.post("/login", {"username": "zhangwei", "password": DEMO_PASSWORD,
                                      "csrf_token": token})
    assert response.status_code == 303
    forged = client.post("/followups", {"what": "回电", "due_date": "2026-12-01",
                                        "csrf_token": token})
    assert forged.status_code == 400  # the pre-login token died with the old session
    saved = client.post("/followups", {"what": "回电", "due_date": "2026-12-01",
                                       "csrf_token": client.page_csrf()})
    assert saved.status_code in (200, 303)


def test_logout_needs_post(login):
    rep = login("zhangwei")
    assert rep.get("/logout").status_code == 405
    assert rep.post("/logout").status_code == 303
    assert not rep.logged_in()


def test_deactivated_user_is_logged_out_and_cannot_log_in(login, app):
    rep = login("zhangwei")
    admin = login("admin")
    uid = _user(app, "zhangwei").id
    assert admin.post(f"/admin/users/{uid}/active", {"active": "0"}).status_code == 303
    assert rep.get("/").status_code == 303  # session ended
    fresh = Client(app)
    assert fresh.login("zhangwei").status_code == 422


def test_expired_session_on_htmx_redirects_to_login(client):
    response = client.get("/admin/users", htmx=True)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_change_own_password(login, app):
    rep = login("zhangwei")
    other_session = login("zhangwei")
    wrong = rep.post("/account/password", {"old_password": "nope", "password": "Better#Pass99",
                                           "confirm": "Better#Pass99"})
    assert wrong.status_code == 422
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    weak = rep.post("/account/password", {"old_password": "Demo#2026crm", "password": "short",
                                          "confirm": "short"})
    assert weak.status_code == 422
    assert "至少使用 10 个字符" in weak.get_data(as_text=True)
    ok = rep.post("/account/password", {"old_password": "Demo#2026crm",
                                        "password": "Better#Pass99", "confirm": "Better#Pass99"})
    assert ok.status_code == 303
    assert rep.logged_in()
    assert not other_session.logged_in()
    assert Client(app).login("zhangwei", "Better#Pass99").status_code == 303
    assert _user(app, "zhangwei").password_hash.startswith("$argon2id$")


def test_next_parameter_only_allows_local_paths(client, people):
    response = client.post("/login?next=https://evil.example/", {
        "username": "admin", "password": "Demo#2026crm"})
    assert response.headers["Location"] == "/"
    other = Client(client.app)
    response = other.post("/login?next=/admin/users", {
        "username": "admin", "password": "Demo#2026crm"})
    assert response.headers["Location"] == "/admin/users"
