"""Which role may open which page (R-02, R-03): one table, checked for every route and role.

A route missing from ACCESS fails the first test, so every later route joins the matrix."""

import pytest
from flask import url_for
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.auth.models import Team, User
from crm.base import utcnow
from crm.deadlines import services as deadlines
from crm.deadlines.models import CalendarDay, Deadline, WorkCalendar
from crm.extensions import db
from tests.sample_records import sample_records
from tests.web.test_route_guard import PUBLIC

ROLE_USERS = {
    "admin": "admin",
    "director": "zhaomin",
    "manager": "wangqiang",
    "sales": "zhangwei",
    "service": "zhoujie",
    "channel": "sunli",
    "marketing": "machao",
    "product": "hefang",
    "finance": "zhengshuang",
    "legal": "fenglv",
    "ceo": "qianjin",
}
EVERYONE = frozenset(ROLE_USERS)
ADMIN = frozenset({"admin"})
OVERSIGHT = frozenset({"admin", "director"})
SELLERS = frozenset({"sales", "manager", "director", "admin"})
CUSTOMER_READERS = SELLERS | {"service"}
CHANNEL = frozenset({"channel", "director", "admin"})
CONTRACT_READERS = SELLERS | {"finance", "legal"}
BOOKKEEPERS = frozenset({"finance", "director", "admin"})
LEDGER_READERS = BOOKKEEPERS | {"legal", "manager"}
CAMPAIGN_READERS = frozenset({"marketing", "manager", "director", "finance", "ceo", "admin"})
CAMPAIGN_AUTHORS = frozenset({"marketing", "manager", "director", "admin"})
CAMPAIGN_APPROVERS = frozenset({"manager", "director", "finance", "ceo"})

