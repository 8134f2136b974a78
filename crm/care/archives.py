"""Use cases of service archives (R-30): opened when a deal is signed, exactly once per
contract, with the customer's contacts and the contract's products filled in and the clock of
the responsible agent (`archive_hours` of working time) running until an agent completes it.
Nothing here commits; `at` is injectable for tests."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crm.audit.hooks import audit_created
from crm.auth.models import User, UserRole
from crm.base import utcnow
from crm.care.models import ServiceArchive
from crm.contracts.models import Contract
from crm.customers.models import Contact
from crm.deadlines import services as deadlines
from crm.deadlines.services import dialect_insert
from crm.errors import DomainError
from crm.extensions import db
from crm.sales.models import DealLine, Product

SUBJECT = "service_archive"
CLOCK = "service_archive"
CLOCK_LABEL = _l("Service archive: complete it")
CLOCK_SETTING = "archive_hours"  # R-30, hours of working time, on the settings page


def responsible_agent(contract: Contract) -> int:
    """The active service agent with the fewest incomplete archives (then the first by id);
    the contract's owner when the company has no service agent."""
    open_count = (select(func.count(ServiceArchive.id)).where(
        ServiceArchive.agent_id == User.id, ServiceArchive.completed_at.is_(None))
        .correlate(User).scalar_subquery())
    agent = db.session.scalar(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "service", User.active)
        .order_by(open_count, User.id).limit(1))
    return agent or contract.owner_id


def _contacts_text(customer_id: int) -> str:
    rows = db.session.execute(select(Contact.name, Contact.title, Contact.mobile, Contact.phone)
                              .where(Contact.customer_id == customer_id).order_by(Contact.id))
    return "\n".join(" · ".join(part for part in row if part) for row in rows)


def _products_text(deal_id: int) -> str:
    rows = db.session.execute(select(Product.name, DealLine.quantity)
                              .join(Product, Product.id == DealLine.product_id)
                              .where(DealLine.deal_id == deal_id).order_by(DealLine.id))
    return "\n".join(f"{name} × {quantity.normalize():f}" for name, quantity in rows)


def open_archive(contract: Contract, at: datetime | None = None) -> ServiceArchive | None:
    """The contract's archive and its clock, audited; None when it has one already (a
    repeated signal): the insert skips a second row by the unique contract id."""
    at = at or utcnow()
    agent_id = responsible_agent(contract)
    values = {"contract_id": contract.id, "customer_id": contract.customer_id,
              "agent_id": agent_id, "contacts": _contacts_text(contract.customer_id),
              "products": _products_text(contract.deal_id), "service_needs": "", "version": 1,
              "created_at": at, "updated_at": at}
    inserted = db.session.execute(
        dialect_insert(ServiceArchive.__table__).values(values)
        .on_conflict_do_nothing(index_elements=["contract_id"])
        .returning(ServiceArchive.__table__.c.id)).scalar()
    if inserted is None:
        return None
    audit_created(ServiceArchive, inserted, values)
    deadlines.start_clock(CLOCK, SUBJECT, inserted, agent_id, at)
    return db.session.get(ServiceArchive, inserted)


def on_contract_signed(contract: Contract, **_extra) -> None:
    """The blinker receiver of contract_signed (R-30)."""
    open_archive(contract)


def save_archive(archive: ServiceArchive, values: dict, *, complete: bool, by: User,
                 at: datetime | None = None) -> ServiceArchive:
    """Change the archive; `complete` marks it done (contacts and service needs filled in)
    and stops its clock."""
    for key in ("contacts", "products", "service_needs"):
        setattr(archive, key, (values.get(key) or "").strip())
    if complete and archive.completed_at is None:
        if not archive.contacts:
            raise DomainError(_("Name at least one contact."), "contacts")
        if not archive.service_needs:
            raise DomainError(_("Describe the customer's service needs."), "service_needs")
        archive.completed_at, archive.completed_by_id = at or utcnow(), by.id
        deadlines.complete(CLOCK, SUBJECT, archive.id, archive.completed_at)
    db.session.flush()
    return archive
