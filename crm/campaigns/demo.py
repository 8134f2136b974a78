"""Demo campaigns of 市场部: one running with its purchases on their way through the chain, one
executed in an emergency, others waiting for the supervisor and the director, one closed; the
running and the closed one brought leads that became signed contracts, so their ROI is real;
and a day's work for the marketing supervisor (gaoyan) and the CEO (qianjin), whose unread
notifications are the requests waiting for them."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from crm.audit.hooks import acting_user_id
from crm.auth.models import User
from crm.campaigns import phases, services
from crm.campaigns.models import PHASES, Campaign, CampaignRequest, CampaignTouch
from crm.customers.models import Customer
from crm.extensions import db
from crm.followups import services as followups
from crm.sales import deals, leads

ZONE = ZoneInfo("Asia/Shanghai")
PEOPLE = ("machao", "gaoyan", "zhaomin", "zhengshuang", "qianjin")
# campaign -> leads it brought: rep, customer, contact, signed price (None: still open)
LEADS = {
    "春季新品推广": (("zhangwei", "无锡新材料科技有限公司", "周海", "168000"),
                     ("chenjing", "东莞智能装备制造有限公司", "林晓", None)),
    "秋季促销": (("liuyang", "合肥量子通信技术有限公司", "许文", "236000"),
                 ("yangfan", "佛山美居家具有限公司", "梁静", "94500"),
                 ("chenjing", "厦门鹭岛零售连锁有限公司", "蔡明", None)),
}
# name, type, start and end (days from today), budget, goals (leads, deals, revenue)
CAMPAIGNS = (
    ("春季新品推广", "seasonal", -20, 25, "45000", (120, 12, "1800000")),
    ("工博会参展", "trade_show", 30, 33, "180000", (300, 25, "6000000")),
    ("华南客户沙龙", "salon", 14, 14, "28000", (40, 5, "900000")),
    ("双十一线上直播", "online", -3, 2, "60000", (200, 10, "1200000")),
    ("秋季促销", "seasonal", -120, -60, "50000", (150, 15, "2000000")),
)
DAYS = {  # overdue, due today, coming
    "gaoyan": ("审核春季新品推广的中期预算执行", "复核华南客户沙龙的预算明细",
               "安排工博会展位设计评审"),
    "qianjin": ("签批第三季度市场费用总结", "审阅工博会参展方案",
                "与市场部讨论明年活动规划"),
}


def _at(day_offset: int, hour: int) -> datetime:
    day = datetime.now(ZONE).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def _later_today() -> datetime:
    now = datetime.now(ZONE)
    end = _at(0, 23).replace(minute=59)
    return min(now + timedelta(hours=2), end) if now < end else now


def seed_campaigns_demo() -> bool:
    """False if campaigns exist or the demo people are missing."""
    if db.session.scalar(select(Campaign.id).limit(1)) is not None:
        return False
    users = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_(PEOPLE)))}
    if set(users) != set(PEOPLE):
        return False
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _seed_campaigns(users)
        _seed_days(users)
    acting_user_id.set(None)
    return True


def _campaign(row, users) -> Campaign:
    name, kind, start, end, budget, (leads, deals, revenue) = row
    today = datetime.now(ZONE).date()
    author = users["machao"]
    acting_user_id.set(author.id)
    return services.save_campaign(None, {
        "name": name, "kind": kind, "starts_on": today + timedelta(days=start),
        "ends_on": today + timedelta(days=end), "department_id": author.team_id,
        "budget": Decimal(budget), "goal_leads": leads, "goal_deals": deals,
        "goal_revenue": Decimal(revenue), "note": None}, author)


def _decide(request: CampaignRequest, user: User, comment: str | None = None) -> None:
    acting_user_id.set(user.id)
    services.decide(request, user, True, comment)


def _purchase(campaign: Campaign, what: str, amount: str, users, spent_on: date):
    acting_user_id.set(users["machao"].id)
    cost = services.add_cost(campaign, {"what": what, "amount": Decimal(amount),
                                        "spent_on": spent_on, "is_purchase": True},
                             users["machao"])
    return db.session.scalar(select(CampaignRequest).where(CampaignRequest.cost_id == cost.id))


def _cost(campaign: Campaign, what: str, amount: str, users, spent_on: date) -> None:
    acting_user_id.set(users["machao"].id)
    services.add_cost(campaign, {"what": what, "amount": Decimal(amount), "spent_on": spent_on,
                                 "is_purchase": False}, users["machao"])


def _seed_campaigns(users) -> None:
    spring, expo, salon, live, autumn = (_campaign(row, users) for row in CAMPAIGNS)
    author, today = users["machao"], datetime.now(ZONE).date()
    _decide(services.submit(spring, author), users["gaoyan"], "预算合理，同意")
    spring.status = "running"
    _cost(spring, "线上广告投放", "12000", users, today - timedelta(days=15))
    _brought(spring, today - timedelta(days=5))
    materials = _purchase(spring, "宣传物料采购", "8600", users, today - timedelta(days=12))
    _decide(materials, users["gaoyan"])  # waits for finance now
    booth = _purchase(spring, "展台搭建", "35000", users, today - timedelta(days=18))
    _decide(booth, users["gaoyan"])
    _decide(booth, users["zhengshuang"], "已核对报价单")  # waits for the CEO
    services.submit(expo, author)  # above the threshold: the director's
    services.submit(salon, author)  # the supervisor's
    services.submit(live, author, emergency=True)  # its approval recorded afterwards
    _decide(services.submit(autumn, author), users["gaoyan"])
    autumn.status = "running"
    _cost(autumn, "场地租赁", "18000", users, today - timedelta(days=110))
    _cost(autumn, "广告投放", "26500", users, today - timedelta(days=100))
    _brought(autumn, today - timedelta(days=70))
    _minutes_of_closed(autumn, users)
    autumn.status = "closed"


def _minutes_of_closed(campaign: Campaign, users) -> None:
    """The closed campaign's phases, each closed by its written record (R-52, R-53)."""
    author = users["machao"]
    acting_user_id.set(author.id)
    for phase in phases.phases_of(campaign.id):
        kickoff = phase.kind == "kickoff"
        phases.record_minutes(campaign, phase, {
            "held_on": phase.due_on, "title": f"{campaign.name} · {PHASES[phase.kind]}",
            "topics": "活动目标、分工与排期" if kickoff else "活动成效与费用决算",
            "decisions": "按方案执行，每周同步线索" if kickoff else "验收通过，资料归档",
            "record": "目标：线索 150 条\n分工：马超负责物料与投放" if kickoff
            else "成效：签约 2 单，¥330,500.00\n投入产出：费用 ¥44,500.00"},
            [{"what": "整理活动线索移交销售", "owner_id": author.id,
              "due_on": phase.due_on + timedelta(days=3)}] if kickoff else [], author)


