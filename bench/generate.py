"""Bulk data for benchmarks: `python -m bench.generate --size medium` into DATABASE_URL.

Rows are written with Core executemany in chunks, not through the ORM, so a medium set loads in
minutes. Each domain adds a step to STEPS; a step takes the connection, the size and the shared
context (ids made by earlier steps)."""

import argparse
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, bindparam, exists, insert, literal, select, text

from bench import names
from crm.base import utcnow
from crm.web.search import pinyin_key

CHUNK = 5_000
MARKER_KEY = "_bench_generated"


@dataclass(frozen=True)
class Size:
    name: str
    reps: int
    customers: int
    contacts: int
    deals: int
    activities: int
    dealers: int = 3_000  # issue 18: 3k dealers with 12 quarters of history


SIZES = {
    "tiny": Size("tiny", 20, 200, 600, 400, 2_000, dealers=30),
    "small": Size("small", 50, 1_000, 3_000, 2_000, 10_000, dealers=300),
    "medium": Size("medium", 400, 100_000, 300_000, 200_000, 1_000_000),
    "large": Size("large", 2_000, 1_000_000, 3_000_000, 2_000_000, 10_000_000),
}


@dataclass
class Context:
    rng: random.Random
    rep_ids: list[int] = field(default_factory=list)
    bench_rep_id: int = 0  # the demo rep the benchmark logs in as owns a slice of everything
    customer_ids: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def owner(self) -> int:
        return self.bench_rep_id if self.rng.random() < 0.02 else self.rng.choice(self.rep_ids)


def bulk_insert(conn: Connection, table: Table, rows: Iterable[dict]) -> int:
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            conn.execute(table.insert(), batch)
            total += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        total += len(batch)
    return total


def people(conn: Connection, size: Size, ctx: Context) -> int:
    """The demo organisation plus `size.reps` reps spread over the two sales teams."""
    from crm.auth.demo import seed_people
    from crm.auth.models import Team, User, UserRole
    from crm.extensions import db

    seed_people()
    db.session.commit()
    template = db.session.scalar(select(User).where(User.username == "zhangwei"))
    ctx.bench_rep_id = template.id
    teams = list(db.session.scalars(select(Team.id).where(Team.name.like("%销售%"))))
    rows = []
    for i in range(size.reps):
        name = names.person(ctx.rng)
        rows.append({"username": f"rep{i:05d}", "name": name, "search_key": pinyin_key(name),
                     "password_hash": template.password_hash, "active": True,
                     "team_id": ctx.rng.choice(teams), "timezone": "Asia/Shanghai",
                     "session_nonce": f"bench{i}", "version": 1, "created_at": utcnow(),
                     "updated_at": utcnow()})
    bulk_insert(conn, User.__table__, rows)
    ctx.rep_ids = list(conn.scalars(select(User.id).where(User.username.like("rep%"))))
    bulk_insert(conn, UserRole.__table__, ({"user_id": uid, "role": "sales"}
                                            for uid in ctx.rep_ids))
    return size.reps


def audit_trail(conn: Connection, size: Size, ctx: Context) -> int:
    """One audit row per activity: the audit page is the biggest append-only table we have."""
    from crm.audit.models import AuditEntry

    start = utcnow() - timedelta(days=365)
    step = timedelta(days=365) / max(size.activities, 1)
    fields = ("name", "grade", "stage", "amount", "close_date", "owner_id")

    def rows():
        for i in range(size.activities):
            yield {"at": start + step * i, "user_id": ctx.owner(), "model": "users",
                   "record_id": ctx.rng.choice(ctx.rep_ids), "action": "update",
                   "field": ctx.rng.choice(fields), "old": str(i), "new": str(i + 1)}

    return bulk_insert(conn, AuditEntry.__table__, rows())


def _stage_ids(conn: Connection) -> dict[str, int]:
    from crm.sales.models import FunnelStage

    return dict(conn.execute(select(FunnelStage.code, FunnelStage.id)).all())


def customers(conn: Connection, size: Size, ctx: Context) -> int:
    from crm.customers.identity import normalise_name
    from crm.customers.models import Customer

    now = utcnow()

    def rows():
        for i in range(size.customers):
            province, city = names.place(ctx.rng)
            name = f"{names.company(ctx.rng, city)}{i}"
            industry = ctx.rng.choice(("manufacturing", "manufacturing", "it", "government",
                                       "retail", "construction", "energy", "logistics"))
            revenue = Decimal(ctx.rng.randrange(1_000_000, 500_000_000))
            yield {"name": name, "search_key": pinyin_key(name),
                   "normalised_name": normalise_name(name), "industry": industry,
                   "annual_revenue": revenue, "province": province, "city": city,
                   "source": ctx.rng.choice(("campaign", "online", "referral", "trade_show")),
                   "grade": ctx.rng.choice("ABC"), "owner_id": ctx.owner(),
                   "is_government_tender": industry == "government",
                   "is_target": industry == "manufacturing" and revenue > 50_000_000,
                   "phone": names.mobile(ctx.rng), "version": 1, "created_at": now,
                   "updated_at": now}

    count = bulk_insert(conn, Customer.__table__, rows())
    ctx.customer_ids = list(conn.scalars(select(Customer.id)))
    return count


