"""The benchmark's generator and scenarios keep working as the app grows."""

from types import SimpleNamespace

from sqlalchemy import func, select

from bench.__main__ import record_ids
from bench.generate import MARKER_KEY, SIZES, STEPS, already_generated, generate
from bench.scenarios import LOGINS, SCENARIOS
from crm import create_app
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales.models import Deal
from crm.service.models import Complaint
from crm.settings.models import Setting
from tests.conftest import Client


class BenchSession:
    """The benchmark client's interface over the Flask test client."""

    def __init__(self, client: Client):
        self.client = client

    def request(self, method, path, form=None, htmx_target=None):
        if method == "GET":
            response = self.client.get(path, htmx=bool(htmx_target), target=htmx_target)
        else:
            headers = {"HX-Target": htmx_target} if htmx_target else {}
            response = self.client.post(path, form, htmx=bool(htmx_target), headers=headers)
        return SimpleNamespace(status=response.status_code, body=response.get_data(),
                               headers=response.headers)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_generator_loads_the_tiny_set_once(app):
    size = SIZES["tiny"]
    with app.app_context():
        generate(size)
        assert already_generated(size)
        assert _count(User) >= size.reps
        assert _count(Customer) == size.customers
        assert _count(Deal) == size.deals
        assert _count(AuditEntry) >= size.activities


def test_a_step_added_later_is_generated_alone_on_an_existing_set(app):
    size = SIZES["tiny"]
    with app.app_context():
        generate(size)
        complaints = _count(Complaint)
        db.session.execute(Complaint.__table__.delete())
        others = [name for name, _ in STEPS if name != "complaints"]
        marker = db.session.scalar(select(Setting).where(Setting.key == MARKER_KEY))
        marker.value = f"tiny:{','.join(others)}"  # as if the complaints step were new
        db.session.commit()
        assert not already_generated(size)
        timings = generate(size)
        assert list(timings) == ["complaints"]
        assert _count(Complaint) == complaints
        assert _count(Customer) == size.customers
        assert already_generated(size)


def test_every_scenario_answers_and_reports_its_query_count(app):
    with app.app_context():
        generate(SIZES["tiny"])
        ids = record_ids()
    counted = create_app(dict(app.config, CRM_QUERY_COUNT=True))
    sessions = {}
    for role, username in LOGINS.items():
        client = Client(counted)
        assert client.login(username).status_code == 303
        sessions[role] = BenchSession(client)
    for s in SCENARIOS:
        session = sessions[s.role]
        reply = session.request(s.method, s.url(ids), s.data(session, ids), s.htmx_target)
        assert reply.status < 400, s.name
        assert int(reply.headers["X-Query-Count"]) > 0, s.name


def test_the_timed_sweep_leaves_no_deadline_or_notification_behind(app, people):
    from crm.deadlines.bench import time_sweep
    from crm.deadlines.models import Deadline
    from crm.notifications.models import Notification

    with app.app_context():
        before = _count(Deadline), _count(Notification)
        result = time_sweep(40)
        assert result["overdue"] == 40 - 4  # one in ten is paused
        assert (_count(Deadline), _count(Notification)) == before


def test_the_timed_sweep_times_only_its_own_deadlines(app, people):
    """The data set's own overdue clocks are swept before the timing, as a running system
    would have swept them, not counted in the timed run."""
    from datetime import timedelta

    from crm.base import utcnow
    from crm.deadlines import services
    from crm.deadlines.bench import time_sweep
    from crm.deadlines.models import DeadlineAlert
    from tests.deadlines.helpers import user_id

    with app.app_context():
        own = services.create("followup", None, None, user_id("zhangwei"),
                              utcnow() - timedelta(days=2)).id
        db.session.commit()
        assert time_sweep(40)["overdue"] == 40 - 4
        assert db.session.scalars(select(DeadlineAlert.level).where(
            DeadlineAlert.deadline_id == own).order_by(DeadlineAlert.level)).all() == [1, 2]
