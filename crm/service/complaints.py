"""Use cases of complaints (R-33): record (首问负责制: the recorder owns it), respond, propose
the initial solution, mark complex and write the handling plan that a service manager approves,
wait for the customer (the clocks stand still), reassign (service manager, with a reason),
close with the customer's confirmation, reopen. Every step is a history row; every clock a
deadline row about ("complaint", id). Nothing here commits; `at` is injectable for tests."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload

from crm.audit.models import Approval
from crm.auth.models import User
from crm.auth.scopes import managers_of, manages, visible
from crm.base import utcnow
from crm.customers.services import TIMELINE_LIMIT, TimelineEvent, newest_before
from crm.deadlines import services as deadlines
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from crm.notifications.services import notify
from crm.service.models import (
    ACTIVE,
    APPROVED,
    CLOSED,
    CONFIRMATION_WAYS,
    NEW,
    REJECTED,
    SUBMITTED,
    WAITING,
    Complaint,
    ComplaintEvent,
)
from crm.storage import StoredFile

SUBJECT = "complaint"
RESPONSE, SOLUTION, PLAN = "complaint_response", "complaint_solution", "complaint_plan"
# The clocks' defaults (R-33), in working time; admins change them on the deadline kinds page.
# kind: (label, the setting that holds its duration, the minutes in one unit of the setting)
CLOCKS = {
    RESPONSE: (_l("Complaint: first response"), "complaint_response_minutes", 1),
    SOLUTION: (_l("Complaint: initial solution"), "complaint_solution_hours", 60),
    PLAN: (_l("Complaint: handling plan approved"), "complaint_plan_hours", 60),
}
EVENTS = {
    "recorded": _l("Recorded"), "responded": _l("Responded"), "solution": _l("Initial solution"),
    "complex": _l("Marked complex"), "plan": _l("Handling plan written"),
    "approved": _l("Plan approved"), "rejected": _l("Plan rejected"),
    "waiting": _l("Waiting for the customer"), "resumed": _l("Customer replied"),
    "reassigned": _l("Reassigned"), "closed": _l("Closed with the customer's confirmation"),
    "reopened": _l("Reopened"), "edited": _l("Details changed"),
}
PLAN_ACTION = "complaint_plan"  # the approvals row's action


def _event(complaint: Complaint, user: User | None, kind: str, note: str = "",
           at: datetime | None = None) -> None:
    db.session.add(ComplaintEvent(complaint_id=complaint.id, user_id=user.id if user else None,
                                  kind=kind, note=note.strip(), at=at or utcnow()))


def _required(text: str, message: str, field: str = "note") -> str:
    if not (text or "").strip():
        raise DomainError(message, field)
    return text.strip()


def open_complaint(customer_id: int, owner_id: int, summary: str, source: str, *,
                   details: str = "", call_id: int | None = None,
                   product_id: int | None = None, feedback: str = "", by: User | None = None,
                   at: datetime | None = None) -> Complaint:
    """A new complaint owned by `owner_id`, its response and solution clocks started. The
    survey half calls this for detractors (source "survey")."""
    at = at or utcnow()
    complaint = Complaint(
        customer_id=customer_id, owner_id=owner_id, source=source, state=NEW,
        summary=_required(summary, _l("Say what the customer complains about."), "summary"),
        details=(details or "").strip(), call_id=call_id, product_id=product_id,
        feedback=(feedback or "").strip(), created_at=at, updated_at=at)
    db.session.add(complaint)
    db.session.flush()
    for kind in (RESPONSE, SOLUTION):
        deadlines.start_clock(kind, SUBJECT, complaint.id, owner_id, at)
    _event(complaint, by, "recorded", summary, at)
    return complaint


def may_handle(user: User, complaint: Complaint) -> bool:
    """The owner, their managers, directors and admins."""
    return manages(user, complaint.owner_id)


def is_service_manager(user: User, complaint: Complaint) -> bool:
    """A manager heading the owner's team (the service manager): approves plans, reassigns."""
    return user.has_role("manager") and manages(user, complaint.owner_id)


def reassignable(user: User, of: str) -> Select | None:
    """The user picker's rule "complaint" (`of`: its id): a service manager hands a complaint
    to another active member of its owner's team."""
    complaint = of.isdigit() and db.session.scalar(
        visible(Complaint, user).where(Complaint.id == int(of)))
    if not complaint or not is_service_manager(user, complaint):
        return None
    return visible(User, user).where(User.active, User.id != complaint.owner_id,
                                     User.team_id == complaint.owner.team_id)


def _open(complaint: Complaint) -> None:
    if complaint.state == CLOSED:
        raise DomainError(_l("This complaint is closed: reopen it first."))


