"""Bulk data for benchmarks: `python -m bench.generate --size medium` into DATABASE_URL.

Rows are written with Core executemany in chunks, not through the ORM, so a medium set loads in
minutes. Each domain adds a step to STEPS; a step takes the connection, the size and the shared
context (ids made by earlier steps)."""

import argparse
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, bindparam, insert, literal, select, text

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


SIZES = {
    "tiny": Size("tiny", 20, 200, 600, 400, 2_000),
    "small": Size("small", 50, 1_000, 3_000, 2_000, 10_000),
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
    """As many leads as deals; a tenth in the shared pool, some not followed up for months."""
    from crm.sales.models import Lead

    stage_ids, now = _stage_ids(conn), utcnow()
    open_stages = [stage_ids["potential"], stage_ids["intent"]]

    def rows():
        for i in range(size.deals):
            province, city = names.place(ctx.rng)
            company = names.company(ctx.rng, city)
            pooled = ctx.rng.random() < 0.1
            yield {"company_name": company, "contact_name": names.person(ctx.rng),
                   "contact_phone": names.mobile(ctx.rng),
                   "source": ctx.rng.choice(("campaign", "online", "referral", "dealer")),
                   "grade": ctx.rng.choice("ABC"), "owner_id": None if pooled else ctx.owner(),
                   "stage_id": ctx.rng.choice(open_stages), "search_key": pinyin_key(company),
                   "last_followup_at": now - timedelta(days=ctx.rng.randrange(0, 90)),
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
                               .where(Deal.stage_id == _stage_ids(conn)["signed"])
                               .limit(len(reached) // 10)))
    conn.execute(Deal.__table__.update().where(Deal.id == bindparam("deal"))
                 .values(lead_id=bindparam("lead")),
                 [{"deal": deal_id, "lead": lead_id}
                  for (deal_id, _c, _o), lead_id in zip(signed, reached, strict=False)])
    bulk_insert(conn, Contract.__table__, (
        {"deal_id": deal_id, "customer_id": customer_id, "owner_id": owner_id,
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
    ("campaigns", campaigns),
    ("attribution", attribution),
    ("audit_trail", audit_trail),
]


def already_generated(size: Size) -> bool:
    from crm.extensions import db
    from crm.settings.models import Setting

    marker = db.session.scalar(select(Setting.value).where(Setting.key == MARKER_KEY))
    return marker == size.name


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
    """Fill the (migrated, empty) database of the current app context; returns seconds per step."""
    from crm.extensions import db
    from crm.settings.models import Setting

    ctx = Context(rng=random.Random(seed))
    for name, step in STEPS:
        began = time.perf_counter()
        with db.engine.begin() as conn:
            count = step(conn, size, ctx)
        ctx.timings[name] = round(time.perf_counter() - began, 2)
        print(f"  {name:<14} {count:>10,} rows  {ctx.timings[name]:>7.1f} s", flush=True)
    settle(db.engine)
    db.session.add(Setting(key=MARKER_KEY, value=size.name))
    db.session.commit()
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
