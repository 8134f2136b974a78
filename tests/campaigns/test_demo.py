"""The campaigns demo (issue 17): the campaigns whose leads signed show a real ROI (R-11)."""

from decimal import Decimal

from sqlalchemy import select

from crm.campaigns import attribution
from crm.campaigns.models import Campaign
from crm.extensions import db


def test_the_demo_campaigns_that_brought_signed_deals_show_a_real_roi(app, demo, login):
    with app.test_request_context():
        ids = dict(db.session.execute(select(Campaign.name, Campaign.id)).all())
        found = attribution.for_campaigns([ids["春季新品推广"], ids["秋季促销"]], "first")
        autumn, spring = found.of(ids["秋季促销"]), found.of(ids["春季新品推广"])
        assert (autumn.leads, autumn.deals, autumn.revenue) == (3, 2, Decimal("330500"))
        assert autumn.cost == Decimal("44500") and autumn.roi > 0
        assert spring.revenue == Decimal("168000") and spring.roi
    page = login("gaoyan").get(f"/campaigns/{ids['秋季促销']}").get_data(as_text=True)
    assert "¥330,500.00" in page and "—" not in page.split('id="roi"')[1].split("</dl>")[0]
