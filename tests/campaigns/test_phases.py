"""Phases with their clocks (R-52) and minutes whose action items reach the agenda (R-53)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from crm.auth.models import User
from crm.campaigns import PHASE_SUBJECT, phases, services
from crm.campaigns.models import CampaignMinutes, CampaignPhase, MinutesAction
from crm.deadlines import services as deadlines
from crm.deadlines.models import Deadline
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.notifications.models import Notification
from tests.campaigns.helpers import make_campaign, user
from tests.conftest import count_queries


@pytest.fixture
def ctx(app, people):
    with app.test_request_context():
        yield


def _approved(starts_on=date(2026, 1, 10), ends_on=date(2026, 12, 20)):
    campaign = make_campaign("1000", starts_on=starts_on, ends_on=ends_on)
    services.decide(services.submit(campaign, user("machao")), user("gaoyan"), True, None)
    return campaign


def _clocks(campaign_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Deadline.kind, CampaignPhase.due_on, Deadline.done_at)
        .join(CampaignPhase, CampaignPhase.id == Deadline.subject_id)
        .where(Deadline.subject_type == PHASE_SUBJECT, CampaignPhase.campaign_id == campaign_id)
        .order_by(CampaignPhase.due_on))
    return [(kind, due.isoformat(), done is not None) for kind, due, done in rows]


def test_an_approved_campaign_gets_its_phases_and_clocks(ctx):
    campaign = _approved()
    # kickoff 7 days before the start, a review each quarter while it runs, acceptance
    # within 15 days after the end (the settings' defaults)
    assert _clocks(campaign.id) == [
        ("campaign_kickoff", "2026-01-03", False), ("campaign_midterm", "2026-04-10", False),
        ("campaign_midterm", "2026-07-10", False), ("campaign_midterm", "2026-10-10", False),
        ("campaign_closing", "2027-01-04", False)]
    owner = db.session.scalar(select(Deadline.owner_id).where(Deadline.kind == "campaign_kickoff"))
    assert owner == campaign.owner_id


def test_a_short_campaign_has_no_mid_term_review(ctx):
    campaign = _approved(date(2026, 3, 1), date(2026, 3, 31))
    assert [kind for kind, *_ in _clocks(campaign.id)] == ["campaign_kickoff", "campaign_closing"]


def test_a_missed_kickoff_alerts_its_owner_once(ctx):
    campaign = _approved()
    late = datetime(2026, 1, 4, 2, tzinfo=UTC)  # the day after the kickoff's day ended
    assert deadlines.sweep(late)["overdue"] == 1
    deadlines.sweep(late)
    alerts = db.session.scalars(select(Notification).where(
        Notification.user_id == campaign.owner_id, Notification.deadline_kind ==
        "campaign_kickoff")).all()
    assert len(alerts) == 1


def test_minutes_close_their_phase_and_action_items_reach_the_agenda(ctx):
    campaign = _approved()
    kickoff = phases.phases_of(campaign.id)[0]
    minutes = phases.record_minutes(
        campaign, phases.open_phase(campaign, kickoff.id),
        {"held_on": date(2026, 1, 2), "title": "春季促销启动会", "topics": "目标与分工",
         "decisions": "线上线下同步推广", "record": "目标：100 条线索\n分工：马超负责物料"},
        [{"what": "确认展位报价", "owner_id": user("machao").id, "due_on": date(2026, 1, 6)}],
        user("machao"))
    db.session.flush()
    assert kickoff.done_at is not None and kickoff.minutes_id == minutes.id
    assert _clocks(campaign.id)[0] == ("campaign_kickoff", "2026-01-03", True)
    action = db.session.scalar(select(MinutesAction))
    followup = db.session.get(FollowUp, action.followup_id)
    assert (followup.what, followup.owner_id) == ("确认展位报价", user("machao").id)
    assert (followup.subject_type, followup.subject_id) == ("campaign_minutes", minutes.id)
    with pytest.raises(Exception, match="未完成的阶段"):
        phases.open_phase(campaign, kickoff.id)  # recorded already


def test_cancelling_stops_the_open_clocks(ctx):
    campaign = _approved()
    campaign.status = "approved"
    services.move(campaign, "cancelled")
    assert db.session.scalar(select(Deadline.id).where(
        Deadline.subject_type == PHASE_SUBJECT, Deadline.done_at.is_(None))) is None


def test_marketing_records_minutes_on_the_page(app, login):
    with app.test_request_context():
        campaign = _approved(date.today() + timedelta(days=20), date.today() + timedelta(days=30))
        kickoff = phases.phases_of(campaign.id)[0]
        db.session.commit()
        campaign_id, kickoff_id, me = campaign.id, kickoff.id, user("machao").id
    machao = login("machao")
    form = machao.get(f"/campaigns/{campaign_id}/minutes/new?phase={kickoff_id}").get_data(
        as_text=True)
    assert "目标：" in form and "分工：" in form  # the kickoff's written record
    due = (date.today() + timedelta(days=3)).isoformat()
    done = machao.post(f"/campaigns/{campaign_id}/minutes/new", {
        "phase_id": kickoff_id, "held_on": date.today().isoformat(), "title": "启动会",
        "topics": "目标", "decisions": "分工", "record": "目标：\n分工：",
        "actions-0-what": "联系展馆", "actions-0-owner_id": me, "actions-0-due_on": due,
        "actions-1-what": "", "actions-1-owner_id": me, "actions-1-due_on": ""},
        follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "会议纪要已记录" in text and "联系展馆" in text
    agenda = machao.get("/followups").get_data(as_text=True)
    assert "联系展馆" in agenda
    page = machao.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "启动会" in page and "已完成" in page


def _bulk_minutes(app, campaign_id: int, minutes_id: int, n: int) -> None:
    """n more action items on the minutes, owned in turn by every user, and n more minutes."""
    with app.app_context():
        owners = list(db.session.scalars(select(User.id)))
        db.session.execute(insert(MinutesAction), [
            {"minutes_id": minutes_id, "what": f"事项{i}", "owner_id": owners[i % len(owners)],
             "due_on": date(2026, 1, 6)} for i in range(n)])
        db.session.execute(insert(CampaignMinutes), [
            {"campaign_id": campaign_id, "held_on": date(2026, 2, 1), "title": f"周会{i}",
             "topics": "进度", "decisions": "继续", "created_by_id": owners[0]}
            for i in range(n)])
        db.session.commit()


def test_the_minutes_and_campaign_pages_run_a_fixed_number_of_queries(app, login):
    """10 or 1,000 action items on the minutes (owned by every user), 10 or 1,000 minutes on
    the campaign: the same number of queries."""
    with app.test_request_context():
        campaign = _approved()
        minutes = phases.record_minutes(
            campaign, None, {"held_on": date(2026, 1, 2), "title": "启动会", "topics": "目标",
                             "decisions": "分工"}, [], user("machao"))
        db.session.commit()
        campaign_id, minutes_id = campaign.id, minutes.id
    machao = login("machao")
    urls = (f"/campaigns/minutes/{minutes_id}", f"/campaigns/{campaign_id}")

    def counts() -> list[int]:
        found = []
        for url in urls:
            machao.get(url)
            with count_queries(app) as counter:
                assert machao.get(url).status_code == 200, url
            found.append(counter.n)
        return found

    _bulk_minutes(app, campaign_id, minutes_id, 10)
    small = counts()
    _bulk_minutes(app, campaign_id, minutes_id, 990)
    assert counts() == small
    page = machao.get(urls[0]).get_data(as_text=True)
    assert "事项989" in page and page.count("<tr>") >= 1000