ACCESS = {
    "dashboard.home": EVERYONE,
    "auth.change_password": EVERYONE,
    "auth.logout": EVERYONE,
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.toggle_active": ADMIN,
    "admin.reset_password": ADMIN,
    "admin.teams": ADMIN,
    "admin.edit_team": ADMIN,
    "settings.index": ADMIN,
    "audit.index": OVERSIGHT,
    "audit.approvals": OVERSIGHT,
    # Record pages use records owned by zhangwei (see tests/sample_records.py): his manager,
    # directors and admins may open them; a service agent reads but does not edit (403).
    "customers.index": CUSTOMER_READERS,
    "customers.contacts": CUSTOMER_READERS,
    "customers.show": CUSTOMER_READERS,
    "customers.new": SELLERS,
    "customers.edit": SELLERS,
    "customers.contact_form": SELLERS,
    "customers.merge": SELLERS,
    "customers.duplicates": SELLERS,
    "leads.index": SELLERS,
    "leads.pool": SELLERS,
    "leads.new": SELLERS,
    "leads.customer_hint": SELLERS,
    "leads.show": SELLERS,
    "leads.edit": SELLERS,
    "leads.move": SELLERS,
    "leads.followup": SELLERS,
    "leads.release": SELLERS,
    "leads.claim": SELLERS,
    "leads.assign": frozenset({"manager", "director", "admin"}),
    "deals.board": CUSTOMER_READERS,
    "deals.index": CUSTOMER_READERS,
    "deals.show": CUSTOMER_READERS,
    "deals.value": CUSTOMER_READERS,
    "deals.new": SELLERS,
    "deals.edit": SELLERS,
    "deals.edit_value": SELLERS,
    "deals.move": SELLERS,
    "deals.sign": SELLERS,
    "deals.lose": SELLERS,
    "deals.reopen": SELLERS,
    "deals.convert": SELLERS,
    "contracts.index": CONTRACT_READERS,
    "contracts.show": CONTRACT_READERS,
    "contracts.document": CONTRACT_READERS,
    "contracts.upload": CONTRACT_READERS,
    "contracts.change_status": SELLERS,
    "contracts.mark_important": SELLERS | {"finance"},
    "contracts.schedule": BOOKKEEPERS,
    "contracts.payment": BOOKKEEPERS,
    "contracts.record_step": CONTRACT_READERS,
    "contracts.record_delivery": SELLERS,
    "contracts.promise": SELLERS | {"finance"},
    "contracts.instalment": CONTRACT_READERS,
    "contracts.letter": CONTRACT_READERS,
    "contracts.letter_pdf": CONTRACT_READERS,
    "contracts.ledger": LEDGER_READERS,
    "contracts.bucket": LEDGER_READERS,
    "products.index": EVERYONE,
    "products.edit": frozenset({"product", "admin"}),
    # dealers: the channel roles; a rep reads a dealer only on their own deals (tests/channel)
    "channel.dealers": CHANNEL,
    "channel.dealer": CHANNEL,
    "channel.edit": CHANNEL,
    "channel.change_status": CHANNEL,
    "channel.new_agreement": CHANNEL,
    "channel.edit_agreement": CHANNEL,
    "channel.end_agreement": CHANNEL,
    "channel.apply": CHANNEL,
    "channel.apply_checks": CHANNEL,
    "channel.decide": OVERSIGHT,  # the channel director (crm/channel/access.py)
    "scores.index": CHANNEL,
    "scores.export_csv": CHANNEL,
    "scores.export_xlsx": CHANNEL,
    "scores.row": CHANNEL,
    "scores.adjust": CHANNEL,
    "channel.new_contact": CHANNEL,
    "channel.edit_contact": CHANNEL,
    # training, materials and the channel report: no rep sees any of it
    "enablement.trainings": CHANNEL,
    "enablement.training": CHANNEL,
    "enablement.edit_training": CHANNEL,
    "enablement.materials": CHANNEL,
    "enablement.new_material": CHANNEL,
    "enablement.edit_material": CHANNEL,
    "enablement.channel_report": CHANNEL,
    "notifications.index": EVERYONE,
    "notifications.bell": EVERYONE,
    "notifications.mark_read": EVERYONE,
    "notifications.open_subject": EVERYONE,
    "notifications.mark_all_read": EVERYONE,
    "followups.index": EVERYONE,
    "followups.show": EVERYONE,
    "followups.panel": EVERYONE,
    "followups.create": EVERYONE,
    "followups.complete": EVERYONE,
    "followups.reschedule": EVERYONE,
    "followups.calendar_token": EVERYONE,
    "followups.revoke_calendar": EVERYONE,
    "jobs_admin.index": ADMIN,
    "jobs_admin.retry": ADMIN,
    "deadlines.calendars_index": ADMIN,
    "deadlines.edit_calendar": ADMIN,
    "deadlines.add_day": ADMIN,
    "deadlines.delete_day": ADMIN,
    "deadlines.import_year": ADMIN,
    "deadlines.load_official": ADMIN,
    "deadlines.export_year": ADMIN,
    "deadlines.kinds_index": ADMIN,
    "deadlines.edit_kind": ADMIN,
    "deadlines.countdown": EVERYONE,
    "deadlines.pause": EVERYONE,
    "deadlines.resume": EVERYONE,
    "picker.suggest": CUSTOMER_READERS,
    "user_picker.suggest": EVERYONE,  # each rule names whom (tests/auth/test_user_picker.py)
    "calls.index": CUSTOMER_READERS,
    "calls.new": CUSTOMER_READERS,
    "calls.contact_options": CUSTOMER_READERS,
    # Complaints: read with the customer; handled by their owner (zhoujie), the managers above
    # them, directors and admins (a sales manager of another team is refused: 403).
    "complaints.index": CUSTOMER_READERS,
    "complaints.show": CUSTOMER_READERS,
    "complaints.signed_form": CUSTOMER_READERS,
    "complaints.new": frozenset({"service", "manager", "director", "admin"}),
    "complaints.edit": frozenset({"service", "director", "admin"}),
    "complaints.act": frozenset({"service", "director", "admin"}),
    # Service archives and revisits: read with the customer; worked by their agent (zhoujie),
    # the managers above them, directors and admins (a sales manager of another team: 403).
    "archives.index": CUSTOMER_READERS,
    "archives.show": CUSTOMER_READERS,
    "archives.edit": frozenset({"service", "director", "admin"}),
    "revisits.index": CUSTOMER_READERS,
    "revisits.show": CUSTOMER_READERS,
    "revisits.log": frozenset({"service", "director", "admin"}),
    # Surveys and improvement plans: read with the customer; the service desk, directors
    # and admins enter answers (a sales manager's POST is refused: tests/satisfaction).
    "surveys.index": CUSTOMER_READERS,
    "surveys.show": CUSTOMER_READERS,
    "surveys.plans": CUSTOMER_READERS,
    "surveys.plan": CUSTOMER_READERS,
    # A product's feedback: product managers, directors, admins; marked by the first.
    "feedback.product": frozenset({"product", "director", "admin"}),
    "feedback.acted": frozenset({"product", "admin"}),
    # A campaign of 市场部 (machao's): the manager of 华东大区 gets 404 (tests/campaigns).
    "campaigns.index": CAMPAIGN_READERS,
    "campaigns.show": CAMPAIGN_READERS,
    "campaigns.new": CAMPAIGN_AUTHORS,
    "campaigns.edit": CAMPAIGN_AUTHORS,
    "campaigns.submit": CAMPAIGN_AUTHORS,
    "campaigns.move": CAMPAIGN_AUTHORS,
    "campaigns.new_cost": CAMPAIGN_AUTHORS,
    "campaigns.resubmit": CAMPAIGN_AUTHORS,
    "campaigns.decide": CAMPAIGN_APPROVERS,
    "campaigns.approvals": CAMPAIGN_APPROVERS | {"admin"},
    "campaigns.new_minutes": CAMPAIGN_AUTHORS,
    "campaigns.minutes": CAMPAIGN_READERS,
    "campaigns.phase": CAMPAIGN_READERS,
    "campaigns.compare": CAMPAIGN_READERS,
    "campaigns.new_document": CAMPAIGN_AUTHORS,
    "campaigns.document": EVERYONE,  # a 404 for whoever may not read it (tests/campaigns)
}