def _clocks(complaint: Complaint) -> list[Deadline]:
    return list(db.session.scalars(select(Deadline).where(
        Deadline.subject_type == SUBJECT, Deadline.subject_id == complaint.id,
        Deadline.done_at.is_(None)).order_by(Deadline.id)))


def respond(complaint: Complaint, by: User, note: str, at: datetime | None = None) -> None:
    _open(complaint)
    if complaint.state != NEW:
        raise DomainError(_l("The customer has had a response already."))
    note = _required(note, _l("Write what you told the customer."))
    complaint.state = ACTIVE
    deadlines.complete(RESPONSE, SUBJECT, complaint.id, at)
    _event(complaint, by, "responded", note, at)


def propose_solution(complaint: Complaint, by: User, note: str,
                     at: datetime | None = None) -> None:
    _open(complaint)
    complaint.solution = _required(note, _l("Describe the solution."))
    if complaint.state == NEW:
        raise DomainError(_l("Respond to the customer first."))
    deadlines.complete(SOLUTION, SUBJECT, complaint.id, at)
    _event(complaint, by, "solution", note, at)


def mark_complex(complaint: Complaint, by: User, note: str = "",
                 at: datetime | None = None) -> None:
    """A complex complaint needs a written handling plan, approved within the plan clock."""
    _open(complaint)
    if complaint.complex:
        raise DomainError(_l("This complaint is marked complex already."))
    complaint.complex = True
    deadlines.start_clock(PLAN, SUBJECT, complaint.id, complaint.owner_id, at or utcnow())
    _event(complaint, by, "complex", note, at)


def submit_plan(complaint: Complaint, by: User, plan: str, at: datetime | None = None) -> None:
    """The plan goes to the service manager; a rejected one is rewritten (its clock runs on)."""
    _open(complaint)
    if not complaint.complex:
        raise DomainError(_l("Only a complex complaint needs a handling plan."))
    if complaint.plan_state == APPROVED:
        raise DomainError(_l("The plan is approved already."))
    complaint.plan = _required(plan, _l("Write the handling plan."), "plan")
    complaint.plan_state = SUBMITTED
    _event(complaint, by, "plan", plan, at)
    _tell_the_service_managers(complaint, by)


def _tell_the_service_managers(complaint: Complaint, by: User) -> None:
    """The plan waits for their approval: it is in their notifications, in their language."""
    for manager in db.session.scalars(select(User).where(
            User.id.in_(managers_of(complaint.owner)))):
        with force_locale(manager.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            text = _("%(name)s sent a complaint's handling plan for your approval: "
                     "%(summary)s", name=by.name, summary=complaint.summary)
        notify(manager.id, text, SUBJECT, complaint.id)


def decide_plan(complaint: Complaint, by: User, decision: str, comment: str,
                at: datetime | None = None) -> Approval:
    """The service manager's decision, recorded as an approval row (who, when, decision,
    comment); an approval meets the plan clock, a rejection sends the plan back."""
    _open(complaint)
    if not is_service_manager(by, complaint):
        raise DomainError(_l("Only the service manager decides on a handling plan."))
    if complaint.plan_state != SUBMITTED:
        raise DomainError(_l("There is no plan awaiting a decision."))
    if decision not in (APPROVED, REJECTED):
        raise DomainError(_l("Approve or reject the plan."), "decision")
    if decision == REJECTED:
        _required(comment, _l("Say what the plan lacks."), "comment")
    at = at or utcnow()
    approval = Approval(user_id=by.id, subject_type=SUBJECT, subject_id=complaint.id,
                        action=PLAN_ACTION, decision=decision, note=(comment or "").strip(),
                        at=at)
    db.session.add(approval)
    complaint.plan_state = decision
    if decision == APPROVED:
        deadlines.complete(PLAN, SUBJECT, complaint.id, at)
    _event(complaint, by, decision, comment, at)
    return approval


def wait_for_customer(complaint: Complaint, by: User, note: str,
                      at: datetime | None = None) -> None:
    """Waiting on the customer: every running clock of the complaint stands still."""
    _open(complaint)
    if complaint.state == WAITING:
        raise DomainError(_l("Already waiting for the customer."))
    note = _required(note, _l("Say what the customer is to send or decide."))
    complaint.state = WAITING
    for clock in _clocks(complaint):
        if clock.paused_at is None:
            deadlines.pause(clock, by.id, note, at)
    _event(complaint, by, "waiting", note, at)


def customer_replied(complaint: Complaint, by: User, note: str = "",
                     at: datetime | None = None) -> None:
    if complaint.state != WAITING:
        raise DomainError(_l("The complaint is not waiting for the customer."))
    for clock in _clocks(complaint):
        if clock.paused_at is not None:
            deadlines.resume(clock, by.id, at)
    responded = db.session.scalar(select(ComplaintEvent.id).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == "responded"))
    complaint.state = ACTIVE if responded else NEW
    _event(complaint, by, "resumed", note, at)


