"""What the benchmark requests. Each later page is one entry: who asks, what, and how.

Paths may name records: `{customer}`, `{deal}`, `{lead}` are records of the benchmark rep,
`{complaint}` an open complaint of the benchmark service agent,
`{campaign}` a campaign of the benchmark's marketing specialist, `{minutes}` minutes of one,
`{training}` the latest dealer training session, `{plan}` an improvement plan,
`{survey}` a survey of the benchmark rep's customer, `{product}` a product with feedback,
`{pool_lead}` takes a fresh lead from the shared pool each time, `{intent}`/`{potential}` are
stage ids. A form may be a dict or a function of (session, ids) that fetches what it needs."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bench.client import Session

Role = Literal["rep", "manager", "director", "admin", "agent", "channel", "finance", "marketing",
               "product"]

LOGINS: dict[str, str] = {  # role -> demo username (crm/auth/demo.py)
    "rep": "zhangwei",
    "manager": "wangqiang",
    "director": "zhaomin",
    "admin": "admin",
    "agent": "zhoujie",  # a service agent
    "channel": "sunli",
    "finance": "zhengshuang",
    "marketing": "machao",
    "product": "hefang",  # a product manager
}
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
VERSION_FIELD = re.compile(r'id="adjust-version" name="version" type="hidden" value="(\d+)"')


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


def log_call(_session: Session, ids: dict) -> dict:
    """A call about the rep's customer, as the dialog posts it (no one-time key: every post
    is a new call)."""
    return {"customer_id": str(ids["customer"]), "notes": "咨询续费", "direction": "in",
            "channel": "hotline", "duration_minutes": "3"}


def adjust_score(session: Session, ids: dict) -> dict:
    """The inline adjustment of one dealer's score, with its current version."""
    editor = session.request("GET", f"/channel/scores/{ids['dealer_score']}/adjust",
                             htmx_target=f"score-{ids['dealer_score']}")
    found = VERSION_FIELD.search(editor.body.decode())
    version = found.group(1) if found else "0"
    return {"score": str(50 + int(version) % 50), "reason": "季度复核", "version": version}
def payment(session: Session, ids: dict) -> dict:
    """One yuan against the benchmark contract's open instalment."""
    return {"instalment_id": ids["instalment"], "received_on": "2026-11-28", "amount": "1",
            "method": "bank_transfer", "reference": "BENCH", "reason": ""}


def move_deal(session: Session, ids: dict) -> dict:
    """Alternate the rep's deal between potential and intent."""
    ids["flip"] = not ids.get("flip")
    return {"stage_id": ids["intent"] if ids["flip"] else ids["potential"]}


ROLES: tuple[Role, ...] = ("rep", "manager", "director")


def by_role(name: str, path: str, roles: tuple[Role, ...] = ROLES, **options) -> list[Scenario]:
    """One scenario per role: the rep's carries the plain name, the others "(role)". A rep,
    a manager and a director see different scopes, so each gets its own plan."""
    return [Scenario(name if role == "rep" else f"{name} ({role})", role, path,
                     **(options if role == "rep" else {**options, "first_load": False}))
            for role in roles]


