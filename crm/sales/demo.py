"""Demo data that looks like a real company's: customers in the cities their names say, phone
numbers with the city's area code and real mobile prefixes, contacts whose names are not the
staff's, every rep with deals in every stage, and every demo user with a day to work through
(follow-ups overdue and due today, unread notifications)."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from pypinyin import lazy_pinyin
from sqlalchemy import select

from crm.audit.hooks import acting_user_id
from crm.auth.models import Team, User
from crm.base import utcnow
from crm.customers import services as customers
from crm.customers.identity import CODE_CHARS, credit_code_check_char
from crm.customers.models import Customer
from crm.extensions import db
from crm.followups import services as followups
from crm.notifications.services import notify
from crm.sales import deals, funnel, leads
from crm.sales.models import BundleItem, Deal, DealLine, FunnelStage, Lead, Product

ZONE = ZoneInfo("Asia/Shanghai")  # the demo users' zone
CITIES = {  # city: (province, telephone area code)
    "上海": ("上海", "021"), "苏州": ("江苏", "0512"), "无锡": ("江苏", "0510"),
    "南京": ("江苏", "025"), "常州": ("江苏", "0519"), "南通": ("江苏", "0513"),
    "扬州": ("江苏", "0514"), "杭州": ("浙江", "0571"), "宁波": ("浙江", "0574"),
    "温州": ("浙江", "0577"), "嘉兴": ("浙江", "0573"), "合肥": ("安徽", "0551"),
    "深圳": ("广东", "0755"), "广州": ("广东", "020"), "东莞": ("广东", "0769"),
    "佛山": ("广东", "0757"), "珠海": ("广东", "0756"), "中山": ("广东", "0760"),
    "惠州": ("广东", "0752"), "汕头": ("广东", "0754"), "厦门": ("福建", "0592"),
}
# Five customers per rep, in the rep's region: name, city, industry, revenue (万元), tender.
CUSTOMERS = {
    "zhangwei": (
        ("上海宏达汽车零部件股份有限公司", "上海", "manufacturing", 86000, False),
        ("苏州精工机械制造有限公司", "苏州", "manufacturing", 32000, False),
        ("上海浦江金融信息服务有限公司", "上海", "finance", 8800, False),
        ("无锡新材料科技有限公司", "无锡", "manufacturing", 4200, False),
        ("南京市公共资源交易中心", "南京", "government", None, True),
    ),
    "liuyang": (
        ("杭州云栖信息技术有限公司", "杭州", "it", 12000, False),
        ("宁波港口物流集团有限公司", "宁波", "logistics", 150000, False),
        ("常州天合光伏组件有限公司", "常州", "manufacturing", 260000, False),
        ("合肥量子通信技术有限公司", "合肥", "it", 6700, False),
        ("温州正泰电气配件厂", "温州", "manufacturing", 1800, False),
    ),
    "chenjing": (
        ("深圳市华信电子有限公司", "深圳", "manufacturing", 9800, False),
        ("东莞智能装备制造有限公司", "东莞", "manufacturing", 5600, False),
        ("深圳市南山区教育局", "深圳", "government", None, True),
        ("惠州储能电池科技有限公司", "惠州", "manufacturing", 51000, False),
        ("厦门鹭岛零售连锁有限公司", "厦门", "retail", 22000, False),
    ),
    "yangfan": (
        ("广州白云医疗器械有限公司", "广州", "healthcare", 7600, False),
        ("佛山美居家具有限公司", "佛山", "manufacturing", 3100, False),
        ("珠海海洋能源股份有限公司", "珠海", "energy", 45000, False),
        ("中山市建工集团有限公司", "中山", "construction", 38000, False),
        ("汕头澄海玩具实业有限公司", "汕头", "manufacturing", 2600, False),
    ),
}
# Companies only known as leads in the shared pool: name, city, the rep who let it go.
POOL = (
    ("南通纺织印染有限公司", "南通", "liuyang"),
    ("嘉兴秀洲智能家居有限公司", "嘉兴", None),
    ("扬州广陵精密铸造有限公司", "扬州", "chenjing"),
    ("佛山顺德小家电有限公司", "佛山", None),
)
REP_TEAMS = {"zhangwei": "华东大区", "liuyang": "华东大区", "chenjing": "华南大区",
             "yangfan": "华南大区"}
PEOPLE = ("王芳", "陈杰", "杨磊", "赵静", "黄伟", "周敏", "吴强", "徐丽", "孙涛", "马琳", "朱明",
          "胡霞", "郭鹏", "何婷", "林晓东", "高建华", "罗佳", "梁志强", "宋雨桐", "唐文博", "韩雪",
          "曹宇", "许嘉欣", "彭博", "蒋欣然", "谢婷婷", "董海涛", "袁青", "姚思远", "钱佳怡",
          "邵明辉", "程雪梅", "丁浩然", "沈若溪", "魏俊杰", "薛静怡", "叶晨", "范文涛", "陆嘉琪",
          "方志远", "石磊", "邹雨欣", "龚晓峰", "傅雅婷", "秦思琪", "潘立新")
TITLES = ("采购经理", "总经理", "技术总监", "财务总监", "设备科长", "信息中心主任")
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
                   "182", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133",
                   "153", "180", "189", "177", "199")
PRODUCTS = (  # name, kind, category, price
    ("智能数控系统 CNC-800", "product", "数控系统", 186000),
    ("工业网关 G200", "product", "物联网", 8800),
    ("MES 生产执行系统", "product", "软件", 320000),
    ("远程运维云服务（年）", "software_service", "软件服务", 36000),
    ("数据分析增值包（年）", "software_service", "软件服务", 24000),
    ("高精度传感器套件", "hardware_addon", "配件", 5600),
    ("备用电源模块", "hardware_addon", "配件", 3200),
)
SOURCES = ("campaign", "online", "referral", "dealer", "inbound_call", "trade_show")
# What each demo user who does not sell has on their plate: (overdue, due today, upcoming).
OTHER_WORK = {
    "admin": ("开通华南大区新员工账号", "检查本周的登录失败记录", "整理季度权限复核清单"),
    "zhaomin": ("审批华南大区季度折扣申请", "准备月度经营分析会材料", "与华东大区复盘重点商机"),
    "zhoujie": ("回访 {customer} 设备运行情况", "处理 {customer} 的备件咨询", "季度满意度回访"),
    "wumin": ("补全 {customer} 的服务档案", "回访 {customer} 的培训效果", "整理本周来电记录"),
    "sunli": ("录入经销商季度评分", "审核华南智联的渠道协议", "安排经销商产品培训"),
    "machao": ("确认工博会展位与报名名单", "整理线上推广线索", "提交下季度活动预算"),
    "hefang": ("整理 CNC-800 客户反馈", "评审 MES 新版本需求", "更新产品报价目录"),
    "zhengshuang": ("核对 {customer} 首付款到账", "月末应收账款对账", "准备回款周报"),
    "fenglv": ("审核 {customer} 合同的违约条款", "更新标准合同模板", "整理合同归档"),
}
MESSAGES = {  # unread notifications of the users who do not sell
    "admin": ("系统将于周六 22:00 例行维护，请提前告知各部门。",),
    "zhaomin": ("华东大区提交了本月销售预测，请审阅。", "{customer} 的合同已签署。"),
    "zhoujie": ("新签约客户 {customer}：请在 24 小时内建立服务档案。",),
    "wumin": ("{customer} 来电反馈设备异响，请安排回访。",),
    "sunli": ("经销商华南智联提交了季度销售数据。",),
    "machao": ("工博会报名已截止，共 36 家企业报名。",),
    "hefang": ("MES 2.3 版本需求评审会定于周四下午。",),
    "zhengshuang": ("{customer} 的合同已签署，请确认付款计划。",),
    "fenglv": ("{customer} 的合同已提交法务审核。",),
}


def _credit_code(rng: random.Random) -> str:
    first17 = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
        rng.choice(CODE_CHARS) for _ in range(9))
    return first17 + credit_code_check_char(first17)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _landline(rng: random.Random, city: str) -> str:
    """The city's area code and an eight-digit number (they never start with 0 or 1)."""
    return f"{CITIES[city][1]}-{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"


