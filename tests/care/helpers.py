from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from crm.audit.models import AuditEntry
from crm.base import utcnow
from crm.care.models import Revisit, ServiceArchive
from crm.contracts import services as contracts
from crm.contracts.models import Contract
from crm.extensions import db
from crm.sales import deals
from crm.sales import leads as sales
from tests.conftest import count_queries
from tests.service.helpers import make_customer, user_id


def sign(customer_id: int, owner: str = "zhangwei", signed_at: date = date(2026, 5, 4)
         ) -> Contract:
    """A deal of the customer signed (needs a request context: the deal's title)."""
    lead = sales.save_lead(None, {"company_name": "华为技术", "source": "referral",
                                  "customer_id": customer_id}, owner_id=user_id(owner))
    return deals.sign_deal(deals.convert_lead(lead), price=Decimal("100000"),
                           payment_method="bank_transfer", payment_terms="验收后付款",
                           breach_liability="按合同法", signed_at=signed_at)


def deliver(contract: Contract, on: date) -> None:
    contracts.change_status(contract, "in_delivery")
    contracts.change_status(contract, "delivered", delivered_on=on)


def bulk_care(app, contract_id: int, n: int, agent: str = "zhoujie") -> None:
    """n more contracts of the signed one's deal, each with its archive, and n revisits
    (every other one logged, for the timeline), in a few statements."""
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        agent_id, now = user_id(agent), utcnow()
        today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
        start = db.session.scalar(select(Contract.id).order_by(Contract.id.desc()).limit(1))
        first = (db.session.scalar(select(func.max(Revisit.number))) or 0) + 1
        db.session.execute(insert(Contract), [
            {"id": start + 1 + i, "number": f"BULK{start + i:08d}", "status": "signed",
             "deal_id": contract.deal_id, "customer_id": contract.customer_id,
             "owner_id": contract.owner_id, "price": Decimal("1"), "payment_method":
             "bank_transfer", "payment_terms": "", "breach_liability": "",
             "signed_at": today, "version": 1, "created_at": now, "updated_at": now}
            for i in range(n)])
        db.session.execute(insert(ServiceArchive), [
            {"contract_id": start + 1 + i, "customer_id": contract.customer_id,
             "agent_id": agent_id, "contacts": "王芳", "products": "", "service_needs": "",
             "completed_at": now if i % 3 == 0 else None, "version": 1,
             "created_at": now - timedelta(minutes=i), "updated_at": now} for i in range(n)])
        db.session.execute(insert(Revisit), [
            {"customer_id": contract.customer_id, "contract_id": contract.id,
             "agent_id": agent_id, "series": "routine", "number": first + i,
             "due_on": today + timedelta(days=i % 9 - 4),
             "done_at": now - timedelta(minutes=i) if i % 2 else None,
             "outcome": "satisfied" if i % 2 else None, "satisfaction": 5 if i % 2 else None,
             "feedback": f"第{i}次回访", "version": 1, "created_at": now, "updated_at": now}
            for i in range(n)])
        db.session.commit()


def archive_of(contract_id: int) -> ServiceArchive:
    return db.session.scalar(select(ServiceArchive).where(
        ServiceArchive.contract_id == contract_id))


def local(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def created_audit(table: str, record_id: int) -> dict[str | None, str | None]:
    """The audit trail's insert entries of one row: field -> new value."""
    return {e.field: e.new for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.model == table, AuditEntry.record_id == record_id,
        AuditEntry.action == "insert"))}


def assert_list_queries_constant(app, login, names: tuple[str, ...], urls: tuple[str, ...]
                                 ) -> None:
    """The pages answer with as many queries for 10 archives and revisits as for 1,000, for
    each of these users."""
    customer_id = make_customer(app, "华为技术有限公司")
    with app.test_request_context():
        contract_id = sign(customer_id).id
        db.session.commit()
    clients = [login(name) for name in names]

    def queries() -> list[int]:
        counts = []
        for client in clients:
            for url in urls:
                with count_queries(app) as counter:
                    assert client.get(url).status_code == 200, url
                counts.append(counter.n)
        return counts

    bulk_care(app, contract_id, 10)
    small = queries()
    bulk_care(app, contract_id, 990)
    assert queries() == small