def contacts(conn: Connection, size: Size, ctx: Context) -> int:
    from crm.customers.models import Contact

    now = utcnow()

    def rows():
        for _ in range(size.contacts):
            name, mobile = names.person(ctx.rng), names.mobile(ctx.rng)
            yield {"customer_id": ctx.rng.choice(ctx.customer_ids), "name": name,
                   "search_key": pinyin_key(name), "title": ctx.rng.choice(
                       ("采购经理", "总经理", "技术总监", "财务主管", "设备科长")),
                   "mobile": mobile, "mobile_key": mobile, "version": 1, "created_at": now,
                   "updated_at": now}

    return bulk_insert(conn, Contact.__table__, rows())


def leads(conn: Connection, size: Size, ctx: Context) -> int:
    """As many leads as deals, as the nightly pool return leaves them: a tenth in the shared
    pool, not followed up for months; the owned ones followed up within `pool_return_days`,
    but for a day's worth that crossed it since last night (tonight's return, R-12)."""
    from crm.sales.models import Lead
    from crm.settings.registry import BY_KEY

    stage_ids, now = _stage_ids(conn), utcnow()
    open_stages = [stage_ids["potential"], stage_ids["intent"]]
    owned_hours = (BY_KEY["pool_return_days"].default + 1) * 24

    def rows():
        for i in range(size.deals):
            province, city = names.place(ctx.rng)
            company = names.company(ctx.rng, city)
            pooled = ctx.rng.random() < 0.1
            untouched = (timedelta(days=ctx.rng.randrange(owned_hours // 24, 90)) if pooled
                         else timedelta(hours=ctx.rng.randrange(0, owned_hours)))
            yield {"company_name": company, "contact_name": names.person(ctx.rng),
                   "contact_phone": names.mobile(ctx.rng),
                   "source": ctx.rng.choice(("campaign", "online", "referral", "dealer")),
                   "grade": ctx.rng.choice("ABC"), "owner_id": None if pooled else ctx.owner(),
                   "stage_id": ctx.rng.choice(open_stages), "search_key": pinyin_key(company),
                   "last_followup_at": now - untouched,
                   "version": 1, "created_at": now - timedelta(days=i % 365),
                   "updated_at": now}

    return bulk_insert(conn, Lead.__table__, rows())


def deals(conn: Connection, size: Size, ctx: Context) -> int:
    from crm.sales.models import Deal

    stage_ids, now = _stage_ids(conn), utcnow()
    board = [stage_ids[c] for c in ("potential", "intent", "signed")]

    def rows():
        for _ in range(size.deals):
            title = f"{names.company(ctx.rng, '')}采购项目"
            yield {"title": title, "search_key": pinyin_key(title),
                   "customer_id": ctx.rng.choice(ctx.customer_ids), "owner_id": ctx.owner(),
                   "stage_id": ctx.rng.choice(board),
                   "expected_value": Decimal(ctx.rng.randrange(10_000, 5_000_000)),
                   "close_date": (now + timedelta(days=ctx.rng.randrange(-60, 180))).date(),
                   "channel": ctx.rng.choice(("direct", "online", "dealer")), "version": 1,
                   "created_at": now, "updated_at": now}

    return bulk_insert(conn, Deal.__table__, rows())


def followups(conn: Connection, size: Size, ctx: Context) -> int:
    """One follow-up per deal, most done, the rest due around today; each with its deadline."""
    from crm.deadlines.models import Deadline
    from crm.followups.models import FollowUp

    now, n = utcnow(), size.deals
    rows = []
    for i in range(n):
        due = now + timedelta(hours=ctx.rng.randrange(-24 * 30, 24 * 30))
        done = due if due < now and ctx.rng.random() < 0.9 else None
        rows.append({"what": ctx.rng.choice(("电话回访", "上门拜访", "发送报价",
                                                           "确认交期", "技术交流")),
                     "owner_id": ctx.owner(), "due_at": due, "done_at": done,
                     "subject_type": "deal", "subject_id": i + 1, "version": 1,
                     "created_at": now, "updated_at": now})
    bulk_insert(conn, FollowUp.__table__, rows)
    columns = ["kind", "subject_type", "subject_id", "owner_id", "due_at", "done_at",
               "created_at"]
    conn.execute(insert(Deadline).from_select(columns, select(
        literal("followup"), literal("followup"), FollowUp.id, FollowUp.owner_id,
        FollowUp.due_at, FollowUp.done_at, FollowUp.created_at)))
    return n


CALL_NOTES = ("询问发票", "咨询续费", "设备报警求助", "预约上门保养", "投诉交付延迟",
              "索取操作手册", "确认培训时间", "反馈软件卡顿")


def service_calls(conn: Connection, size: Size, ctx: Context) -> int:
    """One call per activity over the last year, by the demo service agents, about any
    customer (the service desk's busiest table)."""
    from crm.auth.models import User
    from crm.service.models import Call

    agents = list(conn.scalars(select(User.id).where(User.username.in_(("zhoujie", "wumin")))))
    start = utcnow() - timedelta(days=365)
    step = timedelta(days=365) / max(size.activities, 1)
    channels, rng = ("hotline", "hotline", "online", "email", "visit"), ctx.rng

    def rows():
        for i in range(size.activities):
            yield {"at": start + step * i, "customer_id": rng.choice(ctx.customer_ids),
                   "agent_id": rng.choice(agents), "direction": "in" if i % 3 else "out",
                   "channel": rng.choice(channels), "duration_minutes": i % 30 or None,
                   "notes": rng.choice(CALL_NOTES)}

    return bulk_insert(conn, Call.__table__, rows())


COMPLAINT_SUMMARIES = ("交付延迟", "设备故障反复出现", "服务态度", "发票错误", "配件缺货",
                       "培训不到位")


def complaints(conn: Connection, size: Size, ctx: Context) -> int:
    """One complaint per 20 calls: most closed, the open ones in every state, each open one
    with its solution clock (due around now, so some are overdue)."""
    from crm.auth.models import User
    from crm.deadlines.models import Deadline
    from crm.service.models import Complaint

    agents = list(conn.scalars(select(User.id).where(User.username.in_(("zhoujie", "wumin")))))
    n, now, rng = size.activities // 20, utcnow(), ctx.rng
    start, step = now - timedelta(days=365), timedelta(days=365) / max(size.activities // 20, 1)
    open_states = ("new", "active", "active", "waiting")

    def rows():
        for i in range(n):
            created = start + step * i
            state = "closed" if rng.random() < 0.9 else rng.choice(open_states)
            yield {"customer_id": rng.choice(ctx.customer_ids), "owner_id": rng.choice(agents),
                   "source": "call" if i % 2 else "direct", "state": state,
                   "summary": rng.choice(COMPLAINT_SUMMARIES), "details": "", "feedback": "",
                   "solution": "", "complex": i % 7 == 0, "plan": "", "version": 1,
                   "closed_at": created + timedelta(days=2) if state == "closed" else None,
                   "created_at": created, "updated_at": created}

    count = bulk_insert(conn, Complaint.__table__, rows())
    still_open = conn.execute(select(Complaint.id, Complaint.owner_id, Complaint.created_at)
                              .where(Complaint.state != "closed"))
    bulk_insert(conn, Deadline.__table__, (
        {"kind": "complaint_solution", "subject_type": "complaint", "subject_id": cid,
         "owner_id": owner, "due_at": created + timedelta(days=3), "created_at": created}
        for cid, owner, created in still_open))
    return count


def care(conn: Connection, size: Size, ctx: Context) -> int:
    """A service archive for two contracts in three (medium: 100k), one in ten still
    incomplete with its clock; three revisits of each (300k): the acceptance one and the
    first routine one logged or open, the first in-depth interview due around today, each
    open one with its clock (so the agents' lists hold today's, overdue and upcoming ones)."""
    from crm.auth.models import User
    from crm.care.models import Revisit, ServiceArchive
    from crm.contracts.models import Contract
    from crm.deadlines.models import Deadline

    agents = list(conn.scalars(select(User.id).where(User.username.in_(("zhoujie", "wumin")))))
    contracts = conn.execute(select(Contract.id, Contract.customer_id, Contract.signed_at)
                             .order_by(Contract.id).limit(size.deals // 2)).all()
    now, today, rng = utcnow(), utcnow().date(), ctx.rng
    plan = [(cid, customer, signed, rng.choice(agents)) for cid, customer, signed in contracts]

    def archive_rows():
        for i, (cid, customer, signed, agent) in enumerate(plan):
            opened = now - timedelta(days=(today - signed).days, hours=i % 24)
            yield {"contract_id": cid, "customer_id": customer, "agent_id": agent,
                   "contacts": "采购经理 13800138000", "products": "数控机床 × 1",
                   "service_needs": "" if i % 10 == 0 else "季度保养",
                   "completed_at": None if i % 10 == 0 else opened + timedelta(hours=5),
                   "version": 1, "created_at": opened, "updated_at": opened}

    count = bulk_insert(conn, ServiceArchive.__table__, archive_rows())

    def revisit_rows():
        for i, (cid, customer, _signed, agent) in enumerate(plan):
            due = today + timedelta(days=i % 60 - 40)  # from 40 days ago to 20 days ahead
            for series, shift, logged in (("acceptance", -37, True),
                                          ("routine", -7, i % 3 != 0),
                                          ("interview", 0, False)):
                on = due + timedelta(days=shift)
                at = now - timedelta(days=(today - on).days) if logged else None
                yield {"contract_id": cid, "customer_id": customer, "agent_id": agent,
                       "series": series, "number": 1, "due_on": on, "done_at": at,
                       "done_by_id": agent if logged else None,
                       "outcome": "satisfied" if logged else None,
                       "satisfaction": 4 + i % 2 if logged else None,
                       "feedback": "运行稳定" if logged else "", "version": 1,
                       "created_at": now, "updated_at": now}

    count += bulk_insert(conn, Revisit.__table__, revisit_rows())
    archives = conn.execute(select(ServiceArchive.id, ServiceArchive.agent_id,
                                   ServiceArchive.created_at)
                            .where(ServiceArchive.completed_at.is_(None))).all()
    revisits = conn.execute(select(Revisit.id, Revisit.agent_id, Revisit.due_on)
                            .where(Revisit.done_at.is_(None))).all()
    end_of_day = timedelta(hours=15, minutes=59)  # 23:59 in Shanghai, in UTC
    bulk_insert(conn, Deadline.__table__, [
        *({"kind": "service_archive", "subject_type": "service_archive", "subject_id": rid,
           "owner_id": agent, "due_at": opened + timedelta(days=3), "created_at": opened}
          for rid, agent, opened in archives),
        *({"kind": "revisit", "subject_type": "revisit", "subject_id": rid, "owner_id": agent,
           "due_at": datetime.combine(on, datetime.min.time(), UTC) + end_of_day,
           "created_at": now}
          for rid, agent, on in revisits)])
    return count
SURVEY_SAYINGS = ("交付及时，培训很到位", "售后响应快", "希望增加移动端功能", "报表导出偶尔很慢",
                  "价格偏高，希望有续费优惠", "安装调试周期太长")
BENCH_PRODUCTS = 20


def satisfaction(conn: Connection, size: Size, ctx: Context) -> int:
    """Issue 15 (R-34, R-18): a survey round with one survey per customer, about 60% answered;
    a low CSAT (about one answer in twenty: a few thousand in the medium set) has an
    improvement plan of the service director with two tasks (follow-ups, the first done).
    Products are made here, and one call in twenty and one complaint in ten name one."""
    from crm.auth.models import User
    from crm.deadlines.models import Deadline
    from crm.followups.models import FollowUp
    from crm.sales.models import Product
    from crm.satisfaction.models import ImprovementPlan, Survey, SurveyRound
    from crm.satisfaction.services import service_director_id
    from crm.service.models import Call, Complaint

    now, rng = utcnow(), ctx.rng
    bulk_insert(conn, Product.__table__, (
        {"name": f"压测产品{i:02d}", "search_key": pinyin_key(f"压测产品{i:02d}"),
         "kind": "product", "price": Decimal(1000 + i), "active": True, "version": 1,
         "created_at": now, "updated_at": now} for i in range(BENCH_PRODUCTS)))
    products = list(conn.scalars(select(Product.id).order_by(Product.id)))
    for table in (Call.__table__, Complaint.__table__):
        every = 20 if table is Call.__table__ else 10
        conn.execute(table.update().where(table.c.id % every == 0).values(
            product_id=products[0] + table.c.id % BENCH_PRODUCTS))
    agents = list(conn.scalars(select(User.id).where(User.username.in_(("zhoujie", "wumin")))))
    director = service_director_id()  # linjing; a data set older than her has another
    round_id = conn.execute(insert(SurveyRound).values(
        key=f"{now.year}-06", opened_at=now - timedelta(days=40), total=len(ctx.customer_ids),
        answered=0)).inserted_primary_key[0]

    def rows():
        for customer_id in ctx.customer_ids:
            answered = rng.random() < 0.6
            at = now - timedelta(minutes=rng.randrange(60 * 24 * 40)) if answered else None
            yield {"round_id": round_id, "customer_id": customer_id,
                   "state": "answered" if answered else "open",
                   "nps": rng.choice((3, 6, 7, 8, 8, 9, 9, 10)) if answered else None,
                   "csat": (rng.randrange(40, 80) if rng.random() < 0.05 else
                            rng.randrange(80, 101)) if answered else None,
                   "feedback": rng.choice(SURVEY_SAYINGS) if answered else "",
                   "product_id": rng.choice(products) if answered and rng.random() < 0.2
                   else None, "agent_id": rng.choice(agents) if answered else None,
                   "answered_at": at, "version": 1, "created_at": now, "updated_at": now}

    count = bulk_insert(conn, Survey.__table__, rows())
    answered = conn.scalar(select(text("count(*)")).select_from(Survey.__table__).where(
        Survey.round_id == round_id, Survey.state == "answered"))
    conn.execute(SurveyRound.__table__.update().values(answered=answered))
    low = conn.execute(select(Survey.id, Survey.customer_id, Survey.answered_at).where(
        Survey.round_id == round_id, Survey.csat < 80)).all()
    bulk_insert(conn, ImprovementPlan.__table__, (
        {"survey_id": sid, "customer_id": cid, "owner_id": director, "state": "open",
         "goal": "提升客户满意度", "version": 1, "created_at": at, "updated_at": at}
        for sid, cid, at in low))
    plans = conn.execute(select(ImprovementPlan.id, ImprovementPlan.created_at)).all()
    bulk_insert(conn, FollowUp.__table__, (
        {"what": what, "owner_id": owner, "due_at": at + timedelta(days=days),
         "done_at": at + timedelta(days=1) if days == 2 else None,
         "subject_type": "improvement_plan", "subject_id": pid, "created_by_id": director,
         "version": 1, "created_at": at, "updated_at": at}
        for pid, at in plans
        for what, owner, days in (("上门了解不满意原因", director, 2),
                                  ("一个月后回访满意度", rng.choice(agents), 30))))
    columns = ["kind", "subject_type", "subject_id", "owner_id", "due_at", "done_at",
               "created_at"]
    conn.execute(insert(Deadline).from_select(columns, select(
        literal("followup"), literal("followup"), FollowUp.id, FollowUp.owner_id,
        FollowUp.due_at, FollowUp.done_at, FollowUp.created_at).where(
        FollowUp.subject_type == "improvement_plan")))
    return count + len(plans)


def dealers(conn: Connection, size: Size, ctx: Context) -> int:
    """Dealers over every province, most of them active, some warned or ended, a few applying."""
    from crm.channel.dealers import PROVINCE_REGIONS
    from crm.channel.models import Dealer

    today = utcnow().date()
    statuses = ["active"] * 16 + ["warned"] * 2 + ["terminated", "applicant"]

    def rows():
        for i in range(size.dealers):
            province, city = names.place(ctx.rng)
            name = f"{names.company(ctx.rng, city)}（{i + 1}号）"
            yield {"name": name, "search_key": pinyin_key(name, city),
                   "region": PROVINCE_REGIONS.get(province, "east"), "province": province,
                   "city": city, "grade": ctx.rng.choice("AABBBC"),
                   "status": ctx.rng.choice(statuses), "contact_name": names.person(ctx.rng),
                   "contact_phone": names.mobile(ctx.rng),
                   "experience_years": ctx.rng.randrange(1, 20),
                   "warehouse_m2": ctx.rng.randrange(200, 5_000),
                   "capital": Decimal(ctx.rng.randrange(500_000, 50_000_000)),
                   "joined_on": today - timedelta(days=ctx.rng.randrange(90, 3_650)),
                   "version": 1, "created_at": utcnow(), "updated_at": utcnow()}

    return bulk_insert(conn, Dealer.__table__, rows())


def dealer_history(conn: Connection, size: Size, ctx: Context) -> int:
    """Per dealer one agreement with its protected city and tiers, and 12 quarters of scores
    (the sparklines stored with each), all final but the current quarter's preview."""
    from crm.channel.figures import Quarter
    from crm.channel.models import Agreement, DealerScore, RebateTier, Territory

    now = utcnow()
    dealers = conn.execute(select(text("id, province, city")).select_from(
        text("dealers"))).all()
    bulk_insert(conn, Agreement.__table__, (
        {"id": dealer_id, "number": f"QD-B-{dealer_id:06d}", "dealer_id": dealer_id,
         "starts_on": (now - timedelta(days=1_200)).date(), "ends_on": (now + timedelta(
             days=365)).date(), "active": True, "quarterly_target": Decimal(500_000),
         "version": 1, "created_at": now, "updated_at": now} for dealer_id, _p, _c in dealers))
    bulk_insert(conn, Territory.__table__, (
        {"agreement_id": dealer_id, "province": province, "city": f"{city}{dealer_id}"}
        for dealer_id, province, city in dealers))
    bulk_insert(conn, RebateTier.__table__, (
        {"agreement_id": dealer_id, "attainment_percent": level, "rebate_percent": rebate}
        for dealer_id, _p, _c in dealers for level, rebate in ((80, 1), (100, 3))))
    quarters, q = [], Quarter.of(now.date())
    for _n in range(12):
        quarters.insert(0, q)
        q = q.previous()

    def rows():
        for dealer_id, _p, _c in dealers:
            history: list[str] = []
            streak = 0
            for position, quarter in enumerate(quarters):
                score = Decimal(ctx.rng.randrange(30, 100))
                streak = 0 if score >= 60 else streak + 1
                history.append(str(score))
                yield {"dealer_id": dealer_id, "quarter": quarter.key, "score": score,
                       "target": Decimal(500_000), "revenue": score * 5_000,
                       "attainment": score, "new_customers": ctx.rng.randrange(0, 8),
                       "complaints": 0, "complaint_rate": 0, "passed": score >= 60,
                       "failing_streak": streak, "rebate_percent": 3 if score >= 100 else (
                           1 if score >= 80 else 0), "final": position < 11,
                       "computed_at": now, "trend": ",".join(history[-8:]), "version": 1}

    return bulk_insert(conn, DealerScore.__table__, rows())
TRAINING_TITLES = {"product": "产品知识培训", "sales": "销售技巧培训", "brand": "品牌话术培训"}
MATERIAL_ITEMS = {"brochure": "产品手册", "video": "产品演示视频", "poster": "宣传海报",
                  "display": "门店展架", "sample": "样机"}


def dealer_enablement(conn: Connection, size: Size, ctx: Context) -> int:
    """R-63 over the 12 quarters: each quarter one session per topic and region, attended by
    about 40 % of the region's dealers (1-5 people each), and about two handouts of material
    per dealer a quarter. 3k dealers: 252 sessions, ≈ 50k attendances, ≈ 72k handouts."""
    from crm.channel.figures import Quarter
    from crm.channel.models import DealerTraining, MaterialHandout, TrainingAttendee

    now = utcnow()
    by_region: dict[str, list[int]] = {}
    for dealer_id, region in conn.execute(select(text("id, region")).select_from(
            text("dealers"))):
        by_region.setdefault(region, []).append(dealer_id)
    quarters, q = [], Quarter.of(now.date())
    for _n in range(12):
        quarters.insert(0, q)
        q = q.previous()
    sessions = []
    for quarter in quarters:
        for region in sorted(by_region):
            for kind, title in TRAINING_TITLES.items():
                held = quarter.start + timedelta(days=ctx.rng.randrange(10, 80))
                if held > now.date():
                    continue
                name = f"{quarter.year}年第{quarter.number}季度{title}"
                sessions.append((region, {
                    "held_on": held, "kind": kind, "title": name, "trainer": names.person(
                        ctx.rng), "search_key": pinyin_key(name), "version": 1,
                    "created_at": now, "updated_at": now}))
    count = 0
    for region, row in sessions:
        attendees = [(d, ctx.rng.randrange(1, 6)) for d in by_region[region]
                     if ctx.rng.random() < 0.4]
        row.update(dealer_count=len(attendees), people_count=sum(p for _d, p in attendees))
        training_id = conn.execute(DealerTraining.__table__.insert().values(**row)
                                   ).inserted_primary_key[0]
        count += 1 + bulk_insert(conn, TrainingAttendee.__table__, (
            {"training_id": training_id, "dealer_id": d, "people": p} for d, p in attendees))
    dealer_ids = [d for ids in by_region.values() for d in ids]

    def handouts():
        for quarter in quarters:
            for dealer_id in dealer_ids:
                for _n in range(ctx.rng.choice((1, 2, 3))):
                    kind, item = ctx.rng.choice(list(MATERIAL_ITEMS.items()))
                    handed = quarter.start + timedelta(days=ctx.rng.randrange(0, 85))
                    if handed <= now.date():
                        yield {"dealer_id": dealer_id, "kind": kind, "item": item,
                               "quantity": ctx.rng.choice((10, 20, 50, 100)),
                               "handed_on": handed, "version": 1, "created_at": now,
                               "updated_at": now}

    return count + bulk_insert(conn, MaterialHandout.__table__, handouts())


def contracts(conn: Connection, size: Size, ctx: Context) -> int:
    """Three deals in four signed (medium: 150k contracts), four instalments each (600k), the
    due ones mostly paid by one or two payments (≈500k), the rest spread over the aging
    buckets; paid and outstanding kept as the payment services keep them."""
    from crm.contracts.models import Contract, Instalment, Payment
    from crm.sales.models import Deal

    today, n = utcnow().date(), size.deals * 3 // 4
    deals = conn.execute(select(Deal.id, Deal.customer_id, Deal.owner_id).order_by(Deal.id)
                         .limit(n)).all()
    finance = conn.scalar(text("SELECT id FROM users WHERE username = 'zhengshuang'"))
    prices = [Decimal(ctx.rng.randrange(40, 20_000) * 100) for _ in deals]
    signed = [today - timedelta(days=ctx.rng.randrange(0, 720)) for _ in deals]

    def contract_rows():
        for (deal_id, customer_id, owner_id), price, day in zip(deals, prices, signed,
                                                                  strict=True):
            number = f"HT{day:%Y%m%d}-{deal_id:06d}"
            yield {"id": deal_id, "number": number, "status": "signed", "deal_id": deal_id,
                   "customer_id": customer_id, "owner_id": owner_id, "price": price,
                   "payment_method": "bank_transfer", "payment_terms": "30/40/20/10",
                   "breach_liability": "每日万分之五", "signed_at": day, "important": False,
                   "search_key": number.lower(), "version": 1, "created_at": utcnow(),
                   "updated_at": utcnow()}

    bulk_insert(conn, Contract.__table__, contract_rows())
    payments: list[dict] = []

    def instalment_rows():
        next_id = 0
        for (deal_id, customer_id, owner_id), price, day in zip(deals, prices, signed,
                                                                 strict=True):
            parts = [price * share / 100 for share in (30, 40, 20)]
            for k, amount in enumerate([*parts, price - sum(parts)]):
                next_id += 1
                due = day + timedelta(days=30 + 90 * k)
                paid = _paid(ctx, amount, due, today)
                for part in ([paid] if ctx.rng.random() < 0.8 else [paid / 2, paid - paid / 2]):
                    if part:
                        payments.append({"instalment_id": next_id, "contract_id": deal_id,
                                         "received_on": min(due, today), "amount": part,
                                         "method": "bank_transfer", "reference": "",
                                         "reason": "", "recorded_by_id": finance,
                                         "recorded_at": utcnow()})
                yield {"id": next_id, "contract_id": deal_id, "customer_id": customer_id,
                       "owner_id": owner_id, "due_on": due,
                       "amount": amount, "paid": paid, "outstanding": amount - paid}

    count = bulk_insert(conn, Instalment.__table__, instalment_rows())
    bulk_insert(conn, Payment.__table__, payments)
    if conn.dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("contracts", "instalments"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    return count


def _paid(ctx: Context, amount: Decimal, due, today) -> Decimal:
    """Due instalments: nine in ten paid in full, some partly, a few not at all."""
    if due > today:
        return Decimal(0)
    roll = ctx.rng.random()
    return amount if roll < 0.9 else (amount / 2).quantize(Decimal("0.01")) if roll < 0.95 \
        else Decimal(0)
CAMPAIGN_STATUSES = ("draft", "awaiting_approval", "approved", "running", "closing", "closed",
                     "rejected", "cancelled")


def campaigns(conn: Connection, size: Size, ctx: Context) -> int:
    """One campaign per hundred deals (2k in the medium set) of 市场部, five cost lines each
    (one a purchase), and past the draft a budget request with its decision (R-50, R-51)."""
    from crm.audit.models import Approval
    from crm.auth.models import Team, User
    from crm.campaigns.models import KINDS, Campaign, CampaignCost, CampaignRequest

    users = dict(conn.execute(select(User.username, User.id).where(
        User.username.in_(("machao", "gaoyan", "zhaomin")))).all())
    department = conn.scalar(select(Team.id).where(Team.name == "市场部"))
    now, n = utcnow(), max(size.deals // 100, 4)
    rows = []
    for i in range(n):
        name = f"{names.place(ctx.rng)[1]}{ctx.rng.choice(CAMPAIGN_THEMES)}{i}"
        start = (now + timedelta(days=ctx.rng.randrange(-400, 120))).date()
        rows.append({"name": name, "search_key": pinyin_key(name), "kind": ctx.rng.choice(
            list(KINDS)), "starts_on": start, "ends_on": start + timedelta(days=ctx.rng.randrange(
                1, 60)), "owner_id": users["machao"], "department_id": department,
            "budget": Decimal(ctx.rng.randrange(5, 300) * 1000), "goal_leads": 100,
            "goal_deals": 10, "goal_revenue": Decimal(1_000_000),
            "status": CAMPAIGN_STATUSES[i % len(CAMPAIGN_STATUSES)], "emergency": i % 50 == 0,
            "version": 1, "created_at": now - timedelta(minutes=n - i), "updated_at": now})
    bulk_insert(conn, Campaign.__table__, rows)
    decided = list(conn.execute(select(Campaign.id, Campaign.budget, Campaign.status).where(
        Campaign.status != "draft")))
    bulk_insert(conn, CampaignCost.__table__, (
        {"campaign_id": cid, "what": what, "amount": Decimal(ctx.rng.randrange(500, 20_000)),
         "spent_on": now.date(), "is_purchase": what == "物料采购",
         "created_by_id": users["machao"], "created_at": now, "updated_at": now}
        for cid, _budget, _status in decided for what in COST_LINES))
    bulk_insert(conn, CampaignRequest.__table__, (
        {"campaign_id": cid, "kind": "budget", "amount": budget, "chain": "director",
         "step": 0 if status == "awaiting_approval" else 1,
         "waiting_role": "director" if status == "awaiting_approval" else None,
         "status": {"awaiting_approval": "pending", "rejected": "rejected"}.get(
             status, "approved"), "emergency": False, "author_id": users["machao"],
         "submitted_at": now, "created_at": now, "updated_at": now}
        for cid, budget, status in decided))
    bulk_insert(conn, Approval.__table__, (
        {"at": now, "user_id": users["zhaomin"], "subject_type": "campaign", "subject_id": cid,
         "action": "budget:director", "decision": "rejected" if status == "rejected"
         else "approved", "note": "同意"}
        for cid, _budget, status in decided if status != "awaiting_approval"))
    return n


def _meetings(start, end) -> tuple:
    """(phase, title, day) of a campaign's kickoff and closing acceptance."""
    return (("kickoff", "启动会", start - timedelta(days=7)),
            ("closing", "结项验收", end + timedelta(days=5)))


def campaign_work(conn: Connection, size: Size, ctx: Context) -> int:
    """Past the approval, each campaign's phases (kickoff, closing) with the minutes of those
    held, three action items each, and three documents: the plan in two versions and a
    contract (R-50, R-52, R-53). Documents name generated storage keys with no file behind
    them: the scenarios list them, none downloads."""
    from crm.auth.models import User
    from crm.campaigns.models import (
        Campaign,
        CampaignDocument,
        CampaignMinutes,
        CampaignPhase,
        MinutesAction,
    )

    users = dict(conn.execute(select(User.username, User.id).where(
        User.username.in_(("machao", "gaoyan", "zhaomin")))).all())
    now = utcnow()
    planned = conn.execute(select(Campaign.id, Campaign.name, Campaign.starts_on,
                                  Campaign.ends_on).where(Campaign.status.in_(
                                      ("approved", "running", "closing", "closed",
                                       "cancelled"))).order_by(Campaign.id)).all()
    bulk_insert(conn, CampaignMinutes.__table__, (
        {"campaign_id": cid, "held_on": day, "title": f"{name} · {title}",
         "topics": "目标与分工", "decisions": "按计划推进", "record": "目标：\n\n分工：\n",
         "created_by_id": users["machao"], "created_at": now, "updated_at": now}
        for cid, name, start, end in planned
        for _kind, title, day in _meetings(start, end) if day <= now.date()))
    held = {(cid, title.rsplit(" · ", 1)[1]): mid for mid, cid, title in conn.execute(
        select(CampaignMinutes.id, CampaignMinutes.campaign_id, CampaignMinutes.title))}
    bulk_insert(conn, CampaignPhase.__table__, (
        {"campaign_id": cid, "kind": kind, "due_on": day,
         "minutes_id": held.get((cid, title)), "done_at": now if (cid, title) in held else None,
         "created_at": now, "updated_at": now}
        for cid, _name, start, end in planned for kind, title, day in _meetings(start, end)))
    bulk_insert(conn, MinutesAction.__table__, (
        {"minutes_id": mid, "what": what, "owner_id": users[who],
         "due_on": now.date() + timedelta(days=ctx.rng.randrange(-30, 30))}
        for mid in held.values()
        for what, who in (("确认场地与报价", "machao"), ("审核物料设计", "gaoyan"),
                          ("汇报预算执行", "machao"))))
    bulk_insert(conn, CampaignDocument.__table__, (
        {"campaign_id": cid, "name": f"{stem}V{version}", "stem": stem, "version": version,
         "is_contract": contract, "storage_key": f"{ctx.rng.getrandbits(160):040x}",
         "original_name": "方案.pdf", "content_type": "application/pdf", "size": 200_000,
         "uploaded_by_id": users["machao"], "uploaded_at": now}
        for cid, name, start, _end in planned
        for stem, version, contract in ((f"{name}-{start:%Y-%m}", 1, False),
                                        (f"{name}-{start:%Y-%m}", 2, False),
                                        (f"{name}合同-{start:%Y-%m}", 1, True))))
    return len(planned)


def attribution(conn: Connection, size: Size, ctx: Context) -> int:
    """Twenty leads reached per campaign (R-11), a fifth of them touched by a second one; a
    tenth of the reached leads signed: a signed deal of theirs with its contract."""
    from crm.campaigns.models import Campaign, CampaignTouch
    from crm.contracts.models import Contract
    from crm.sales.models import Deal, Lead

    campaign_ids = list(conn.scalars(select(Campaign.id).where(Campaign.status != "draft")))
    lead_ids = list(conn.scalars(select(Lead.id).order_by(Lead.id.desc()).limit(
        len(campaign_ids) * 20)))
    now, touches, reached = utcnow(), [], []
    for i, lead_id in enumerate(lead_ids):
        first = campaign_ids[i % len(campaign_ids)]
        touches.append({"lead_id": lead_id, "campaign_id": first, "touched_at": now})
        second = ctx.rng.choice(campaign_ids)
        if i % 5 == 0 and second != first:
            touches.append({"lead_id": lead_id, "campaign_id": second,
                            "touched_at": now + timedelta(days=1)})
        reached.append(lead_id)
    bulk_insert(conn, CampaignTouch.__table__, touches)
    signed = list(conn.execute(select(Deal.id, Deal.customer_id, Deal.owner_id)
                               .where(Deal.stage_id == _stage_ids(conn)["signed"],
                                      ~exists().where(Contract.deal_id == Deal.id))
                               .limit(len(reached) // 10)))
    conn.execute(Deal.__table__.update().where(Deal.id == bindparam("deal"))
                 .values(lead_id=bindparam("lead")),
                 [{"deal": deal_id, "lead": lead_id}
                  for (deal_id, _c, _o), lead_id in zip(signed, reached, strict=False)])
    bulk_insert(conn, Contract.__table__, (
        {"number": f"HT{now:%Y%m%d}-{deal_id:06d}", "status": "signed",
         "search_key": f"ht{now:%Y%m%d}-{deal_id:06d}", "important": False,
         "deal_id": deal_id, "customer_id": customer_id, "owner_id": owner_id,
         "price": Decimal(ctx.rng.randrange(50_000, 2_000_000)), "payment_method":
         "bank_transfer", "payment_terms": "-", "breach_liability": "-",
         "signed_at": now.date(), "version": 1, "created_at": now, "updated_at": now}
        for deal_id, customer_id, owner_id in signed))
    return len(touches)


CAMPAIGN_THEMES = ("春季促销", "秋季展会", "客户沙龙", "线上直播", "新品发布会", "行业论坛")
COST_LINES = ("场地租赁", "物料采购", "广告投放", "差旅", "餐饮")


STEPS: list[tuple[str, Callable[[Connection, Size, Context], int]]] = [
    ("people", people),
    ("customers", customers),
    ("contacts", contacts),
    ("leads", leads),
    ("deals", deals),
    ("followups", followups),
    ("dealers", dealers),
    ("dealer_history", dealer_history),
    ("dealer_enablement", dealer_enablement),
    ("contracts", contracts),
    ("campaigns", campaigns),
    ("campaign_work", campaign_work),
    ("attribution", attribution),
    ("audit_trail", audit_trail),
    ("service_calls", service_calls),
    ("complaints", complaints),
    ("care", care),
    ("satisfaction", satisfaction),
]


def generated_steps(size: Size) -> set[str]:
    """The steps already in the database for this size: a data set made before a domain added
    its step gets only the new steps (the marker holds `<size>:<step>,<step>,...`)."""
    from crm.extensions import db
    from crm.settings.models import Setting

    marker = db.session.scalar(select(Setting.value).where(Setting.key == MARKER_KEY)) or ""
    name, colon, steps = marker.partition(":")
    if name != size.name:
        return set()
    return set(steps.split(",")) if colon else {step for step, _ in STEPS}  # an older marker


def already_generated(size: Size) -> bool:
    return generated_steps(size) >= {name for name, _ in STEPS}


def _resume(conn: Connection, ctx: Context) -> None:
    """The shared ids the earlier steps made, read back for the steps still to run."""
    from crm.auth.models import User
    from crm.customers.models import Customer

    ctx.bench_rep_id = conn.scalar(select(User.id).where(User.username == "zhangwei"))
    ctx.rep_ids = list(conn.scalars(select(User.id).where(User.username.like("rep%"))))
    ctx.customer_ids = list(conn.scalars(select(Customer.id)))


def _mark(conn: Connection, size: Size, done: set[str]) -> None:
    from crm.settings.models import Setting

    table = Setting.__table__
    value = f"{size.name}:{','.join(sorted(done))}"
    if conn.execute(table.update().where(table.c.key == MARKER_KEY).values(value=value)).rowcount:
        return
    conn.execute(table.insert().values(key=MARKER_KEY, value=value))


def settle(engine) -> None:
    """Leave the database as a running one would be: planner statistics gathered, and on
    PostgreSQL the visibility map set, so autovacuum is not still at work while we measure."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def generate(size: Size, seed: int = 2026) -> dict[str, float]:
    """Fill the database of the current app context with the steps it lacks (all of them when
    it is empty); returns seconds per step run."""
    from crm.extensions import db

    ctx = Context(rng=random.Random(seed))
    done = generated_steps(size)
    if done:
        with db.engine.connect() as conn:
            _resume(conn, ctx)
    for name, step in STEPS:
        if name in done:
            continue
        began = time.perf_counter()
        with db.engine.begin() as conn:
            count = step(conn, size, ctx)
            done.add(name)
            _mark(conn, size, done)
        ctx.timings[name] = round(time.perf_counter() - began, 2)
        print(f"  {name:<14} {count:>10,} rows  {ctx.timings[name]:>7.1f} s", flush=True)
    # The session's reads (the marker, the service director) end with their transaction: on
    # PostgreSQL, VACUUM waits for a page such an idle transaction still pins.
    db.session.close()
    settle(db.engine)
    return ctx.timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="small")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from crm import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        if already_generated(SIZES[args.size]):
            print(f"{args.size} data already present")
            return
        generate(SIZES[args.size])


if __name__ == "__main__":
    main()