def _email(person: str, rng: random.Random) -> str:
    return f"{''.join(lazy_pinyin(person))}{rng.randrange(10, 99)}@example.cn"


def seed_sales_demo() -> bool:
    """Customers, leads, deals and each demo user's day; False if customers already exist."""
    if db.session.scalar(select(Customer.id).limit(1)) is not None:
        return False
    users = {u.username: u for u in db.session.scalars(select(User))}
    if not set(CUSTOMERS) | set(OTHER_WORK) | {"wangqiang", "lina"} <= set(users):
        return False
    funnel.seed_funnel()
    rng = random.Random(2026)
    people = [p for p in PEOPLE if p not in {u.name for u in users.values()}]
    rng.shuffle(people)
    products = _seed_products()
    teams = {t.name: t.id for t in db.session.scalars(select(Team))}
    for username, companies in CUSTOMERS.items():
        rep = users[username]
        acting_user_id.set(rep.id)
        owned = [_seed_customer(rep, company, people, rng) for company in companies]
        _seed_funnel(rep, owned, teams[REP_TEAMS[username]], products, rng)
    _seed_pool(users, teams, rng)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the notifications' text
        _seed_days(users, rng)
    acting_user_id.set(None)
    return True


def _seed_customer(rep: User, company: tuple, people: list[str], rng) -> Customer:
    name, city, industry, revenue, tender = company
    customer = customers.save_customer(None, {
        "name": name, "industry": industry, "credit_code": _credit_code(rng),
        "annual_revenue": Decimal(revenue) * 10000 if revenue else None,
        "province": CITIES[city][0], "city": city, "source": rng.choice(SOURCES),
        "grade": rng.choice("AAB" if revenue and revenue > 30000 else "BBC"),
        "owner_id": rep.id, "is_government_tender": tender, "phone": _landline(rng, city)})
    for person in (people.pop(), people.pop()):
        customers.save_contact(None, customer.id, {
            "name": person, "title": rng.choice(TITLES), "mobile": _mobile(rng),
            "phone": _landline(rng, city), "email": _email(person, rng)})
    return customer


