"""The customer's timeline (issue 15): one stream of every registered source, newest first,
filtered by kind (an unselected kind is not queried), paged by a cursor (the oldest event
shown, ties broken by kind and id) in a constant number of queries."""

from datetime import timedelta

from sqlalchemy import insert

from crm.base import utcnow
from crm.customers import services
from crm.customers.services import TIMELINE_SOURCES, TimelineEvent
from crm.extensions import db
from crm.service.models import Call
from tests.care.helpers import bulk_care, sign
from tests.conftest import count_queries
from tests.service.helpers import bulk_calls, make_customer, user_id


def test_every_source_takes_the_paged_signature(app):
    import inspect

    for kind, source in TIMELINE_SOURCES.items():
        assert list(inspect.signature(source.fetch).parameters) == [
            "customer_id", "before", "limit"], kind


def test_pages_follow_each_other_without_gaps_or_repeats_even_on_ties(app, people):
    customer_id = make_customer(app, "华为技术有限公司")
    with app.app_context():  # 7 calls at one instant, 5 at others
        agent, now = user_id("zhoujie"), utcnow().replace(microsecond=0)
        db.session.execute(insert(Call), [
            {"customer_id": customer_id, "agent_id": agent, "direction": "in",
             "channel": "hotline", "notes": f"第{i}次", "at": now - timedelta(
                 minutes=0 if i < 7 else i)} for i in range(12)])
        db.session.commit()
    seen, before = [], None
    with app.test_request_context():
        while True:
            page = services.timeline(customer_id, ["call"], before, limit=3)
            seen += [e.text for e in page.events]
            if not page.older:
                break
            before = page.older
    assert len(seen) == len(set(seen)) == 12


def test_a_kind_filter_queries_only_that_kind(app, people, monkeypatch):
    customer_id = make_customer(app, "华为技术有限公司")
    bulk_calls(app, customer_id, 3)
    asked = []
    for kind, source in list(TIMELINE_SOURCES.items()):
        def spy(customer_id, before=None, limit=services.TIMELINE_LIMIT, _k=kind, _f=source.fetch):
            asked.append(_k)
            return _f(customer_id, before, limit)
        monkeypatch.setitem(TIMELINE_SOURCES, kind, services.TimelineSource(
            kind, source.label, spy))
    with app.test_request_context():
        page = services.timeline(customer_id, ["call", "nonsense"])
    assert asked == ["call"] and page.kinds == ["call"]
    assert {e.kind for e in page.events} == {"call"}


def test_the_page_shows_chips_and_an_older_link(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    bulk_calls(app, customer_id, services.TIMELINE_LIMIT + 5)
    agent = login("zhoujie")
    page = agent.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert 'id="timeline-rows-more"' in page and "kind=call" in page
    older = agent.get(f"/customers/{customer_id}?kind=call&before=x", htmx=True,
                      target="timeline-rows-more").get_data(as_text=True)
    assert "<html" not in older
    block = agent.get(f"/customers/{customer_id}?kind=complaint", htmx=True,
                      target="customer-timeline").get_data(as_text=True)
    assert block.lstrip().startswith('<section class="card" id="customer-timeline"')
    assert "第0次来电" not in block


def test_events_order_by_time_then_kind_and_id(app):
    now = utcnow()
    events = [TimelineEvent(now, "call", "a", key=1), TimelineEvent(now, "call", "b", key=2),
              TimelineEvent(now - timedelta(seconds=1), "revisit", "c", key=9)]
    assert [e.text for e in sorted(events, key=lambda e: e.order, reverse=True)] == \
        ["b", "a", "c"]


def _queries(app, client, url) -> int:
    with count_queries(app) as counter:
        assert client.get(url).status_code == 200, url
    return counter.n


def test_timeline_query_count_does_not_grow_with_entries(app, login):
    customer_id = make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    with app.test_request_context():
        contract_id = sign(customer_id).id
        db.session.commit()
    users = [login(name) for name in ("zhoujie", "wangqiang", "zhangwei")]
    urls = (f"/customers/{customer_id}", f"/customers/{customer_id}?kind=revisit&kind=call")
    bulk_calls(app, customer_id, 10)
    bulk_care(app, contract_id, 10)
    small = [_queries(app, c, url) for c in users for url in urls]
    bulk_calls(app, customer_id, 990)
    bulk_care(app, contract_id, 990)
    large = [_queries(app, c, url) for c in users for url in urls]
    assert small == large
