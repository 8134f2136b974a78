"""Campaigns for tests: made through the services, as the demo's marketing specialist."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from crm.auth.models import Team, User
from crm.campaigns import services
from crm.extensions import db


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def marketing_team_id() -> int:
    return db.session.scalar(select(Team.id).where(Team.name == "市场部"))


def make_campaign(budget: str = "30000", name: str = "春季促销", by: str = "machao",
                  starts_on: date = date(2026, 3, 1), ends_on: date = date(2026, 3, 31)):
    values = {"name": name, "kind": "seasonal", "starts_on": starts_on, "ends_on": ends_on,
              "department_id": marketing_team_id(), "budget": Decimal(budget),
              "goal_leads": 100, "goal_deals": 10, "goal_revenue": Decimal("500000"),
              "note": None}
    return services.save_campaign(None, values, user(by))
