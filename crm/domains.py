"""A domain registers itself: each package in DOMAINS has `init_app(app)`, which registers its
blueprints, visibility scopes, subject types, deadline kinds, navigation entries and periodic
jobs. `create_app` loops over DOMAINS; nothing else names a domain.

Navigation entries carry no roles: who sees an entry is read from the access rule of the view it
opens (`roles_required`), so a domain states its roles once. Periodic jobs are named by their
dotted path, so the web code never imports `jobs/` (the cron process resolves the names)."""

from dataclasses import dataclass
from importlib import import_module

from flask import Flask

DOMAINS = (
    "crm.auth", "crm.audit", "crm.settings", "crm.dashboard", "crm.customers", "crm.sales",
    "crm.contracts", "crm.channel", "crm.deadlines", "crm.notifications", "crm.followups",
    "crm.service", "crm.care", "crm.satisfaction", "crm.feedback", "crm.campaigns",
    "crm.admin",
)


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    section: str  # URL prefix that marks the entry current
    position: int  # where in the menu: smaller first


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # dotted path of the job function, e.g. "jobs.deadlines.sweep_deadlines"
    interval: int | None = None  # seconds; or
    cron: str | None = None  # a crontab line (UTC)


@dataclass
class Registry:
    nav: list[NavEntry]
    periodic: list[Periodic]


def registry(app: Flask) -> Registry:
    return app.extensions.setdefault("crm_domains", Registry([], []))


def add_nav(app: Flask, endpoint: str, label, section: str, position: int) -> None:
    nav = registry(app).nav
    nav.append(NavEntry(endpoint, label, section, position))
    nav.sort(key=lambda entry: entry.position)


def add_periodic(app: Flask, job: Periodic) -> None:
    registry(app).periodic.append(job)


def init_domains(app: Flask) -> None:
    for name in DOMAINS:
        import_module(name).init_app(app)
