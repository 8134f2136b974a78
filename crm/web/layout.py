"""What every page's layout needs: navigation for the user's roles, languages, CSRF, the
icon, and the Undo toast."""

from dataclasses import dataclass

from flask import current_app, flash, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.auth.forms import ROLE_LABELS
from crm.background import alerts_flowing


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...] = ()  # empty: everyone logged in
    section: str = ""  # URL prefix that marks the item current


NAV: list[NavItem] = [
    NavItem("dashboard.home", _l("Home"), section="/"),
    NavItem("customers.index", _l("Customers"),
            ("sales", "manager", "director", "admin", "service"), "/customers"),
    NavItem("leads.pool", _l("Shared pool"), ("sales", "manager", "director", "admin"), "/pool"),
    NavItem("leads.index", _l("Leads"), ("sales", "manager", "director", "admin"), "/leads"),
    NavItem("deals.board", _l("Deals"), ("sales", "manager", "director", "admin", "service"),
            "/deals"),
    NavItem("products.index", _l("Products"), section="/products"),
    NavItem("followups.index", _l("Agenda"), section="/followups"),
    NavItem("audit.index", _l("Audit trail"), ("director", "admin"), "/audit"),
    NavItem("admin.users", _l("Users"), ("admin",), "/admin/users"),
    NavItem("admin.teams", _l("Teams"), ("admin",), "/admin/teams"),
    NavItem("settings.index", _l("Settings"), ("admin",), "/admin/settings"),
    NavItem("jobs_admin.index", _l("Jobs"), ("admin",), "/admin/jobs"),
]


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV if not item.roles or user.has_role(*item.roles)]


def is_current(item: NavItem) -> bool:
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
