"""The benchmark's generator and scenarios keep working as the app grows."""

from sqlalchemy import func, select

from bench.generate import SIZES, already_generated, generate
from bench.scenarios import LOGINS, SCENARIOS
from crm import create_app
from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.extensions import db
from tests.conftest import Client


def test_generator_loads_the_tiny_set_once(app):
    size = SIZES["tiny"]
    with app.app_context():
        generate(size)
        assert already_generated(size)
        users = db.session.scalar(select(func.count()).select_from(User))
        assert users >= size.reps
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) >= size.activities


def test_every_scenario_answers_and_reports_its_query_count(app):
    with app.app_context():
        generate(SIZES["tiny"])
    counted = create_app(dict(app.config, CRM_QUERY_COUNT=True))
    clients = {}
    for role, username in LOGINS.items():
        clients[role] = Client(counted)
        assert clients[role].login(username).status_code == 302
    for s in SCENARIOS:
        client = clients[s.role]
        if s.method == "GET":
            response = client.get(s.path, htmx=bool(s.htmx_target), target=s.htmx_target)
        else:
            response = client.post(s.path, s.form)
        assert response.status_code < 400, s.name
        assert int(response.headers["X-Query-Count"]) > 0, s.name
