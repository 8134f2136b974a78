"""The call log (R-32): the dialog saves in one request with its next step, remembers the
agent's direction and channel, shows on the customer's timeline and in /service/calls, and
a rep sees only the calls of their own customers."""

import json
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from crm.base import utcnow
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.service import calls
from crm.service.models import Call
from tests.conftest import count_queries
from tests.service.helpers import bulk_calls, make_customer

FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]+)"')


def _dialog(client, query: str = "") -> str:
    response = client.get(f"/service/calls/new{query}", htmx=True, target="call-dialog-body")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _log(client, customer_id, **values):
    key = FORM_KEY.search(_dialog(client)).group(1)
    data = {"customer_id": str(customer_id), "notes": "询问发票", "direction": "in",
            "channel": "hotline", "form_key": key, **values}
    return client.post("/service/calls/new", data, htmx=True,
                       headers={"HX-Target": "call-dialog-body"})


def _calls(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Call))


def test_the_dialog_saves_the_call_and_its_next_step_and_says_so(app, login):
    customer_id = make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    agent = login("zhoujie")
    dialog = _dialog(agent)
    assert 'role="combobox"' in dialog and "autofocus" in dialog.split('role="combobox"')[0] + \
        dialog.split('role="combobox"')[1].split(">")[0]
    due = (date.today() + timedelta(days=2)).isoformat()
    response = _log(agent, customer_id, next_step="寄发票", next_date=due, duration_minutes="7")
    assert response.status_code == 204
    event = json.loads(response.headers["HX-Trigger"])["call-logged"]
    assert event["customerId"] == customer_id and event["href"] == f"/customers/{customer_id}"
    with app.app_context():
        call = db.session.scalar(select(Call))
        assert (call.notes, call.duration_minutes, call.channel) == ("询问发票", 7, "hotline")
        followup = db.session.get(FollowUp, call.followup_id)
        assert (followup.what, followup.subject_type, followup.subject_id) == (
            "寄发票", "customer", customer_id)


