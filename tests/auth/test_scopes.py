"""Who sees which rows: the visibility table (R-02). Later domains add their models here."""

import pytest
from flask_login import login_user
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.auth.scopes import get_visible_or_404, visible
from crm.extensions import db

# username -> the usernames they may see in the user directory
USER_VISIBILITY = {
    "admin": "all",
    "zhaomin": "all",  # director
    "wangqiang": {"wangqiang", "zhangwei", "liuyang"},  # 华东 region manager and the team below
    "lina": {"lina", "chenjing", "yangfan"},
    "zhangwei": {"zhangwei"},  # a rep sees only themselves
    "zhoujie": {"zhoujie"},
    "zhengshuang": {"zhengshuang"},
}


def _as(app, username):
    ctx = app.test_request_context()
    ctx.push()
    user = db.session.scalar(select(User).where(User.username == username))
    login_user(user)
    return ctx, user


@pytest.mark.parametrize("username", sorted(USER_VISIBILITY))
def test_user_visibility(app, people, username):
    ctx, user = _as(app, username)
    try:
        seen = set(db.session.scalars(visible(User).with_only_columns(User.username)))
        everyone = set(db.session.scalars(select(User.username)))
        expected = everyone if USER_VISIBILITY[username] == "all" else USER_VISIBILITY[username]
        assert seen == expected
    finally:
        ctx.pop()


def test_someone_elses_id_is_404(app, people):
    from werkzeug.exceptions import NotFound

    ctx, _user = _as(app, "zhangwei")
    try:
        other = db.session.scalar(select(User.id).where(User.username == "chenjing"))
        with pytest.raises(NotFound):
            get_visible_or_404(User, other)
    finally:
        ctx.pop()


@pytest.mark.parametrize(("username", "sees"), [("zhaomin", True), ("admin", True),
                                                ("wangqiang", False), ("zhangwei", False),
                                                ("zhengshuang", False), ("fenglv", False)])
def test_audit_trail_is_for_directors_and_admins(app, people, username, sees):
    ctx, _user = _as(app, username)
    try:
        assert (db.session.scalar(visible(AuditEntry).limit(1)) is not None) == sees
    finally:
        ctx.pop()