# Routes of one record loaded through scopes: someone else's id is a 404, not a 403. They are
# checked by their domain's scoped-record tests (tests/followups/test_followups.py).
SCOPED_RECORDS = {"followups.show", "deadlines.countdown",
                  "complaints.signed_form",  # tests/service/test_complaints.py
                  "campaigns.show", "campaigns.edit", "campaigns.new_cost",
                  "campaigns.new_minutes", "campaigns.minutes", "campaigns.phase",
                  "campaigns.new_document", "campaigns.document"}  # tests/campaigns
# Routes that answer a permitted GET with a redirect (to the record they are about).
REDIRECTING = {"contracts.instalment"}


def _sample_args(app) -> dict:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "liuyang"))
        team_id = db.session.scalar(select(Team.id).where(Team.name == "华南销售一组"))
        calendar_id = db.session.scalar(select(WorkCalendar.id).where(WorkCalendar.is_default))
        day_id = db.session.scalar(select(CalendarDay.id).where(
            CalendarDay.calendar_id == calendar_id).limit(1))
        deadline_id = _sample_deadline()
    return {"user_id": user_id, "team_id": team_id, "field": "expected_value",
            "notification_id": 1, "job_id": "x", "followup_id": 1, "document_id": 1,
            "calendar_id": calendar_id, "day_id": day_id, "year": 2026, "kind": "followup",
            "deadline_id": deadline_id, "rule": "rep", **sample_records(app)}