def _brought(campaign: Campaign, signed_at: date) -> None:
    """The campaign's leads (R-11): each a deal of its rep, signed at the price given."""
    reps = {u.username: u for u in db.session.scalars(select(User))}
    for username, company, contact, price in LEADS[campaign.name]:
        rep = reps[username]
        acting_user_id.set(rep.id)
        customer = db.session.scalar(select(Customer).where(Customer.name == company))
        lead = leads.save_lead(None, {
            "company_name": company, "customer_id": customer.id, "contact_name": contact,
            "source": "campaign", "campaign_id": campaign.id, "team_id": rep.team_id},
            owner_id=rep.id)
        db.session.execute(update(CampaignTouch).where(CampaignTouch.lead_id == lead.id).values(
            touched_at=datetime.combine(campaign.starts_on, time(10), ZONE)))
        deal = deals.convert_lead(lead, {"title": f"{campaign.name}：{company[:4]}追加订单",
                                         "expected_value": Decimal(price or "50000")})
        if price:
            deals.sign_deal(deal, price=Decimal(price), payment_method="bank_transfer",
                            payment_terms="签约后 30 天内一次付清",
                            breach_liability="逾期付款按日万分之五支付违约金",
                            signed_at=signed_at)


def _seed_days(users) -> None:
    for username, (overdue, today, coming) in DAYS.items():
        user = users[username]
        acting_user_id.set(user.id)
        for what, due in ((overdue, _at(-1, 16)), (today, _later_today()), (coming, _at(2, 10))):
            followups.add(what=what, owner_id=user.id, due=due, subject_type=None,
                          subject_id=None, by=user)
