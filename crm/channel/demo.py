"""The channel manager's demo day (孙丽): dealers over the regions under agreements, the last
quarters scored (one dealer warned after two failing quarters, one at risk), each quarter's
training with its attendees and the materials handed out, and an application waiting for the
channel director."""

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from crm.base import utcnow
from crm.channel import agreements, dealers, enablement, onboarding, scoring
from crm.channel.agreements import Place
from crm.channel.figures import Quarter
from crm.channel.models import MATERIAL_KINDS, TRAINING_KINDS, Dealer, DealerScore
from crm.extensions import db

DEALERS = (  # name, province, city, grade
    ("杭州华信商贸有限公司", "浙江", "杭州", "A"),
    ("苏州恒通机电有限公司", "江苏", "苏州", "A"),
    ("南京金陵工控设备有限公司", "江苏", "南京", "B"),
    ("广州粤达贸易有限公司", "广东", "广州", "A"),
    ("深圳鹏程智能科技有限公司", "广东", "深圳", "B"),
    ("成都天府机电有限公司", "四川", "成都", "B"),
    ("武汉江城工业设备有限公司", "湖北", "武汉", "B"),
    ("济南齐鲁商贸有限公司", "山东", "济南", "C"),
    ("西安秦川自动化有限公司", "陕西", "西安", "C"),
    ("沈阳盛京机械有限公司", "辽宁", "沈阳", "B"),
)
WARNED, AT_RISK = "济南齐鲁商贸有限公司", "西安秦川自动化有限公司"


def seed_channel_demo() -> bool:
    """False if dealers already exist."""
    if db.session.scalar(select(Dealer.id).limit(1)) is not None:
        return False
    rng, now = random.Random(18), utcnow()
    current = Quarter.of(now.date())
    quarters = [current.previous().previous().previous(), current.previous().previous(),
                current.previous()]
    seeded = []
    for number, (name, province, city, grade) in enumerate(DEALERS, start=1):
        dealer = dealers.save_dealer(None, {
            "name": name, "province": province, "city": city, "grade": grade,
            "contact_name": "联系人", "experience_years": rng.randrange(3, 15),
            "warehouse_m2": rng.randrange(300, 3000), "capital": Decimal(5_000_000)})
        dealer.status, dealer.joined_on = "active", (now - timedelta(days=900)).date()
        agreements.save_agreement(None, dealer, {
            "number": f"QD-{quarters[0].year}-{number:04d}", "starts_on": quarters[0].start,
            "ends_on": quarters[0].start + timedelta(days=729),
            "quarterly_target": Decimal(1_000_000), "protection": "区域内独家代理，不得跨区销售。"},
            [Place(province, city)], [(80, Decimal(1)), (100, Decimal(3))])
        _scores(dealer, quarters, rng, now)
        seeded.append(dealer)
    _enablement(seeded, quarters, rng)
    applicant = dealers.save_dealer(None, {
        "name": "郑州中原机电有限公司", "province": "河南", "city": "郑州",
        "contact_name": "赵经理", "experience_years": 4, "warehouse_m2": 150,
        "capital": Decimal(2_000_000)})
    onboarding.apply(applicant, Decimal(6_000_000), None)  # the warehouse check fails
    db.session.flush()
    return True


def _scores(dealer: Dealer, quarters: list[Quarter], rng: random.Random, now) -> None:
    history: dict[int, Decimal] = {}
    streak = 0
    for position, quarter in enumerate(quarters):
        failing = (dealer.name == WARNED and position > 0) or (
            dealer.name == AT_RISK and position == 2)
        score = Decimal(rng.randrange(30, 55) if failing else rng.randrange(62, 98))
        streak = streak + 1 if failing else 0
        row = DealerScore(dealer_id=dealer.id, quarter=quarter.key, score=score,
                          target=Decimal(1_000_000), revenue=score * 10_000, attainment=score,
                          new_customers=rng.randrange(1, 7), passed=not failing,
                          failing_streak=streak, final=True, computed_at=now,
                          rebate_percent=Decimal(1) if score >= 80 else Decimal(0),
                          trend=scoring.trend_text(history, quarter, score))
        db.session.add(row)
        history[quarter.key] = score
        if streak >= 2:
            db.session.flush()
            scoring.warn(dealer, row, quarter, now)


TRAINING_TITLES = {"product": "新品产品知识培训", "sales": "大客户销售技巧培训",
                   "brand": "品牌话术统一培训"}


def _enablement(seeded: list[Dealer], quarters: list[Quarter], rng: random.Random) -> None:
    """R-63: each quarter one session per topic, attended by some dealers; materials handed to
    every dealer; a second contact at the first dealer."""
    for quarter in quarters:
        for day, kind in enumerate(TRAINING_KINDS, start=1):
            attending = rng.sample(seeded, 6)
            enablement.save_training(None, {
                "held_on": quarter.start + timedelta(days=20 * day), "kind": kind,
                "title": f"{quarter} {TRAINING_TITLES[kind]}", "trainer": "孙丽"},
                {d.id: rng.randrange(1, 5) for d in attending}, None)
        for dealer in seeded:
            kind = rng.choice(list(MATERIAL_KINDS)[:3])
            enablement.save_material(None, dealer, {
                "kind": kind, "quantity": rng.choice((20, 50, 100)),
                "handed_on": quarter.start + timedelta(days=rng.randrange(5, 80))}, None)
    dealers.save_contact(None, seeded[0], {"name": "周敏", "title": "市场专员",
                                           "phone": "13700001111"})
