"""Demo data for the sales domain: customers, contacts and leads owned by the demo reps."""

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from crm.audit.hooks import acting_user_id
from crm.auth.models import Team, User
from crm.base import utcnow
from crm.customers import services as customers
from crm.customers.identity import CODE_CHARS, credit_code_check_char
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales import deals, funnel, services
from crm.sales.models import BundleItem, DealLine, Lead, Product

REPS = {"zhangwei": ("上海", "上海"), "liuyang": ("江苏", "苏州"), "chenjing": ("广东", "深圳"),
        "yangfan": ("广东", "广州")}
COMPANIES = (  # name, industry, annual revenue (万元), government tender
    ("苏州精工机械制造有限公司", "manufacturing", 32000, False),
    ("上海宏达汽车零部件股份有限公司", "manufacturing", 86000, False),
    ("无锡新材料科技有限公司", "manufacturing", 4200, False),
    ("杭州云栖信息技术有限公司", "it", 12000, False),
    ("南京市公共资源交易中心", "government", None, True),
    ("宁波港口物流集团有限公司", "logistics", 150000, False),
    ("深圳市华信电子有限公司", "manufacturing", 9800, False),
    ("广州白云医疗器械有限公司", "healthcare", 7600, False),
    ("东莞智能装备制造有限公司", "manufacturing", 5600, False),
    ("佛山美居家具有限公司", "manufacturing", 3100, False),
    ("珠海海洋能源股份有限公司", "energy", 45000, False),
    ("深圳市南山区教育局", "government", None, True),
    ("厦门鹭岛零售连锁有限公司", "retail", 22000, False),
    ("常州天合光伏组件有限公司", "manufacturing", 260000, False),
    ("合肥量子通信技术有限公司", "it", 6700, False),
    ("温州正泰电气配件厂", "manufacturing", 1800, False),
    ("中山市建工集团有限公司", "construction", 38000, False),
    ("惠州储能电池科技有限公司", "manufacturing", 51000, False),
    ("上海浦江金融信息服务有限公司", "finance", 8800, False),
    ("南通纺织印染有限公司", "manufacturing", 6400, False),
)
PEOPLE = ("王芳", "李娜", "刘洋", "陈杰", "杨磊", "赵静", "黄伟", "周敏", "吴强", "徐丽", "孙涛",
          "马琳", "朱明", "胡霞", "郭鹏", "何婷")
TITLES = ("采购经理", "总经理", "技术总监", "财务总监", "设备科长", "信息中心主任")
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


def _credit_code(rng: random.Random) -> str:
    first17 = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
        rng.choice(CODE_CHARS) for _ in range(9))
    return first17 + credit_code_check_char(first17)


def _mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "136", "186", "158")) + f"{rng.randrange(10**8):08d}"


def seed_sales_demo() -> bool:
    """Customers, contacts and leads for the demo reps; False if customers already exist."""
    if db.session.scalar(select(Customer.id).limit(1)) is not None:
        return False
    users = {u.username: u for u in db.session.scalars(select(User).where(
        User.username.in_(REPS)))}
    if len(users) != len(REPS):
        return False
    funnel.seed_funnel()
    rng = random.Random(2026)
    for i, (name, industry, revenue, tender) in enumerate(COMPANIES):
        username = list(REPS)[i % len(REPS)]
        province, city = REPS[username]
        acting_user_id.set(users[username].id)
        customer = customers.save_customer(None, {
            "name": name, "industry": industry, "credit_code": _credit_code(rng),
            "annual_revenue": Decimal(revenue) * 10000 if revenue else None,
            "province": province, "city": city, "source": rng.choice(SOURCES),
            "grade": "ABC"[i % 3], "owner_id": users[username].id,
            "is_government_tender": tender, "phone": f"0{rng.randrange(10, 99)}-"
                                                     f"{rng.randrange(10**7, 10**8)}"})
        for person in rng.sample(PEOPLE, 2):
            customers.save_contact(None, customer.id, {
                "name": person, "title": rng.choice(TITLES), "mobile": _mobile(rng),
                "email": f"contact{rng.randrange(1000)}@example.cn"})
    products = _seed_products()
    _seed_leads(users, rng)
    _seed_deals(products, rng)
    acting_user_id.set(None)
    return True


def _seed_leads(users: dict[str, User], rng: random.Random) -> None:
    teams = {t.name: t.id for t in db.session.scalars(select(Team))}
    now = utcnow()
    for i, (name, _industry, _revenue, _tender) in enumerate(COMPANIES[:16]):
        username = list(REPS)[i % len(REPS)]
        pooled = i % 4 == 3
        acting_user_id.set(users[username].id)
        lead = services.save_lead(None, {
            "company_name": name, "contact_name": rng.choice(PEOPLE),
            "contact_phone": _mobile(rng), "source": rng.choice(SOURCES),
            "grade": "ABC"[i % 3],
            "team_id": teams["华东大区" if username in ("zhangwei", "liuyang") else "华南大区"]},
            owner_id=None if pooled else users[username].id)
        lead.last_followup_at = now - timedelta(days=rng.randrange(0, 25))
        if i % 3 == 1 and not pooled:
            services.move_lead(lead, funnel.stage("intent"))


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


def _seed_deals(products: list[Product], rng: random.Random) -> None:
    """Deals from the owned leads, spread over the stages, with product lines."""
    today = utcnow().date()
    leads = db.session.scalars(select(Lead).where(Lead.owner_id.is_not(None)).order_by(Lead.id))
    for i, lead in enumerate(leads):
        acting_user_id.set(lead.owner_id)
        deal = deals.convert_lead(lead)
        deal.lines = [DealLine(product_id=p.id, quantity=Decimal(rng.randrange(1, 6)),
                               unit_price=p.price, discount_percent=Decimal(rng.choice((0, 5))))
                      for p in rng.sample(products, 2)]
        deal.expected_value = deal.lines_total
        deal.close_date = today + timedelta(days=rng.randrange(10, 120))
        deal.solution_spec = "按客户产线现状定制，分两期上线"
        deal.delivery_cycle = f"{rng.choice((30, 45, 60))} 天"
        deal.service_commitment = "7×24 小时响应，首年免费运维"
        db.session.flush()
        if i % 4 == 2:
            deals.sign_deal(deal, price=deal.lines_total, payment_method="installments",
                            payment_terms="签约付 30%，验收后付 70%",
                            breach_liability="逾期付款按日万分之五支付违约金",
                            signed_at=today - timedelta(days=rng.randrange(1, 30)))
        elif deal.stage.code == "potential" and i % 2:
            deals.move_deal(deal, funnel.stage("intent"))
