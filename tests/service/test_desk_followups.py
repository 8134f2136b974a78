"""The desk's closing-note follow-ups: a complaint names the dealer its customer came through
(linked for the channel department), and a complex complaint's plan, once submitted, is in the
service manager's notifications."""

from sqlalchemy import select

from crm.auth.models import User
from crm.channel import dealers
from crm.customers.models import Customer
from crm.extensions import db
from crm.notifications.models import Notification
from crm.service import complaints
from tests.service.helpers import make_customer


def _complaint(app, with_dealer: bool) -> int:
    customer_id = make_customer(app, "华为技术有限公司")
    with app.test_request_context():
        if with_dealer:
            dealer = dealers.save_dealer(None, {"name": "青岛甲商贸有限公司", "province": "山东"})
            db.session.flush()
            db.session.get(Customer, customer_id).dealer_id = dealer.id
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        complaint = complaints.open_complaint(customer_id, agent.id, "交付延迟", "direct",
                                              by=agent)
        db.session.commit()
        return complaint.id


def test_the_complaint_page_links_the_customers_dealer(app, login):
    complaint_id = _complaint(app, with_dealer=True)
    channel = login("sunli").get(f"/service/complaints/{complaint_id}")
    assert channel.status_code == 403  # the channel department reads no complaints
    director = login("zhaomin").get(f"/service/complaints/{complaint_id}").get_data(as_text=True)
    assert "青岛甲商贸有限公司" in director and 'href="/dealers/' in director
    agent = login("zhoujie").get(f"/service/complaints/{complaint_id}").get_data(as_text=True)
    assert 'href="/dealers/' not in agent  # the agent cannot open the dealer: its name only


def test_no_dealer_no_line(app, login):
    complaint_id = _complaint(app, with_dealer=False)
    page = login("zhaomin").get(f"/service/complaints/{complaint_id}").get_data(as_text=True)
    assert 'href="/dealers/' not in page


def test_a_submitted_plan_is_in_the_service_managers_notifications(app, login):
    complaint_id = _complaint(app, with_dealer=False)
    agent = login("zhoujie")
    for action, data in (("respond", {"respond-note": "已致电"}),
                         ("complex", {"complex-note": "涉及两个部门"}),
                         ("plan", {"plan": "1. 加急物流"})):
        response = agent.post(f"/service/complaints/{complaint_id}/{action}", data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        told = db.session.scalars(select(Notification).where(
            Notification.subject_type == "complaint",
            Notification.subject_id == complaint_id)).all()
        assert [n.user.username for n in told] == ["tangning"]
        assert "交付延迟" in told[0].text
    page = login("tangning").get("/notifications").get_data(as_text=True)
    assert "交付延迟" in page
