"""Surveys for the tests: active customers (a signed contract each), a round, bulk rows."""

from datetime import timedelta

from sqlalchemy import insert, select

from crm.base import utcnow
from crm.customers.models import Customer
from crm.extensions import db
from crm.satisfaction import services
from crm.satisfaction.models import Survey, SurveyRound
from tests.contracts.helpers import make_contract, user_id

ROUND = "2026-06"


def active_customer(app, name: str, owner: str = "zhangwei") -> int:
    """A customer with a signed contract (who is surveyed)."""
    make_contract(app, owner=owner, company=name)
    with app.app_context():
        return db.session.scalar(select(Customer.id).where(Customer.name == name))


def open_round(app, key: str = ROUND) -> dict[int, int]:
    """The round opened; {customer id: survey id}."""
    with app.app_context():
        survey_round, _added = services.open_round(key)
        db.session.commit()
        return dict(db.session.execute(select(Survey.customer_id, Survey.id).where(
            Survey.round_id == survey_round.id)).all())


def bulk_surveys(app, n: int, owner: str = "zhangwei", key: str = ROUND,
                 answered: bool = True) -> None:
    """n customers of `owner` with an answered survey each, in two statements."""
    with app.app_context():
        owner_id, agent_id, now = user_id(owner), user_id("zhoujie"), utcnow()
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == key))
        if survey_round is None:
            survey_round = SurveyRound(key=key)
            db.session.add(survey_round)
            db.session.flush()
        first = (db.session.scalar(select(Customer.id).order_by(Customer.id.desc())) or 0) + 1
        db.session.execute(insert(Customer), [
            {"id": first + i, "name": f"批量客户{first + i}", "owner_id": owner_id}
            for i in range(n)])
        db.session.execute(insert(Survey), [
            {"round_id": survey_round.id, "customer_id": first + i,
             "state": "answered" if answered else "open", "nps": i % 11 if answered else None,
             "csat": 50 + i % 50 if answered else None, "agent_id": agent_id if answered
             else None, "answered_at": now - timedelta(minutes=i) if answered else None,
             "feedback": ""} for i in range(n)])
        survey_round.total += n
        survey_round.answered += n if answered else 0
        db.session.commit()
