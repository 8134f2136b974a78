"""What every page's layout needs: navigation for the user's roles, languages, CSRF, the
icon, and the Undo toast."""

from flask import current_app, flash, request
from flask_babel import get_locale
from flask_login import current_user

from crm.auth.forms import ROLE_LABELS
from crm.background import alerts_flowing
from crm.domains import NavEntry, registry


def nav_for(user) -> list[NavEntry]:
    """The entries whose page the user may open: the roles come from the page's view."""
    views = current_app.view_functions
    return [entry for entry in registry(current_app).nav
            if (roles := getattr(views[entry.endpoint], "required_roles", None)) is None
            or user.has_role(*roles)]


def is_current(item: NavEntry) -> bool:
    if item.section == "/":
        return request.path == "/"
    return request.path.startswith(item.section)


def layout_context() -> dict:
    nav = nav_for(current_user) if current_user.is_authenticated else []
    is_admin = current_user.is_authenticated and current_user.has_role("admin")
    return {
        "jobs_delayed": is_admin and not alerts_flowing(),
        "nav": nav,
        "is_current": is_current,
        "languages": current_app.config["LANGUAGES"],
        "locale": str(get_locale()),
        "role_labels": {key: str(label) for key, label in ROLE_LABELS.items()},
    }


def flash_undo(text: str, url: str, **fields) -> None:
    """A toast saying what just happened, with an Undo button posting `fields` to `url`."""
    flash({"text": text, "url": url, "fields": fields}, "undo")


def favicon():
    return current_app.send_static_file("favicon.ico")


def register(app) -> None:
    app.context_processor(layout_context)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
