"""/audit: filters and keyset pages over the trail (R-04)."""

import re
from datetime import timedelta

from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.base import utcnow
from crm.extensions import db
from tests.conftest import count_queries


def _add_entries(app, n, **fields):
    with app.app_context():
        db.session.execute(AuditEntry.__table__.insert(), [
            {"at": utcnow(), "model": "users", "record_id": 999, "action": "update",
             "field": "name", "old": f"old{i}", "new": f"new{i}"} | fields for i in range(n)])
        db.session.commit()


def test_pages_through_the_trail_newest_first_without_repeats(login, app):
    admin = login("admin")
    _add_entries(app, 120)
    seen, url = [], "/audit?record=999"
    with count_queries(app) as queries:
        first = admin.get(url).get_data(as_text=True)
    seen += re.findall(r"new(\d+)<", first)
    cursor = re.search(r'after=([^"&]+)"', first).group(1)
    while cursor:
        page = admin.get(f"{url}&after={cursor}", htmx=True,
                         target="audit-rows-more").get_data(as_text=True)
        assert "<html" not in page
        seen += re.findall(r"new(\d+)<", page)
        found = re.search(r'after=([^"&]+)"', page)
        cursor = found.group(1) if found else None
    assert [int(s) for s in seen] == list(range(119, -1, -1))
    assert queries.n < 15


def test_filters_by_user_model_and_dates(login, app):
    admin = login("admin")
    with app.app_context():
        director = db.session.scalar(select(User.id).where(User.username == "zhaomin"))
    _add_entries(app, 3, user_id=director, model="teams", new="by-director")
    _add_entries(app, 2, at=utcnow() - timedelta(days=40), new="long-ago")
    page = admin.get(f"/audit?user={director}").get_data(as_text=True)
    assert page.count("by-director") == 3 and "long-ago" not in page
    page = admin.get("/audit?model=teams").get_data(as_text=True)
    assert "by-director" in page and "long-ago" not in page
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    page = admin.get(f"/audit?since={since}&record=999").get_data(as_text=True)
    assert "long-ago" not in page
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    page = admin.get(f"/audit?until={until}").get_data(as_text=True)
    assert page.count("long-ago") == 2 and "by-director" not in page


def test_date_filters_use_the_users_day_in_shanghai(login, app):
    from datetime import UTC, datetime

    admin = login("admin")
    late_evening = datetime(2026, 1, 1, 15, 57, tzinfo=UTC)  # 2026-01-01 23:57 in Shanghai
    _add_entries(app, 1, at=late_evening, new="new-year-eve", record_id=4242)
    assert "new-year-eve" not in admin.get("/audit?record=4242&since=2026-01-02").get_data(
        as_text=True)
    assert "new-year-eve" in admin.get("/audit?record=4242&until=2026-01-01").get_data(
        as_text=True)