def _sample_deadline() -> int:
    """A clock of zhangwei's (record routes of deadlines)."""
    owner = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
    found = db.session.scalar(select(Deadline.id).where(Deadline.owner_id == owner))
    if found is None:
        found = deadlines.create("followup", None, None, owner, utcnow()).id
        db.session.commit()
    return found


def _urls(app, methods: set[str]):
    args = _sample_args(app)
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC or not (rule.methods & methods):
                continue
            values = {name: args[name] for name in rule.arguments}
            yield rule.endpoint, url_for(rule.endpoint, **values)


def test_every_route_is_in_the_access_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - PUBLIC
    assert endpoints - set(ACCESS) == set(), "add the new routes to ACCESS"


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_pages_open_only_for_their_roles(app, login, role):
    user = login(ROLE_USERS[role])
    for endpoint, url in _urls(app, {"GET"}):
        if endpoint in SCOPED_RECORDS:
            continue
        allowed = 303 if endpoint in REDIRECTING else 200
        expected = allowed if role in ACCESS[endpoint] else 403
        assert user.get(url).status_code == expected, f"{role} GET {url}"


# Record routes: a rep of another team gets 404 for zhangwei's records, on GET and POST.
SCOPED = {"customers.show", "customers.edit", "customers.contact_form", "customers.merge",
          "deadlines.countdown", "deadlines.pause", "deadlines.resume",
          "leads.show", "leads.edit", "leads.move", "leads.followup", "leads.release",
          "deals.show", "deals.edit", "deals.value", "deals.edit_value", "deals.move",
          "deals.sign", "deals.convert", "deals.lose", "deals.reopen",
          "complaints.show", "complaints.signed_form", "archives.show", "revisits.show",
          "surveys.show", "surveys.plan",
          "contracts.show", "contracts.document", "contracts.upload", "contracts.change_status",
          "contracts.mark_important", "contracts.record_step", "contracts.promise",
          "contracts.instalment", "contracts.letter", "contracts.letter_pdf",
          "contracts.record_delivery"}


def test_someone_elses_records_are_404(app, login):
    other = login("chenjing")
    checked = set()
    for methods in ({"GET"}, {"POST"}):
        for endpoint, url in _urls(app, methods):
            if endpoint in SCOPED:
                response = other.get(url) if methods == {"GET"} else other.post(url)
                assert response.status_code == 404, f"{methods} {url}"
                checked.add(endpoint)
    assert checked == SCOPED


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_denied_posts_change_nothing(app, login, role):
    user = login(ROLE_USERS[role])
    for endpoint, url in _urls(app, {"POST"}):
        if role in ACCESS[endpoint]:
            continue
        before = _audit_count(app)
        response = user.post(url, {"active": "0", "password": "Xx#12345678", "name": "x"})
        assert response.status_code == 403, f"{role} POST {url}"
        assert _audit_count(app) == before, f"{role} POST {url} changed data"


def test_every_post_that_redirects_answers_303(app, login, client):
    """After a POST the browser GETs the next page (303), whichever handler answered; the
    login, logout and language posts included."""
    with app.test_request_context():
        public = [url_for(e) for e in ("auth.set_language", "auth.login")]
    for url in public:
        assert client.post(url, {"username": "zhangwei", "password": "Demo#2026crm",
                                 "lang": "en"}).status_code == 303, url
    posts = [(e, u) for e, u in _urls(app, {"POST"}) if e != "auth.logout"]  # logout: last
    roles = {e: next(r for r in sorted(ROLE_USERS) if r in ACCESS[e]) for e, _u in posts}
    # every role signs in before anything is posted: a post may end or change a login
    clients = {role: login(ROLE_USERS[role]) for role in set(roles.values())}
    for endpoint, url in posts:
        response = clients[roles[endpoint]].post(url, {})
        if 300 <= response.status_code < 400:
            assert response.status_code == 303, f"{roles[endpoint]} POST {url}"
    assert client.post("/logout").status_code == 303
