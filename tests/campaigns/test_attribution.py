"""Attribution and ROI (R-11, R-53): a hand-computed fixture per model, and every model's
revenue summing to the signed revenue of the attributed deals."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from crm.campaigns import attribution, services
from crm.campaigns.models import CampaignTouch
from crm.contracts.models import Contract
from crm.contracts.services import contract_number
from crm.customers import services as customers
from crm.extensions import db
from crm.sales import deals
from crm.sales import leads as sales
from crm.sales.models import Lead
from tests.campaigns.helpers import make_campaign, user

D = Decimal
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def ctx(app, people):
    with app.test_request_context():
        yield


def _running(name: str, costs: list[str]):
    campaign = make_campaign("1000", name=name)
    services.decide(services.submit(campaign, user("machao")), user("gaoyan"), True, None)
    for amount in costs:
        services.add_cost(campaign, {"what": "费用", "amount": D(amount),
                                     "spent_on": date(2026, 3, 5), "is_purchase": False},
                          user("machao"))
    return campaign


def _lead(name: str, touched_by: list, price: str | None = None) -> Lead:
    rep = user("zhangwei")
    lead = sales.save_lead(None, {"company_name": name, "source": "campaign"}, owner_id=rep.id)
    for hours, campaign in enumerate(touched_by):
        attribution.touch(lead.id, campaign.id, T0 + timedelta(hours=hours))
    if price is not None:
        customer = customers.save_customer(None, {"name": name, "owner_id": rep.id})
        deal = deals.save_deal(None, {"title": f"{name}项目", "customer_id": customer.id,
                                      "owner_id": rep.id, "expected_value": D(price)}, [])
        deal.lead_id = lead.id
        db.session.add(Contract(deal_id=deal.id, customer_id=customer.id, owner_id=rep.id,
                                price=D(price), payment_method="bank_transfer",
                                payment_terms="-", breach_liability="-",
                                signed_at=date(2026, 4, 1),
                                number=contract_number(date(2026, 4, 1), deal.id)))
    db.session.flush()
    return lead


@pytest.fixture
def fixture(ctx):
    """A (costs 12,000 + 8,000), B (15,000), C (5,000). L1: A then B, signed 100,000.00;
    L2: B, signed 50,000.50; L3: A, B, C, signed 10,000.01; L4: C, not signed."""
    a, b, c = _running("展会A", ["12000", "8000"]), _running("沙龙B", ["15000"]), \
        _running("线上C", ["5000"])
    _lead("一号公司", [a, b], "100000.00")
    _lead("二号公司", [b], "50000.50")
    _lead("三号公司", [a, b, c], "10000.01")
    _lead("四号公司", [c])
    return a.id, b.id, c.id


def _row(found, campaign_id):
    f = found.of(campaign_id)
    return (f.cost, f.leads, f.deals, f.revenue, f.roi, f.cost_per_lead, f.cost_per_deal)


# (cost, leads, signed deals, revenue, ROI, cost per lead, cost per deal), worked out by hand
EXPECTED = {
    "first": (
        (D("20000"), D("2"), D("2"), D("110000.01"), D("4.5000"), D("10000.00"),
         D("10000.00")),
        (D("15000"), D("1"), D("1"), D("50000.50"), D("2.3334"), D("15000.00"),
         D("15000.00")),
        (D("5000"), D("1"), D("0"), D("0"), D("-1.0000"), D("5000.00"), None),
    ),
    "last": (
        (D("20000"), D("0"), D("0"), D("0"), D("-1.0000"), None, None),
        (D("15000"), D("2"), D("2"), D("150000.50"), D("9.0000"), D("7500.00"), D("7500.00")),
        (D("5000"), D("2"), D("1"), D("10000.01"), D("1.0000"), D("2500.00"), D("5000.00")),
    ),
    # L1 in halves; L3 in thirds of whole fen, the odd fen to the earliest touches:
    # 0.34/0.33/0.33 of a lead, 3,333.34/3,333.34/3,333.33 of its revenue
    "linear": (
        (D("20000"), D("0.84"), D("0.84"), D("53333.34"), D("1.6667"), D("23809.52"),
         D("23809.52")),
        (D("15000"), D("1.83"), D("1.83"), D("103333.84"), D("5.8889"), D("8196.72"),
         D("8196.72")),
        (D("5000"), D("1.33"), D("0.33"), D("3333.33"), D("-0.3333"), D("3759.40"),
         D("15151.52")),
    ),
}


@pytest.mark.parametrize("model", sorted(EXPECTED))
def test_figures_match_the_hand_computed_fixture(fixture, model):
    found = attribution.for_campaigns(fixture, model)
    assert [_row(found, cid) for cid in fixture] == list(EXPECTED[model])
    assert sum((found.of(cid).revenue for cid in fixture), D(0)) == D("160000.51")
    assert sum((found.of(cid).cost for cid in fixture), D(0)) == D("40000")


def test_a_lead_made_with_a_campaign_is_attributed_to_it(ctx):
    campaign = _running("春季促销", [])
    lead = sales.save_lead(None, {"company_name": "来自活动的公司", "source": "campaign",
                                  "campaign_id": campaign.id}, owner_id=user("zhangwei").id)
    other = _running("秋季展会", [])
    sales.save_lead(lead, {"campaign_id": other.id})  # touched again by another campaign
    touches = db.session.scalars(select(CampaignTouch.campaign_id).where(
        CampaignTouch.lead_id == lead.id).order_by(CampaignTouch.id)).all()
    assert touches == [campaign.id, other.id]


def test_the_lead_form_offers_the_running_campaigns(app, login):
    with app.test_request_context():
        _running("春季促销", [])
        make_campaign("1000", name="尚未审批的活动")
        db.session.commit()
    page = login("zhangwei").get("/leads/new").get_data(as_text=True)
    assert "春季促销" in page and "尚未审批的活动" not in page


AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False,
                      allow_infinity=False)
LEADS = st.lists(st.tuples(st.lists(st.integers(1, 6), min_size=1, max_size=5, unique=True),
                           st.lists(AMOUNTS, max_size=3)), max_size=30)


@given(LEADS)
def test_every_model_shares_out_exactly_the_signed_revenue(leads):
    touches = {i: campaigns for i, (campaigns, _p) in enumerate(leads)}
    signed = {i: prices for i, (_c, prices) in enumerate(leads)}
    won = sum((p for prices in signed.values() for p in prices), D(0))
    costs = {cid: D("100.00") for cid in range(1, 7)}
    for model in attribution.MODELS:
        found = attribution.attribute(touches, signed, costs, model)
        assert sum((f.revenue for f in found.by_campaign.values()), D(0)) == won, model
        assert sum((f.leads for f in found.by_campaign.values()), D(0)) == len(leads), model
        assert sum((f.cost for f in found.by_campaign.values()), D(0)) == D("600.00"), model


def test_the_comparison_page_draws_its_chart_on_the_server(app, login, fixture):
    db.session.commit()
    finance = login("zhengshuang")
    page = finance.get("/campaigns/compare?from=2026-01-01&to=2026-12-31&model=linear")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text and 'class="bar-revenue"' in text
    assert "<script" not in text.split("<svg")[1].split("</svg>")[0]
    assert "¥103,333.84" in text and "588.89 %" in text  # 沙龙B by the linear model
    assert "展会A" not in finance.get("/campaigns/compare?from=2025-01-01&to=2025-12-31") \
        .get_data(as_text=True)
    campaign = finance.get(f"/campaigns/{fixture[0]}?model=first").get_data(as_text=True)
    assert "¥110,000.01" in campaign and "450.00 %" in campaign and "三号公司" in campaign


def test_the_comparison_runs_a_fixed_number_of_queries(app, login, fixture):
    from tests.campaigns.test_campaigns import _bulk
    from tests.conftest import count_queries

    db.session.commit()
    director = login("zhaomin")
    url = "/campaigns/compare?from=2026-01-01&to=2026-12-31"

    def count() -> int:
        director.get(url)
        with count_queries(app) as counter:
            assert director.get(url).status_code == 200
        return counter.n

    _bulk(app, 10)
    small = count()
    _bulk(app, 990)
    assert count() == small <= 10
