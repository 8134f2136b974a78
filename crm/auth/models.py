"""People, roles and the three-level organisation (R-01)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.base import Audited, Timestamped, UTCDateTime, Versioned, utcnow
from crm.extensions import db
from crm.web.search import search_key_of

ROLES = (
    "sales",
    "service",
    "channel",
    "marketing",
    "product",
    "manager",
    "director",
    "finance",
    "legal",
    "ceo",
    "admin",
)
TEAM_LEVELS = ("hq", "region", "team")


class Team(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "teams"
    __label__ = _l("Team")
    __field_labels__ = {"name": _l("Name"), "level": _l("Level"), "parent_id": _l("Parent")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)

    parent: Mapped["Team | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Team"]] = relationship(back_populates="parent")
    members: Mapped[list["User"]] = relationship(back_populates="team")


class User(UserMixin, Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "users"
    __label__ = _l("User")
    __field_labels__ = {
        "username": _l("Username"),
        "name": _l("Full name"),
        "email": _l("E-mail"),
        "password_hash": _l("Password"),
        "active": _l("Active"),
        "team_id": _l("Team"),
        "timezone": _l("Time zone"),
        "role": _l("Roles"),
    }
    __audit_mask__ = frozenset({"password_hash"})
    __audit_exclude__ = Audited.__audit_exclude__ | {
        "session_nonce",
        "last_login_at",
        "password_changed_at",
        "locale",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    search_key: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(50), default="Asia/Shanghai")
    # Part of the session id: changing it (deactivation, password change) ends every session.
    session_nonce: Mapped[str] = mapped_column(String(32))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="members")
    # Loaded when asked: the signed-in user's come with the session (crm/auth/session.py), a
    # list that shows people's roles asks for them; an owner's or agent's name shown beside a
    # record needs none.
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", back_populates="user"
    )

    @property
    def roles(self) -> list[str]:
        held = {row.role for row in self.role_rows}
        return [role for role in ROLES if role in held]

    def has_role(self, *roles: str) -> bool:
        return any(row.role in roles for row in self.role_rows)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def refresh_search_key(self) -> None:
        self.search_key = search_key_of(self, self.name, self.username)


class UserRole(db.Model):
    """One role held by a user; audited as the user's `role` field."""

    __tablename__ = "user_roles"
    __audit_parent__ = ("users", "user_id", "role")

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(db.Model):
    """One login: the session cookie names it, logging out ends it, so a copy of the cookie
    taken before the logout opens nothing afterwards."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(db.Model):
    """A failed login, keyed by account and by IP; the rate limit counts recent rows."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
