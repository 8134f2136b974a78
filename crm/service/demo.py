"""The service desk's day in the demo: each agent's calls of today and of the past days, and
open complaints in every state (a fresh one, one being handled, a complex one whose plan waits
for the service manager, one waiting for the customer) beside a closed one."""

import random
from datetime import timedelta

from sqlalchemy import select

from crm.auth.models import User, UserRole
from crm.base import utcnow
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales.models import Product
from crm.service.models import CHANNELS, Call

TOPICS = ("询问发票开具进度", "咨询续费政策", "设备报警，远程指导后恢复", "预约下周上门保养",
          "反映交付比约定晚了三天", "索取操作手册电子版", "确认培训时间", "反馈软件偶尔卡顿")


def seed_service_demo(rng: random.Random | None = None) -> None:
    """Six calls today and a dozen over the last two weeks per service agent."""
    rng = rng or random.Random(15)
    agents = list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                     .where(UserRole.role == "service").order_by(User.id)))
    customers = list(db.session.scalars(select(Customer).order_by(Customer.id).limit(40)))
    products = list(db.session.scalars(select(Product.id).where(Product.active)))
    if not customers:
        return
    now = utcnow()
    for agent in agents:
        moments = [now - timedelta(minutes=25 * i + 5) for i in range(6)]
        moments += [now - timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
                    for _ in range(12)]
        for at in moments:
            customer = rng.choice(customers)
            db.session.add(Call(
                at=at, customer_id=customer.id, agent_id=agent.id,
                contact_id=customer.contacts[0].id if customer.contacts else None,
                direction="in" if rng.random() < 0.7 else "out",
                channel=rng.choice(list(CHANNELS)), duration_minutes=rng.randint(2, 25),
                notes=rng.choice(TOPICS),
                product_id=rng.choice(products) if products and rng.random() < 0.5 else None))
    db.session.flush()
    _seed_complaints(agents, customers, products, now)
    _seed_care(now)


def _seed_complaints(agents: list[User], customers: list[Customer], products: list[int],
                     now) -> None:
    from crm.service import complaints

    if not agents:
        return
    agent = agents[0]
    product = products[0] if products else None

    def make(i: int, summary: str, hours_ago: float):
        return complaints.open_complaint(
            customers[i % len(customers)].id, agent.id, summary, "direct", by=agent,
            product_id=product, feedback="希望交付前主动告知进度",
            at=now - timedelta(hours=hours_ago))

    make(0, "设备安装后频繁报警", 0.2)
    handled = make(1, "发票抬头开错", 5)
    complaints.respond(handled, agent, "已致电客户，承诺两天内重开", now - timedelta(hours=4))
    planned = make(2, "交付延迟一周，影响客户产线", 30)
    complaints.respond(planned, agent, "已致歉并说明原因", now - timedelta(hours=29))
    complaints.mark_complex(planned, agent, "涉及物流和生产两个部门", now - timedelta(hours=28))
    complaints.submit_plan(planned, agent, "1. 协调物流加急；2. 每日同步进度；3. 补偿一次免费保养",
                           now - timedelta(hours=20))
    waiting = make(3, "培训不到位", 50)
    complaints.respond(waiting, agent, "已约定补充培训", now - timedelta(hours=49))
    complaints.wait_for_customer(waiting, agent, "等客户确认培训时间", now - timedelta(hours=24))
    closed = make(4, "配件缺货", 24 * 9)
    complaints.respond(closed, agent, "已调货", now - timedelta(days=9))
    complaints.propose_solution(closed, agent, "从华南仓调货，三天内送达", now - timedelta(days=8))
    complaints.close(closed, agent, complaints.Confirmation(
        "客户联系人", "phone", now - timedelta(days=6)), now - timedelta(days=6))


def _seed_care(now) -> None:
    """The archives the demo's signings opened: most completed, the rest waiting, one of
    them overdue; the contracts delivered, each with a revisit due today, overdue, upcoming
    or logged (the customer's timeline shows it)."""
    from crm.care import archives, revisits
    from crm.care.models import ServiceArchive
    from crm.contracts.models import Contract
    from crm.deadlines import services as deadlines

    found = list(db.session.scalars(select(ServiceArchive).order_by(ServiceArchive.id)))
    for i, archive in enumerate(found):
        if i % 3 == 2:
            archives.save_archive(archive, {
                "contacts": archive.contacts or "采购经理", "products": archive.products,
                "service_needs": "季度上门保养；新员工操作培训；续约由总经理决策"},
                complete=True, by=archive.agent, at=now - timedelta(hours=2))
    if found:  # the oldest open one is overdue
        deadlines.move(archives.CLOCK, archives.SUBJECT, found[0].id, now - timedelta(hours=3))
    today = now.date()
    contracts = db.session.scalars(select(Contract).where(Contract.status == "signed")
                                   .order_by(Contract.id))
    plans = ((0, None), (-3, None), (5, None), (-10, ("satisfied", 5, "设备运行稳定，验收通过")),
             (0, None), (12, None), (-1, None), (-20, ("issue", 3, "操作界面偏复杂，希望加培训")))
    for contract, (days, logged) in zip(contracts, plans, strict=False):
        contract.status, contract.delivered_on = "delivered", contract.signed_at
        agent_id = revisits.agent_of(contract)
        base = today + timedelta(days=days) - timedelta(days=7)
        revisit = revisits.schedule(contract, "acceptance", 1, base, agent_id)
        if logged and revisit is not None:
            revisits.log_revisit(revisit, revisits.RevisitLog(*logged),
                                 db.session.get(User, agent_id), now - timedelta(days=1))
