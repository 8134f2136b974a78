"""A double submit makes one record (issue 10, defect 5): every create form carries a one-time
key; a repeat, even one sent at the same moment, answers with the first result."""

import re
import threading

import pytest
from sqlalchemy import func, select

from crm.auth.models import Team, User
from crm.campaigns.models import Campaign, CampaignCost, CampaignMinutes
from crm.channel.models import (
    Agreement,
    Dealer,
    DealerApplication,
    DealerContact,
    DealerTraining,
    MaterialHandout,
)
from crm.contracts.models import Contract, Payment
from crm.customers.models import Contact, Customer
from crm.extensions import db
from crm.feedback.models import FeedbackAction
from crm.followups.models import FollowUp
from crm.sales.models import Deal, Lead, Product
from crm.service.models import Call, Complaint
from tests.conftest import Client
from tests.web.form_catalogue import ENTRIES, ids

FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]+)"')
FORMS = {e.endpoint: e for e in ENTRIES}
# (endpoint, the page that shows the form, the URL it posts to, what it creates)
CREATES = [
    ("leads.new", "/leads/new", "/leads/new", Lead),
    ("deals.new", "/deals/new", "/deals/new", Deal),
    ("deals.convert", "/leads/{lead_id}/deal", "/leads/{lead_id}/deal", Deal),
    ("customers.new", "/customers/new", "/customers/new", Customer),
    ("customers.contact_form", "/customers/{customer_id}/contacts/new",
     "/customers/{customer_id}/contacts/new", Contact),
    ("products.edit", "/products/new", "/products/new", Product),
    ("channel.edit", "/dealers/new", "/dealers/new", Dealer),
    ("channel.apply", "/dealers/apply", "/dealers/apply", DealerApplication),
    ("channel.new_agreement", "/dealers/{dealer_id}/agreements/new",
     "/dealers/{dealer_id}/agreements/new", Agreement),
    ("enablement.edit_training", "/channel/trainings/new", "/channel/trainings/new",
     DealerTraining),
    ("enablement.new_material", "/dealers/{dealer_id}/materials/new",
     "/dealers/{dealer_id}/materials/new", MaterialHandout),
    ("channel.new_contact", "/dealers/{dealer_id}/contacts/new",
     "/dealers/{dealer_id}/contacts/new", DealerContact),
    ("followups.create", "/followups", "/followups", FollowUp),
    ("admin.new_user", "/admin/users/new", "/admin/users/new", User),
    ("admin.edit_team", "/admin/teams/new", "/admin/teams/new", Team),
    ("deals.sign", "/deals/{deal_id}/sign", "/deals/{deal_id}/sign", Contract),
    ("calls.new", "/service/calls/new", "/service/calls/new", Call),
    ("complaints.new", "/service/complaints/new", "/service/complaints/new", Complaint),
    ("contracts.payment", "/contracts/{contract_id}/payments",
     "/contracts/{contract_id}/payments", Payment),
    ("feedback.acted", "/products/{product_id}/feedback",
     "/products/{product_id}/feedback/survey/{survey_id}", FeedbackAction),
    ("campaigns.new", "/campaigns/new", "/campaigns/new", Campaign),
    ("campaigns.new_cost", "/campaigns/{approved_campaign_id}/costs/new",
     "/campaigns/{approved_campaign_id}/costs/new", CampaignCost),
    ("campaigns.new_minutes", "/campaigns/{approved_campaign_id}/minutes/new",
     "/campaigns/{approved_campaign_id}/minutes/new", CampaignMinutes),
]


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _form_key(user: Client, page: str) -> str:
    return FORM_KEY.search(user.get(page).get_data(as_text=True)).group(1)


def _submission(app, endpoint: str, records: dict) -> dict:
    with app.app_context():
        data = FORMS[endpoint].data(records)
    data.pop("version", None)  # a new record
    return data


@pytest.mark.parametrize(("endpoint", "page", "url", "model"), CREATES,
                         ids=[c[0] for c in CREATES])
def test_a_repeated_submission_makes_one_record_and_answers_with_the_first(
        app, login, endpoint, page, url, model):
    records = ids(app)
    page, url = page.format(**records), url.format(**records)
    user = login(FORMS[endpoint].username)
    data = _submission(app, endpoint, records) | {"form_key": _form_key(user, page)}
    before = _count(app, model)
    first = user.post(url, data)
    again = user.post(url, data)
    assert first.status_code == 303, first.get_data(as_text=True)[:3000]
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(app, model) == before + 1


def test_each_form_page_gets_a_fresh_key(app, login):
    rep = login("zhangwei")
    assert _form_key(rep, "/leads/new") != _form_key(rep, "/leads/new")


def test_a_refused_submission_does_not_use_up_its_key(app, login):
    records = ids(app)
    rep = login("zhangwei")
    data = _submission(app, "leads.new", records) | {"form_key": _form_key(rep, "/leads/new")}
    assert rep.post("/leads/new", data | {"company_name": ""}).status_code == 422
    assert rep.post("/leads/new", data).status_code == 303


def test_the_new_lead_form_sent_twice_at_once_makes_one_lead(app, login):
    """The defect as found: two identical posts in flight together (a double click)."""
    records = ids(app)
    rep = login("zhangwei")
    data = _submission(app, "leads.new", records) | {"form_key": _form_key(rep, "/leads/new"),
                                                      "csrf_token": rep.csrf()}
    twin = Client(app)  # the same browser: its cookie
    twin.http.set_cookie("session", rep.http.get_cookie("session").value)
    before = _count(app, Lead)
    barrier, answers = threading.Barrier(2), []

    def send(client: Client):
        barrier.wait()
        answers.append(client.post("/leads/new", data))

    threads = [threading.Thread(target=send, args=(c,)) for c in (rep, twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [303, 303]
    assert len({a.headers["Location"] for a in answers}) == 1
    assert _count(app, Lead) == before + 1

