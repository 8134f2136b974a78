"""The service desk's day in the demo: each agent's calls of today and of the past days."""

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
