"""Satisfaction in the demo: the latest round, about two thirds answered, with an improvement
plan whose tasks are half done, a detractor's complaint and promoters."""

import random
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from crm.auth.models import User, UserRole
from crm.base import utcnow
from crm.extensions import db
from crm.followups import services as followups
from crm.sales.models import Product
from crm.satisfaction import services
from crm.satisfaction.models import Survey
from crm.settings.services import get_setting

SAYINGS = ("交付及时，培训很到位", "售后响应快", "希望增加移动端功能", "报表导出偶尔很慢",
           "价格偏高，希望有续费优惠", "")


def latest_round_key(today: date) -> str:
    """The round of the latest survey month up to today."""
    months = services.survey_months(get_setting("survey_months"))
    for back in range(12):
        month = (today.month - back - 1) % 12 + 1
        year = today.year - (1 if month > today.month else 0)
        if month in months:
            return f"{year}-{month:02d}"
    raise AssertionError("no survey month")


def seed_satisfaction_demo(rng: random.Random | None = None) -> None:
    rng = rng or random.Random(34)
    agent = db.session.scalar(select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == "service").order_by(User.id).limit(1))
    now = utcnow()
    survey_round, _added = services.open_round(latest_round_key(now.date()),
                                               now - timedelta(days=20))
    surveys = list(db.session.scalars(select(Survey).where(Survey.round_id == survey_round.id)
                                      .order_by(Survey.id)))
    if agent is None or len(surveys) < 3:
        return
    low, detractor, promoter, *others = surveys
    product = db.session.scalar(select(Product.id).where(Product.active).order_by(Product.id))
    at = now - timedelta(days=10)
    plan = services.answer(low, agent, 7, 62, "安装调试拖了两周，现场工程师沟通不畅", at=at).plan
    services.answer(detractor, agent, 4, 85, "报表导出经常超时，影响月底结账",
                     product_id=product, at=at)
    services.answer(promoter, agent, 10, 96, "愿意把我们推荐给同行", at=at)
    for survey in others[: len(others) * 2 // 3]:
        services.answer(survey, agent, rng.randint(7, 10), rng.randint(80, 98),
                        rng.choice(SAYINGS), product_id=rng.choice((product, None)),
                        at=now - timedelta(days=rng.randint(1, 15)))
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the tasks' notifications
        _plan_tasks(plan, agent, now)


def _plan_tasks(plan, agent: User, now) -> None:
    director = db.session.get(User, plan.owner_id)
    steps = [("上门拜访客户，了解不满意的原因", director.id, -5, True),
             ("安排资深工程师复查安装质量", agent.id, 3, False),
             ("一个月后电话回访满意度", agent.id, 30, False)]
    for what, owner_id, days, done in steps:
        task = followups.add(what=what, owner_id=owner_id, due=now + timedelta(days=days),
                             subject_type=services.PLAN_SUBJECT, subject_id=plan.id,
                             by=director)
        if done:
            followups.complete(task, "客户主要不满安装周期，已承诺专人跟进")
