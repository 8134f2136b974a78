"""What the benchmark requests. Each later page is one entry: who asks, what, and how.

Paths may name records: `{customer}`, `{deal}`, `{lead}` are records of the benchmark rep,
`{campaign}` a campaign of the benchmark's marketing specialist,
`{pool_lead}` takes a fresh lead from the shared pool each time, `{intent}`/`{potential}` are
stage ids. A form may be a dict or a function of (session, ids) that fetches what it needs."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bench.client import Session

Role = Literal["rep", "manager", "director", "admin", "marketing"]

LOGINS: dict[str, str] = {  # role -> demo username (crm/auth/demo.py)
    "rep": "zhangwei",
    "manager": "wangqiang",
    "director": "zhaomin",
    "admin": "admin",
    "marketing": "machao",
}
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


@dataclass(frozen=True)
class Scenario:
    name: str
    role: Role
    path: str
    htmx_target: str | None = None  # set: an htmx fragment request
    method: str = "GET"
    form: dict | Callable[[Session, dict], dict] | None = None
    first_load: bool = False  # count CSS/JS too: a page opened from scratch
    target_p95_ms: float = 50.0

    def url(self, ids: dict) -> str:
        values = {k: (v() if callable(v) else v) for k, v in ids.items() if f"{{{k}}}" in self.path}
        return self.path.format(**values)

    def data(self, session: Session, ids: dict) -> dict | None:
        return self.form(session, ids) if callable(self.form) else self.form


def inline_amount(session: Session, ids: dict) -> dict:
    """The inline editor's current version, as the browser would have it."""
    editor = session.request("GET", f"/deals/{ids['deal']}/value/expected_value/edit",
                             htmx_target="deal-value")
    found = VERSION.search(editor.body.decode())
    version = found.group(1) if found else "0"  # no editor: the write fails and counts as one
    return {"value": str(100_000 + int(version)), "version": version}


def move_deal(session: Session, ids: dict) -> dict:
    """Alternate the rep's deal between potential and intent."""
    ids["flip"] = not ids.get("flip")
    return {"stage_id": ids["intent"] if ids["flip"] else ids["potential"]}


SCENARIOS: list[Scenario] = [
    Scenario("home", "rep", "/", first_load=True),
    Scenario("home (manager)", "manager", "/"),
    Scenario("home (director)", "director", "/"),
    Scenario("customer list", "rep", "/customers", first_load=True),
    Scenario("customer list (manager)", "manager", "/customers"),
    Scenario("customer list (director)", "director", "/customers"),
    Scenario("customer search (name)", "rep", "/customers?q=科技", htmx_target="customer-list"),
    Scenario("customer search (pinyin)", "director", "/customers?q=hxjx",
             htmx_target="customer-list"),
    Scenario("customer page", "rep", "/customers/{customer}", first_load=True),
    Scenario("lead list", "rep", "/leads", first_load=True),
    Scenario("shared pool", "rep", "/pool"),
    Scenario("kanban board", "rep", "/deals/board", first_load=True, target_p95_ms=80.0),
    Scenario("kanban board (manager)", "manager", "/deals/board", target_p95_ms=80.0),
    Scenario("deal inline edit (write)", "rep", "/deals/{deal}/value/expected_value/edit",
             htmx_target="deal-value", method="POST", form=inline_amount),
    Scenario("deal stage move (write)", "rep", "/deals/{deal}/move", htmx_target="board",
             method="POST", form=move_deal),
    Scenario("pool claim (write)", "rep", "/pool/{pool_lead}/claim", method="POST", form={}),
    Scenario("agenda", "rep", "/followups", first_load=True),
    Scenario("agenda (manager)", "manager", "/followups"),
    Scenario("notifications", "rep", "/notifications"),
    Scenario("notification count (bell)", "rep", "/notifications/bell", htmx_target="bell"),
    Scenario("users list", "admin", "/admin/users", first_load=True),
    Scenario("audit page", "director", "/audit", first_load=True),
    Scenario("audit filtered (fragment)", "director", "/audit?model=users",
             htmx_target="audit-list"),
    Scenario("campaign list", "marketing", "/campaigns", first_load=True),
    Scenario("campaign list (director)", "director", "/campaigns?status=running"),
    Scenario("campaign page", "marketing", "/campaigns/{campaign}", first_load=True),
    Scenario("campaign comparison", "director", "/campaigns/compare?from=2025-01-01"
             "&to=2026-12-31&model=linear"),
]

STATIC_ASSETS = ["/static/vendor/htmx-2.0.11.min.js", "/static/css/app.css", "/static/js/app.js"]