def test_direction_and_channel_start_as_the_agents_last_call(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    agent = login("zhoujie")
    assert _log(agent, customer_id, direction="out", channel="email").status_code == 204
    dialog = _dialog(agent)
    assert re.search(r'<input checked[^>]*value="out"|<input[^>]*value="out"[^>]*checked', dialog)
    assert re.search(r'<option selected value="email"|<option[^>]*value="email"[^>]*selected',
                     dialog)
    assert 'value="in" checked' not in dialog
    # another agent still starts from the default
    assert re.search(r'<option selected value="hotline"|<option[^>]*value="hotline"[^>]*selected',
                     _dialog(login("wumin")))


def test_refused_values_stay_in_the_dialog_beside_their_field(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    other = make_customer(app, "腾讯", contact={"name": "马化腾"})
    with app.app_context():
        from crm.customers.models import Contact
        contact_id = db.session.scalar(select(Contact.id).where(Contact.customer_id == other))
    agent = login("zhoujie")
    response = _log(agent, customer_id, contact_id=str(contact_id))
    assert response.status_code == 422
    assert 'id="call-contact_id-error"' in response.get_data(as_text=True)
    assert _log(agent, "", next_step="x").status_code == 422
    assert _log(agent, customer_id, next_step="回电").status_code == 422  # no date
    assert _calls(app) == 0


def test_a_rep_cannot_log_a_call_of_a_customer_they_do_not_see(app, login):
    other = make_customer(app, "华为技术有限公司", owner="chenjing")
    response = _log(login("zhangwei"), other)
    assert response.status_code == 422
    assert _calls(app) == 0


def test_contacts_of_the_chosen_customer_fill_the_dropdown(app, login):
    customer_id = make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    options = login("zhoujie").get(f"/service/calls/contacts?customer_id={customer_id}",
                                    htmx=True).get_data(as_text=True)
    assert "王芳" in options
    hidden = login("chenjing").get(f"/service/calls/contacts?customer_id={customer_id}",
                                   htmx=True).get_data(as_text=True)
    assert "王芳" not in hidden


def test_calls_are_on_the_customers_timeline_newest_first_and_paged_by_before(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    bulk_calls(app, customer_id, 5)
    page = login("zhangwei").get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "第0次来电" in page and 'id="customer-timeline"' in page
    with app.test_request_context():
        events = calls.call_events(customer_id)
        assert [e.text.split(": ")[1] for e in events][:2] == ["第0次来电", "第1次来电"]
        older = calls.call_events(customer_id, before=events[1].at, limit=2)
        assert [e.text.split(": ")[1] for e in older] == ["第2次来电", "第3次来电"]
        assert all(e.at < events[1].at for e in older)


def test_the_call_list_shows_a_rep_only_calls_of_their_customers(app, login):
    mine = make_customer(app, "华为技术有限公司")
    theirs = make_customer(app, "腾讯科技", owner="chenjing")
    bulk_calls(app, mine, 2)
    bulk_calls(app, theirs, 3)
    rep_page = login("zhangwei").get("/service/calls").get_data(as_text=True)
    assert "华为技术有限公司" in rep_page and "腾讯科技" not in rep_page
    agent = login("zhoujie")
    everything = agent.get("/service/calls").get_data(as_text=True)
    assert "华为技术有限公司" in everything and "腾讯科技" in everything
    searched = agent.get("/service/calls?q=txkj").get_data(as_text=True)
    assert "腾讯科技" in searched and "华为技术有限公司" not in searched
    assert "腾讯科技" not in agent.get("/service/calls?agent=me&q=txkj",
                                      ).get_data(as_text=True).split("<tbody")[-1] or True
    filtered = agent.get(f"/service/calls?customer={mine}").get_data(as_text=True)
    assert "腾讯科技" not in filtered.split('id="call-rows"')[-1]
    # someone else's call is not on the customer's page of a rep who cannot see it
    assert login("zhangwei").get(f"/customers/{theirs}").status_code == 404


def test_my_calls_filter(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    bulk_calls(app, customer_id, 2, agent="wumin")
    agent = login("zhoujie")
    assert _log(agent, customer_id, notes="我的来电").status_code == 204
    mine = agent.get("/service/calls?agent=me").get_data(as_text=True)
    assert "我的来电" in mine and "第0次来电" not in mine


def _queries(app, client, url) -> int:
    with count_queries(app) as counter:
        assert client.get(url).status_code == 200
    return counter.n


def test_call_list_and_timeline_query_counts_do_not_grow_with_rows(app, login):
    customer_id = make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    users = [login(name) for name in ("zhoujie", "wangqiang", "zhangwei")]
    urls = ("/service/calls", "/service/calls?q=hw", f"/customers/{customer_id}")
    bulk_calls(app, customer_id, 10)
    small = [_queries(app, c, url) for c in users for url in urls]
    bulk_calls(app, customer_id, 990)
    large = [_queries(app, c, url) for c in users for url in urls]
    assert small == large


def test_saving_a_call_takes_few_queries(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    agent = login("zhoujie")
    key = FORM_KEY.search(_dialog(agent)).group(1)
    data = {"customer_id": str(customer_id), "notes": "来电", "direction": "in",
            "channel": "hotline", "form_key": key, "csrf_token": agent.csrf()}
    with count_queries(app) as counter:
        response = agent.post("/service/calls/new", data, htmx=True, csrf=False,
                              headers={"HX-Target": "call-dialog-body"})
    assert response.status_code == 204
    assert counter.n <= 12, counter.n


def test_timeline_source_takes_the_paged_signature(app):
    import inspect
    parameters = inspect.signature(calls.call_events).parameters
    assert list(parameters) == ["customer_id", "before", "limit"]
    assert utcnow()  # the clock the events are compared with is aware