SCENARIOS: list[Scenario] = [
    *by_role("home", "/", first_load=True),
    *by_role("customer list", "/customers", first_load=True),
    *by_role("customer search (name)", "/customers?q=科技", htmx_target="customer-list"),
    *by_role("customer search (pinyin)", "/customers?q=hxjx", htmx_target="customer-list"),
    *by_role("customer page", "/customers/{customer}", first_load=True),
    *by_role("contact list", "/contacts"),
    *by_role("contact search", "/contacts?q=wang", htmx_target="contact-list"),
    *by_role("lead list", "/leads", first_load=True),
    *by_role("lead search", "/leads?q=科技", htmx_target="lead-list"),
    *by_role("shared pool", "/pool"),
    *by_role("pool search", "/pool?q=jx", htmx_target="lead-list"),
    *by_role("deal list", "/deals"),
    *by_role("deal list by value", "/deals?sort=value", htmx_target="deal-list"),
    *by_role("deal search", "/deals?q=采购", htmx_target="deal-list"),
    *by_role("kanban board", "/deals/board", first_load=True, target_p95_ms=80.0),
    Scenario("deal inline edit (write)", "rep", "/deals/{deal}/value/expected_value/edit",
             htmx_target="deal-value", method="POST", form=inline_amount),
    Scenario("deal stage move (write)", "rep", "/deals/{deal}/move", htmx_target="board",
             method="POST", form=move_deal),
    Scenario("pool claim (write)", "rep", "/pool/{pool_lead}/claim", method="POST", form={}),
    *by_role("product list", "/products"),
    *by_role("agenda", "/followups", first_load=True),
    Scenario("agenda (manager, team)", "manager", "/followups?whose=team",
             htmx_target="agenda-list"),
    Scenario("agenda (director, team)", "director", "/followups?whose=team",
             htmx_target="agenda-list"),
    *by_role("notifications", "/notifications"),
    Scenario("notification count (bell)", "rep", "/notifications/bell", htmx_target="bell"),
    Scenario("dealer list", "channel", "/dealers", first_load=True),
    Scenario("dealer search (pinyin)", "channel", "/dealers?q=hx&region=east",
             htmx_target="dealer-list"),
    Scenario("dealer page", "channel", "/dealers/{dealer}", first_load=True),
    Scenario("dealer application checks (fragment)", "channel",
             "/dealers/apply/checks?experience_years=4&warehouse_m2=300&capital=2000000"
             "&planned_volume=5000000", htmx_target="application-checks"),
    Scenario("dealer scores (all dealers of a quarter)", "channel", "/channel/scores",
             first_load=True, target_p95_ms=100.0),
    Scenario("dealer score inline adjustment (write)", "channel",
             "/channel/scores/{dealer_score}/adjust", htmx_target="score-{dealer_score}",
             method="POST", form=adjust_score),
    Scenario("dealer training list", "channel", "/channel/trainings", first_load=True),
    Scenario("dealer training filtered (fragment)", "channel",
             "/channel/trainings?kind=sales&q=xsjq", htmx_target="training-list"),
    Scenario("dealer training page", "channel", "/channel/trainings/{training}"),
    Scenario("materials handed out list", "channel", "/channel/materials?region=east",
             first_load=True),
    Scenario("channel report", "channel", "/channel/report", first_load=True),
    Scenario("dealer training list (director)", "director", "/channel/trainings"),
    Scenario("users list", "admin", "/admin/users", first_load=True),
    Scenario("audit page", "director", "/audit", first_load=True),
    Scenario("audit filtered (fragment)", "director", "/audit?model=users",
             htmx_target="audit-list"),
    Scenario("audit searched by person (fragment)", "director", "/audit?q=rep00001",
             htmx_target="audit-list"),
    Scenario("audit of a customer", "director", "/audit?model=customers&record={customer}",
             htmx_target="audit-list"),
    Scenario("call dialog", "agent", "/service/calls/new", htmx_target="call-dialog-body"),
    Scenario("customer picker (initials)", "agent", "/customers/suggest?q=hxjx",
             htmx_target="call-customer_id-listbox"),
    Scenario("call save (write)", "agent", "/service/calls/new", method="POST", form=log_call,
             htmx_target="call-dialog-body", target_p95_ms=30.0),
    Scenario("calls list (agent)", "agent", "/service/calls", first_load=True),
    Scenario("calls list (manager)", "manager", "/service/calls"),
    Scenario("calls list (rep)", "rep", "/service/calls"),
    Scenario("complaint page", "agent", "/service/complaints/{complaint}", first_load=True),
    Scenario("complaint list", "agent", "/service/complaints"),
    Scenario("complaint list (mine, overdue)", "agent",
             "/service/complaints?owner=me&overdue=1", htmx_target="complaint-list"),
    Scenario("archive list (agent)", "agent", "/service/archives", first_load=True),
    Scenario("archive list (incomplete, mine, overdue)", "agent",
             "/service/archives?state=open&agent=me&overdue=1", htmx_target="archive-list"),
    Scenario("archive list (manager)", "manager", "/service/archives"),
    Scenario("revisit list (agent)", "agent", "/service/revisits", first_load=True),
    Scenario("revisit list (agent, mine due today)", "agent",
             "/service/revisits?when=today&agent=me", htmx_target="revisit-list"),
    Scenario("revisit list (manager, overdue)", "manager", "/service/revisits?when=overdue"),
    Scenario("customer timeline (agent)", "agent", "/customers/{customer}",
             htmx_target="customer-timeline"),
    Scenario("customer timeline, calls and revisits (agent)", "agent",
             "/customers/{customer}?kind=call&kind=revisit", htmx_target="customer-timeline"),
    Scenario("contract list", "rep", "/contracts", first_load=True),
    Scenario("contract list (finance)", "finance", "/contracts"),
    Scenario("contract page", "finance", "/contracts/{contract}", first_load=True),
    Scenario("receivables ledger (finance, company)", "finance", "/receivables",
             target_p95_ms=100.0),
    Scenario("receivables ledger by rep", "finance", "/receivables?by=rep",
             target_p95_ms=100.0),
    Scenario("receivables ledger by region (director)", "director", "/receivables?by=region",
             target_p95_ms=100.0),
    Scenario("receivables ledger (manager, team)", "manager", "/receivables",
             target_p95_ms=100.0),
    Scenario("receivables ledger by rep (manager, team)", "manager", "/receivables?by=rep",
             target_p95_ms=100.0),
    Scenario("ledger drill-down (61+ days)", "finance", "/receivables/d61"),
    Scenario("record a payment (write)", "finance", "/contracts/{contract}/payments",
             htmx_target="receivables", method="POST", form=payment),
    Scenario("campaign list", "marketing", "/campaigns", first_load=True),
    Scenario("campaign list (director)", "director", "/campaigns?status=running"),
    Scenario("campaign page", "marketing", "/campaigns/{campaign}", first_load=True),
    Scenario("campaign minutes", "marketing", "/campaigns/minutes/{minutes}"),
    Scenario("survey list (agent)", "agent", "/surveys", first_load=True),
    Scenario("survey list (rep)", "rep", "/surveys"),
    Scenario("survey list, low scores (fragment)", "agent", "/surveys?score=low",
             htmx_target="survey-list"),
    Scenario("survey page", "agent", "/surveys/{survey}"),
    Scenario("improvement plan list", "director", "/surveys/plans"),
    Scenario("improvement plan page", "director", "/surveys/plans/{plan}", first_load=True),
    Scenario("product feedback page", "product", "/products/{product}/feedback",
             first_load=True),
    Scenario("campaign comparison", "director", "/campaigns/compare?from=2025-01-01"
             "&to=2026-12-31&model=linear"),
]

STATIC_ASSETS = ["/static/vendor/htmx-2.0.11.min.js", "/static/css/app.css", "/static/js/app.js"]
