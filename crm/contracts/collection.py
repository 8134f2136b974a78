"""The collection ladder of an overdue instalment (R-21): a letter 7 days after the due date,
a visit led by the sales director at 15 days, a legal review by legal at 30 days. Each step is
a deadline of crm/deadlines (its owner: the contract's owner; its ladder: the role the step
needs, alerted once when it falls due); paying in full stops the ladder, a promise to pay
pauses it until the promised date, and a broken promise starts it again with an alert.
No commits here: the daily job and the views commit."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from crm.auth.models import User, UserRole
from crm.base import utcnow
from crm.contracts.models import CollectionStep, Instalment, PaymentPromise
from crm.deadlines import services as deadlines
from crm.deadlines.kinds import Step, register_kind
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from crm.notifications.services import notify
from crm.web.formatting import money

SUBJECT = "instalment"
COMPANY_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Rung:
    step: str  # CollectionStep.step
    kind: str  # the deadline kind
    days: int  # after the instalment's due date
    role: str  # who is alerted besides the contract's owner
    label: object


LADDER = (
    Rung("letter", "collection_letter", 7, "finance", _l("Collection letter due")),
    Rung("visit", "collection_visit", 15, "director", _l("Collection visit due")),
    Rung("legal", "collection_legal", 30, "legal", _l("Legal review of a debt due")),
)
RUNGS = {rung.step: rung for rung in LADDER}


def register_kinds() -> None:
    for rung in LADDER:
        register_kind(rung.kind, rung.label, ladder=(Step(2, rung.role, 0),), pausable=True)


def due_moment(due_on: date, days: int) -> datetime:
    """The start of the day `days` after the due date, in the company's zone, as UTC."""
    return datetime.combine(due_on + timedelta(days=days), time(0),
                            COMPANY_ZONE).astimezone(UTC)


def start_ladders(today: date) -> int:
    """Every instalment overdue on `today` and still open gets its three clocks, once (the
    daily job; safe twice: an instalment with a ladder is skipped)."""
    has_ladder = select(Deadline.id).where(
        Deadline.kind == LADDER[0].kind, Deadline.subject_type == SUBJECT,
        Deadline.subject_id == Instalment.id).exists()
    overdue = db.session.execute(select(Instalment.id, Instalment.due_on, Instalment.owner_id)
                                 .where(Instalment.outstanding > 0, Instalment.due_on < today,
                                        ~has_ladder)).all()
    now = utcnow()
    rows = [{"kind": rung.kind, "subject_type": SUBJECT, "subject_id": instalment_id,
             "owner_id": owner_id, "due_at": due_moment(due_on, rung.days), "created_at": now}
            for instalment_id, due_on, owner_id in overdue for rung in LADDER]
    if rows:
        db.session.execute(insert(Deadline), rows)
    return len(overdue)


def _open_clocks(instalment_id: int) -> list[Deadline]:
    return list(db.session.scalars(select(Deadline).where(
        Deadline.subject_type == SUBJECT, Deadline.subject_id == instalment_id,
        Deadline.kind.in_([rung.kind for rung in LADDER]), Deadline.done_at.is_(None))))


def stop_if_paid(instalment: Instalment) -> None:
    """Paid in full: the ladder stops and an open promise is kept."""
    if instalment.outstanding > 0:
        return
    for rung in LADDER:
        deadlines.complete(rung.kind, SUBJECT, instalment.id)
    for promise in _open_promises(instalment.id):
        promise.status = "kept"


def record_step(instalment: Instalment, step: str, *, done_on: date, user: User,
                channel: str = "", outcome: str = "", decision: str = "") -> CollectionStep:
    """The letter sent, the visit made or the legal review decided: its clock is done."""
    if step == "letter" and not channel:
        raise DomainError(_("Say how the letter was sent."), "channel")
    if step == "visit" and not outcome.strip():
        raise DomainError(_("Describe the outcome of the visit."), "outcome")
    if step == "legal" and not decision:
        raise DomainError(_("Record the decision on proceedings."), "decision")
    row = CollectionStep(instalment_id=instalment.id, contract_id=instalment.contract_id,
                         step=step, done_on=done_on, channel=channel if step == "letter" else "",
                         outcome=outcome.strip(), decision=decision if step == "legal" else "",
                         recorded_by_id=user.id)
    db.session.add(row)
    deadlines.complete(RUNGS[step].kind, SUBJECT, instalment.id)
    db.session.flush()
    return row


def _open_promises(instalment_id: int) -> list[PaymentPromise]:
    return list(db.session.scalars(select(PaymentPromise).where(
        PaymentPromise.instalment_id == instalment_id, PaymentPromise.status == "open")))


def record_promise(instalment: Instalment, *, promised_on: date, amount: Decimal,
                   promised_by: str, user: User, today: date,
                   at: datetime | None = None) -> PaymentPromise:
    """A promise to pay: the instalment's ladder stands still until the promised date."""
    if promised_on <= today:
        raise DomainError(_("A promise is for a later date."), "promised_on")
    if not Decimal("0") < amount <= instalment.outstanding:
        raise DomainError(_("Between ¥0.01 and the outstanding %(left)s.",
                            left=money(instalment.outstanding)), "amount")
    if _open_promises(instalment.id):
        raise DomainError(_("A promise for this instalment is still open."), "promised_on")
    promise = PaymentPromise(instalment_id=instalment.id, contract_id=instalment.contract_id,
                             promised_on=promised_on, amount=amount,
                             promised_by=promised_by.strip(), paid_before=instalment.paid,
                             status="open", recorded_by_id=user.id)
    db.session.add(promise)
    for clock in _open_clocks(instalment.id):
        if clock.paused_at is None:
            deadlines.pause(clock, user.id, _("Promise to pay by %(day)s",
                                              day=promised_on.isoformat()), at=at)
    db.session.flush()
    return promise


def _finance_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == "finance", User.active)))


def check_promises(today: date, now: datetime | None = None) -> dict[str, int]:
    """Promises whose date has passed: kept if the promised amount came in, else broken; the
    ladder runs again either way while anything is outstanding, and a broken promise tells the
    owner and finance."""
    counts = {"kept": 0, "broken": 0}
    due = db.session.scalars(select(PaymentPromise).where(
        PaymentPromise.status == "open", PaymentPromise.promised_on < today))
    for promise in due:
        instalment = db.session.get(Instalment, promise.instalment_id)
        kept = instalment.paid - promise.paid_before >= promise.amount
        promise.status = "kept" if kept else "broken"
        counts[promise.status] += 1
        for clock in _open_clocks(instalment.id):
            if clock.paused_at is not None:
                deadlines.resume(clock, None, at=now)
        if not kept:
            text = _("Promise to pay broken: %(who)s promised %(amount)s by %(day)s.",
                     who=promise.promised_by, amount=money(promise.amount),
                     day=promise.promised_on.isoformat())
            for user_id in {instalment.owner_id, *_finance_ids()}:
                notify(user_id, text, SUBJECT, instalment.id)
    db.session.flush()
    return counts


def run_daily(today: date, now: datetime | None = None) -> dict[str, int]:
    return {"started": start_ladders(today), **check_promises(today, now)}