def reassign(complaint: Complaint, by: User, owner_id: int, reason: str,
             at: datetime | None = None) -> None:
    """Only the service manager hands a complaint on, with a reason; its clocks follow."""
    _open(complaint)
    if not is_service_manager(by, complaint) or not manages(by, owner_id):
        raise DomainError(_l("Only the service manager reassigns a complaint, within the team."),
                          "owner_id")
    reason = _required(reason, _l("Say why the complaint changes hands."))
    if owner_id == complaint.owner_id:
        raise DomainError(_l("Choose someone else."), "owner_id")
    old = db.session.get(User, complaint.owner_id)
    new = db.session.get(User, owner_id)
    complaint.owner_id = owner_id
    db.session.execute(update(Deadline).where(
        Deadline.subject_type == SUBJECT, Deadline.subject_id == complaint.id,
        Deadline.done_at.is_(None)).values(owner_id=owner_id))
    _event(complaint, by, "reassigned", f"{old.name} → {new.name}: {reason}", at)


@dataclass
class Confirmation:
    confirmed_by: str
    confirmed_via: str
    confirmed_at: datetime | None
    signed_form: StoredFile | None = None


def close(complaint: Complaint, by: User, confirmation: Confirmation,
          at: datetime | None = None) -> None:
    """Closed only with the customer's confirmation (who, how, when); archived read-only."""
    _open(complaint)
    if complaint.state == NEW:
        raise DomainError(_l("Respond to the customer first."))
    who = _required(confirmation.confirmed_by, _l("Say who confirmed for the customer."),
                    "confirmed_by")
    if confirmation.confirmed_via not in CONFIRMATION_WAYS:
        raise DomainError(_l("Say how the customer confirmed."), "confirmed_via")
    if confirmation.confirmed_at is None:
        raise DomainError(_l("Say when the customer confirmed."), "confirmed_at")
    at = at or utcnow()
    complaint.state, complaint.closed_at = CLOSED, at
    complaint.confirmed_by, complaint.confirmed_via = who, confirmation.confirmed_via
    complaint.confirmed_at = confirmation.confirmed_at
    if confirmation.signed_form is not None:
        stored = confirmation.signed_form
        complaint.form_key, complaint.form_name = stored.key, stored.original_name
        complaint.form_type = stored.content_type
    for kind in CLOCKS:
        deadlines.complete(kind, SUBJECT, complaint.id, at)
    _event(complaint, by, "closed", who, at)


def reopen(complaint: Complaint, by: User, reason: str, at: datetime | None = None) -> None:
    """A closed complaint back in hand, with a reason; the solution clock starts again."""
    if complaint.state != CLOSED:
        raise DomainError(_l("Only a closed complaint is reopened."))
    reason = _required(reason, _l("Say why the complaint is reopened."))
    at = at or utcnow()
    complaint.state, complaint.closed_at = ACTIVE, None
    deadlines.start_clock(SOLUTION, SUBJECT, complaint.id, complaint.owner_id, at)
    _event(complaint, by, "reopened", reason, at)


def edit(complaint: Complaint, by: User, values: dict) -> None:
    _open(complaint)
    complaint.summary = _required(values.get("summary", ""),
                                  _l("Say what the customer complains about."), "summary")
    for key in ("details", "feedback"):
        setattr(complaint, key, (values.get(key) or "").strip())
    complaint.product_id = values.get("product_id")
    _event(complaint, by, "edited")


def timeline_events(customer_id: int, before: datetime | None = None,
                    limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    """The customer's complaints for its timeline, newest first (ix_complaints_customer)."""
    stmt = newest_before(
        select(Complaint).options(joinedload(Complaint.owner))
            .where(Complaint.customer_id == customer_id),
        Complaint.created_at, Complaint.id, before, limit)
    return [TimelineEvent(c.created_at, "complaint",
                          _("Complaint: %(summary)s", summary=c.summary), c.owner.name,
                          url_for("complaints.show", complaint_id=c.id), c.id)
            for c in db.session.scalars(stmt)]


def count_by_dealer(dealer_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """Complaints received in [start, end) about the customers each dealer sold (the channel
    scorecard's complaint rate, R-62)."""
    from crm.customers.models import Customer

    stmt = (select(Customer.dealer_id, func.count(Complaint.id))
            .join(Customer, Customer.id == Complaint.customer_id)
            .where(Customer.dealer_id.in_(dealer_ids), Complaint.created_at >= start,
                   Complaint.created_at < end)
            .group_by(Customer.dealer_id))
    return dict(db.session.execute(stmt).all())
