from datetime import timedelta

from sqlalchemy import insert, select

from crm.auth.models import User
from crm.base import utcnow
from crm.customers import services as customers
from crm.extensions import db
from crm.service.models import Call


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def make_customer(app, name: str, owner: str = "zhangwei", contact: dict | None = None,
                  **values) -> int:
    with app.app_context():
        customer = customers.save_customer(None, {"name": name, "owner_id": user_id(owner),
                                                  **values})
        if contact:
            customers.save_contact(None, customer.id, contact)
        db.session.commit()
        return customer.id


def bulk_calls(app, customer_id: int, n: int, agent: str = "zhoujie") -> None:
    """n calls in one statement (list and timeline query counts)."""
    with app.app_context():
        agent_id, now = user_id(agent), utcnow()
        db.session.execute(insert(Call), [
            {"customer_id": customer_id, "agent_id": agent_id, "direction": "in",
             "channel": "hotline", "notes": f"第{i}次来电", "at": now - timedelta(minutes=i)}
            for i in range(n)])
        db.session.commit()
