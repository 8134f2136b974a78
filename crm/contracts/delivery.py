"""Delivery follow-up of a contract in production (R-16, seed: 每周与生产部确认排期，
异常情况24小时内反馈客户并提出补救方案): a weekly schedule-confirmation clock for
the owner while the contract is in delivery; an exception starts a 24-hour clock to report
it to the customer with a remedy plan; recording the delivery date closes both
(services.change_status). No commits here."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.auth.models import User
from crm.base import utcnow
from crm.contracts.models import Contract, DeliveryRecord
from crm.deadlines import services as deadlines
from crm.deadlines.kinds import register_kind
from crm.errors import DomainError
from crm.extensions import db

SUBJECT = "contract"
CONFIRM_KIND, REPORT_KIND = "delivery_confirmation", "delivery_exception"
WEEK = timedelta(days=7)


def register_kinds() -> None:
    register_kind(CONFIRM_KIND, _l("Weekly delivery schedule confirmation"),
                  minutes=7 * 24 * 60)
    register_kind(REPORT_KIND, _l("Report a delivery exception to the customer"),
                  minutes=24 * 60)


def start_production(contract: Contract, at: datetime | None = None) -> None:
    deadlines.start_clock(CONFIRM_KIND, SUBJECT, contract.id, contract.owner_id, at)


def end_production(contract: Contract, at: datetime | None = None) -> None:
    for kind in (CONFIRM_KIND, REPORT_KIND):
        deadlines.complete(kind, SUBJECT, contract.id, at)


def record(contract: Contract, kind: str, *, note: str, remedy: str, user: User,
           at: datetime | None = None) -> DeliveryRecord:
    """A confirmation restarts the weekly clock; an exception starts the 24-hour one; the
    report (with its remedy plan) stops it."""
    at = at or utcnow()
    if contract.status != "in_delivery":
        raise DomainError(_("Only a contract in delivery is followed up."), "kind")
    if not note.strip():
        raise DomainError(_("Describe what happened."), "note")
    if kind == "report" and not remedy.strip():
        raise DomainError(_("A report to the customer carries the remedy plan."), "remedy")
    row = DeliveryRecord(contract_id=contract.id, kind=kind, note=note.strip(),
                         remedy=remedy.strip(), recorded_by_id=user.id, recorded_at=at)
    db.session.add(row)
    if kind == "confirmation":
        deadlines.complete(CONFIRM_KIND, SUBJECT, contract.id, at)
        deadlines.start_clock(CONFIRM_KIND, SUBJECT, contract.id, contract.owner_id, at)
    elif kind == "exception":
        deadlines.cancel(REPORT_KIND, SUBJECT, contract.id)
        deadlines.start_clock(REPORT_KIND, SUBJECT, contract.id, contract.owner_id, at)
    else:
        deadlines.complete(REPORT_KIND, SUBJECT, contract.id, at)
    db.session.flush()
    return row
