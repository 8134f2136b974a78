"""argon2id password hashing (OWASP) and the strength rule for new passwords."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from crm.settings.services import get_setting

# Compared against when the username is unknown, so timing does not reveal accounts.
_DUMMY_PASSWORD = "not-a-real-password"


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_KIB"],
                          parallelism=cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or hasher.hash(_DUMMY_PASSWORD), password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is too weak, or None if it is acceptable."""
    minimum = get_setting("password_min_length")
    if len(password) < minimum:
        return _("Use at least %(n)d characters.", n=minimum)
    kinds = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 3:
        return _("Mix at least three of: lower case, upper case, digits, symbols.")
    if username and username.lower() in password.lower():
        return _("The password must not contain the username.")
    return None