def _lead(customer: Customer, owner: User, team_id: int, rng) -> Lead:
    contact = customer.contacts[0] if customer.contacts else None
    return leads.save_lead(None, {
        "company_name": customer.name, "customer_id": customer.id,
        "contact_name": contact.name if contact else None,
        "contact_phone": contact.mobile if contact else None,
        "source": customer.source or rng.choice(SOURCES), "grade": customer.grade,
        "team_id": team_id}, owner_id=owner.id)


def _seed_funnel(rep: User, owned: list[Customer], team_id: int, products, rng) -> None:
    """Per rep: a deal in each stage (potential, intent closing this month, signed, lost), an
    upsell on the signed customer, and a lead nobody has followed up for 26 days."""
    today = datetime.now(ZONE).date()
    month_end = (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    stages = ("potential", "intent", "signed", "lost", "potential")
    for customer, stage in zip([*owned[:4], owned[2]], stages, strict=True):
        deal = deals.convert_lead(_lead(customer, rep, team_id, rng))
        lines = sorted(rng.sample(products, 2), key=lambda p: p.price, reverse=True)
        deal.title = f"{lines[0].name} 项目"
        deal.refresh_keys(customer.name)
        deal.lines = [DealLine(product_id=p.id, quantity=Decimal(rng.randrange(1, 6)),
                               unit_price=p.price, discount_percent=Decimal(rng.choice((0, 5))))
                      for p in lines]
        deal.expected_value = deal.lines_total
        deal.close_date = (rng.choice((today, month_end)) if stage == "intent"
                           else today + timedelta(days=rng.randrange(35, 120)))
        deal.solution_spec = "按客户产线现状定制，分两期上线"
        deal.delivery_cycle = f"{rng.choice((30, 45, 60))} 天"
        deal.service_commitment = "7×24 小时响应，首年免费运维"
        db.session.flush()
        _move(deal, stage, rng, today)
    quiet = _lead(owned[4], rep, team_id, rng)
    quiet.assigned_at = quiet.last_followup_at = utcnow() - timedelta(days=28)


def _move(deal: Deal, stage: str, rng, today) -> None:
    if stage != "potential":
        deals.move_deal(deal, funnel.stage("intent"))
    if stage == "lost":
        reason = rng.choice(funnel.lost_reasons()[:3])
        deals.move_deal(deal, funnel.stage("lost"), reason.id)
    if stage == "signed":
        deal.close_date = today - timedelta(days=rng.randrange(1, 20))
        deals.sign_deal(deal, price=deal.lines_total, payment_method="installments",
                        payment_terms="签约付 30%，验收后付 70%",
                        breach_liability="逾期付款按日万分之五支付违约金",
                        signed_at=deal.close_date)


def _seed_pool(users: dict[str, User], teams: dict[str, int], rng) -> None:
    """Leads in the shared pool; two went back there from a rep, who was told."""
    for name, city, former in POOL:
        acting_user_id.set(users[former].id if former else None)
        region = "华南大区" if CITIES[city][0] == "广东" else "华东大区"
        lead = leads.save_lead(None, {
            "company_name": name, "contact_name": rng.choice(PEOPLE),
            "contact_phone": _mobile(rng), "source": rng.choice(SOURCES),
            "grade": rng.choice("BC"), "team_id": teams[region]})
        if former:
            lead.former_owner_id = users[former].id
            notify(users[former].id, name, "lead", lead.id, kind="pool_return")


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A time in the demo zone, `day_offset` days from today."""
    day = datetime.now(ZONE).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _later_today() -> datetime:
    """Due later today, whatever the time now (at the latest 23:59)."""
    now = datetime.now(ZONE)
    return min(now + timedelta(hours=2), _at(0, 23, 59)) if now < _at(0, 23, 59) else now


def _seed_days(users: dict[str, User], rng) -> None:
    """Follow-ups overdue, due today and coming for everyone; managers hand some to their reps
    (which notifies them); unread notifications for everyone."""
    for username in CUSTOMERS:
        _rep_day(users[username], rng)
    for manager, reps in (("wangqiang", ("zhangwei", "liuyang")),
                          ("lina", ("chenjing", "yangfan"))):
        _manager_day(users[manager], [users[r] for r in reps])
    signed = db.session.scalar(select(Customer).join(Deal, Deal.customer_id == Customer.id)
                               .where(Deal.stage_id == funnel.stage("signed").id)
                               .order_by(Deal.id.desc()).limit(1))
    for username, (overdue, today, upcoming) in OTHER_WORK.items():
        user = users[username]
        acting_user_id.set(user.id)
        about = signed if user.has_role("service") else None
        for what, due in ((overdue, _at(-1, 16)), (today, _later_today()),
                          (upcoming, _at(2, 10))):
            followups.add(what=what.format(customer=signed.name), owner_id=user.id, due=due,
                          subject_type="customer" if about else None,
                          subject_id=about.id if about else None, by=user)
        for text in MESSAGES[username]:
            notify(user.id, text.format(customer=signed.name))


def _rep_day(rep: User, rng) -> None:
    acting_user_id.set(rep.id)
    owned = {code: deal for deal, code in db.session.execute(  # by stage id: `deal.stage`
        select(Deal, FunnelStage.code).join(FunnelStage, FunnelStage.id == Deal.stage_id)
        .where(Deal.owner_id == rep.id).order_by(Deal.id))}  # may predate the move
    potential, intent, signed = owned["potential"], owned["intent"], owned["signed"]
    work = (
        (f"发送 {intent.title} 的正式报价", "deal", intent.id, _at(-2, 17)),
        (f"回访{signed.customer.name}的上线进度", "customer", signed.customer_id, _at(-1, 10)),
        (f"电话确认{intent.customer.name}的签约时间", "deal", intent.id, _later_today()),
        (f"整理{potential.customer.name}的需求清单", "deal", potential.id, _later_today()),
        (f"上门拜访{potential.customer.name}", "customer", potential.customer_id, _at(1, 10)),
        (f"准备{potential.customer.name}的方案演示", "deal", potential.id, _at(3, 14)),
    )
    for what, subject_type, subject_id, due in work:
        followups.add(what=what, owner_id=rep.id, due=due, subject_type=subject_type,
                      subject_id=subject_id, by=rep)


def _manager_day(manager: User, reps: list[User]) -> None:
    acting_user_id.set(manager.id)
    followups.add(what="审核本大区的季度销售预测", owner_id=manager.id, due=_at(-1, 18),
                  subject_type=None, subject_id=None, by=manager)
    for rep in reps:
        deal = db.session.scalar(select(Deal).where(Deal.owner_id == rep.id,
                                                    Deal.stage_id == funnel.stage("intent").id))
        won = db.session.scalar(select(Deal).where(Deal.owner_id == rep.id,
                                                   Deal.stage_id == funnel.stage("signed").id))
        notify(manager.id, f"{rep.name} 签下了{won.customer.name}：{won.title}", "deal", won.id)
        followups.add(what=f"和{rep.name}一起复盘 {deal.title}", owner_id=manager.id,
                      due=_later_today(), subject_type="deal", subject_id=deal.id, by=manager)
        followups.add(what=f"本周内推进 {deal.title} 的报价审批", owner_id=rep.id,
                      due=_at(2, 17), subject_type="deal", subject_id=deal.id, by=manager)


def _seed_products() -> list[Product]:
    products = [Product(name=name, kind=kind, category=category, price=Decimal(price))
                for name, kind, category, price in PRODUCTS]
    bundle = Product(name="智能工厂套餐", kind="bundle", category="套餐", price=Decimal("498000"))
    bundle.components = [BundleItem(component=products[0]), BundleItem(component=products[2]),
                         BundleItem(component=products[3])]
    for product in [*products, bundle]:
        product.refresh_keys()
        db.session.add(product)
    db.session.flush()
    return products
