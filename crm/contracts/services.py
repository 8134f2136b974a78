"""Use cases of contracts: signing, status, important marking, documents, the payment schedule
and payments (R-15, R-16, R-20). No commits here."""

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.auth.models import User
from crm.contracts import collection, delivery
from crm.contracts.models import (
    NEXT_STATUSES,
    STATUSES,
    Contract,
    ContractDocument,
    Instalment,
    Payment,
)
from crm.contracts.signals import contract_delivered, contract_signed
from crm.errors import DomainError
from crm.extensions import db
from crm.storage import set_encrypted, store_upload
from crm.web.formatting import money

CENT = Decimal("0.01")


def contract_number(signed_at: date, deal_id: int) -> str:
    return f"HT{signed_at:%Y%m%d}-{deal_id:06d}"


def record_signed_contract(deal, *, price: Decimal, payment_method: str, payment_terms: str,
                           breach_liability: str, signed_at: date) -> Contract:
    """R-15: the contract of a deal just won, with its terms; tells the other domains."""
    contract = Contract(deal_id=deal.id, customer_id=deal.customer_id, owner_id=deal.owner_id,
                        number=contract_number(signed_at, deal.id), status="signed",
                        price=price, payment_method=payment_method,
                        payment_terms=payment_terms.strip(),
                        breach_liability=breach_liability.strip(), signed_at=signed_at)
    contract.refresh_search_key(deal.customer.name if deal.customer else "")
    db.session.add(contract)
    db.session.flush()
    contract_signed.send(contract)
    return contract


def change_status(contract: Contract, status: str, *, delivered_on: date | None = None) -> None:
    """One step along draft → signed → in delivery → delivered → closed (or terminated).
    Recording the delivery date closes production and tells the service domain (R-16, R-31)."""
    if status not in NEXT_STATUSES[contract.status]:
        raise DomainError(_("A contract that is %(now)s cannot become %(next)s.",
                            now=STATUSES[contract.status], next=STATUSES.get(status, status)),
                          "status")
    if status == "delivered":
        if delivered_on is None:
            raise DomainError(_("Enter the date the customer received the goods."),
                              "delivered_on")
        if delivered_on < contract.signed_at:
            raise DomainError(_("The delivery cannot be before the signing."), "delivered_on")
        contract.delivered_on = delivered_on
    contract.status = status
    db.session.flush()
    if status == "in_delivery":
        delivery.start_production(contract)
    elif contract.status in ("delivered", "terminated"):
        delivery.end_production(contract)
    if status == "delivered":
        contract_delivered.send(contract, delivered_on=delivered_on)


def set_important(contract: Contract, important: bool, user: User) -> None:
    """重要合同: from now on only directors, finance and `user` read it (R-03), and its
    documents are stored encrypted (重要合同加密存储); unmarked, they are stored plain again,
    but for those marked important themselves."""
    contract.important = important
    contract.important_by_id = user.id if important else None
    db.session.flush()
    for document in db.session.scalars(select(ContractDocument).where(
            ContractDocument.contract_id == contract.id)):
        set_encrypted(document.storage_key, important or document.important)


def attach_document(contract: Contract, upload, *, important: bool, user: User):
    """A document of an important contract, or marked important, is stored encrypted."""
    stored = store_upload(upload, encrypted=important or contract.important)
    document = ContractDocument(
        contract_id=contract.id, storage_key=stored.key, original_name=stored.original_name,
        content_type=stored.content_type, size=stored.size, important=important,
        uploaded_by_id=user.id)
    db.session.add(document)
    db.session.flush()
    return document


def _has_payments(contract: Contract) -> bool:
    return db.session.scalar(select(func.count()).select_from(Payment).where(
        Payment.contract_id == contract.id)) > 0


def save_schedule(contract: Contract, rows: list[tuple[date, Decimal]]) -> list[Instalment]:
    """R-20: the instalments replace the schedule; they add up to the contract amount exactly."""
    if not rows:
        raise DomainError(_("Enter at least one instalment."), "instalments")
    if _has_payments(contract):
        raise DomainError(_("Payments are recorded against this schedule: it can no longer be "
                            "replaced."), "instalments")
    amounts = [amount.quantize(CENT) for _due, amount in rows]
    if any(amount <= 0 for amount in amounts):
        raise DomainError(_("Every instalment needs an amount above zero."), "instalments")
    total = sum(amounts, Decimal("0"))
    if total != contract.price:
        difference = contract.price - total
        message = (_("The instalments add up to %(total)s: %(gap)s short of the contract "
                     "amount %(price)s.", total=money(total), gap=money(difference),
                     price=money(contract.price)) if difference > 0 else
                   _("The instalments add up to %(total)s: %(gap)s more than the contract "
                     "amount %(price)s.", total=money(total), gap=money(-difference),
                     price=money(contract.price)))
        raise DomainError(message, "instalments")
    for old in db.session.scalars(select(Instalment).where(
            Instalment.contract_id == contract.id)):
        db.session.delete(old)
    db.session.flush()
    instalments = [Instalment(contract_id=contract.id, customer_id=contract.customer_id,
                              owner_id=contract.owner_id, due_on=due_on, amount=amount,
                              paid=Decimal("0"), outstanding=amount)
                   for (due_on, _amount), amount in sorted(zip(rows, amounts, strict=True))]
    db.session.add_all(instalments)
    db.session.flush()
    return instalments


def _locked(instalment_id: int) -> Instalment:
    """The instalment as stored now, locked until the commit (PostgreSQL; SQLite's writer
    lock does the same), so two payments at once never lose one."""
    return db.session.scalar(select(Instalment).where(Instalment.id == instalment_id)
                             .with_for_update().execution_options(populate_existing=True))


def record_payment(instalment: Instalment, *, received_on: date, amount: Decimal, method: str,
                   reference: str, reason: str, user: User) -> Payment:
    """Money received against an instalment (several, partial); a refund is negative and says
    why. The instalment's paid and outstanding are kept in step with its payments."""
    amount = amount.quantize(CENT)
    if amount == 0:
        raise DomainError(_("Enter an amount other than zero."), "amount")
    if amount < 0 and not reason.strip():
        raise DomainError(_("A refund needs a reason."), "reason")
    instalment = _locked(instalment.id)
    if amount > instalment.outstanding:
        raise DomainError(_("Only %(left)s is outstanding on this instalment.",
                            left=money(instalment.outstanding)), "amount")
    if -amount > instalment.paid:
        raise DomainError(_("Only %(paid)s was paid on this instalment: a refund cannot be "
                            "larger.", paid=money(instalment.paid)), "amount")
    payment = Payment(instalment_id=instalment.id, contract_id=instalment.contract_id,
                      received_on=received_on, amount=amount, method=method,
                      reference=reference.strip(), reason=reason.strip(),
                      recorded_by_id=user.id)
    db.session.add(payment)
    # Decimal arithmetic here, not in SQL: SQLite would add the amounts as floating point.
    instalment.paid = instalment.paid + amount
    instalment.outstanding = instalment.amount - instalment.paid
    db.session.flush()
    collection.stop_if_paid(instalment)
    return payment


def outstanding_of(contract_id: int) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(Instalment.outstanding), 0)).where(
        Instalment.contract_id == contract_id)) or Decimal("0")
