"""/service/archives: the list, the archive page and its edit (R-30)."""

from datetime import datetime

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.base import utcnow
from crm.care import archives
from crm.care.access import CARE_HANDLERS, CARE_READERS, may_handle
from crm.care.forms import ArchiveForm
from crm.care.models import ServiceArchive
from crm.contracts.models import Contract
from crm.customers.models import Customer
from crm.customers.views import customer_search
from crm.deadlines import services as deadlines
from crm.deadlines.countdown import deadline_countdown
from crm.deadlines.models import Deadline
from crm.extensions import db
from crm.sales.choices import customer_link
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.pagination import CHECKED_COUNT_CAP
from crm.web.render import render

bp = Blueprint("archives", __name__)


def _archive_state(value: str):
    if value == "open":
        return ServiceArchive.completed_at.is_(None)
    return ServiceArchive.completed_at.is_not(None) if value == "done" else None


def _archive_overdue(value: str):
    """Incomplete archives whose clock has run out (a complete one's clock is stopped: saying
    so lets the list walk the index of an agent's incomplete archives)."""
    if value != "1":
        return None
    return ServiceArchive.completed_at.is_(None) & deadlines.late(
        archives.SUBJECT, ServiceArchive.id, utcnow())


def mine_filter(column):
    return lambda value: column == current_user.id if value == "me" else None


def search_customer_of(model):
    return lambda term: model.customer_id.in_(select(Customer.id).where(customer_search(term)))


ARCHIVES = ListSpec(
    name="archive",
    query=lambda: visible(ServiceArchive).options(
        joinedload(ServiceArchive.customer).load_only(Customer.name),
        joinedload(ServiceArchive.contract).load_only(Contract.number),
        joinedload(ServiceArchive.agent)),
    id_column=ServiceArchive.id,
    columns=(
        Column("created", _l("Opened"), sort=(ServiceArchive.created_at, True)),
        Column("customer", _l("Customer")),
        Column("contract", _l("Contract")),
        Column("agent", _l("Responsible agent"), sort=(ServiceArchive.agent_id, False)),
        Column("state", _l("State")),
    ),
    default_sort="created",
    filters=(
        Filter("state", _l("State"), lambda: [("open", _("Incomplete")),
                                               ("done", _("Complete"))],
               _archive_state, _l("Complete or not")),
        Filter("agent", _l("Agent"), lambda: [("me", _("Mine"))],
               mine_filter(ServiceArchive.agent_id), _l("Everyone's")),
        Filter("overdue", _l("Clock"), lambda: [("1", _("Overdue"))], _archive_overdue,
               _l("Overdue or not")),
    ),
    links=(customer_link(ServiceArchive),),
    search=search_customer_of(ServiceArchive),
    search_hint=_l("Customer: name, pinyin, initials or phone"),
    count_text=_l("%(n)s service archives"),
    count_cap=CHECKED_COUNT_CAP,
)


def _due_of(subject: str, ids: list[int]) -> dict[int, datetime]:
    """The open clocks of the rows shown: one query, whatever the page."""
    if not ids:
        return {}
    return dict(db.session.execute(select(Deadline.subject_id, Deadline.due_at).where(
        Deadline.subject_type == subject, Deadline.subject_id.in_(ids),
        Deadline.done_at.is_(None))).all())


@bp.get("/service/archives")
@roles_required(*CARE_READERS)
def index():
    listing = ARCHIVES.run()
    return render_list("care/archives.html", listing, now=utcnow(),
                       due=_due_of(archives.SUBJECT, [a.id for a in listing.rows]))


def clocks_of(subject: str, record_id: int) -> list:
    found = db.session.scalars(select(Deadline).where(
        Deadline.subject_type == subject, Deadline.subject_id == record_id)
        .order_by(Deadline.id))
    return [(d, deadline_countdown(d)) for d in found]


@bp.get("/service/archives/<int:archive_id>")
@roles_required(*CARE_READERS)
def show(archive_id: int):
    archive = get_visible_or_404(ServiceArchive, archive_id)
    return render("care/archive.html", archive=archive,
                  clocks=clocks_of(archives.SUBJECT, archive.id),
                  can_edit=may_handle(current_user, archive))


def handled_or_403(model, record_id: int):
    record = get_visible_or_404(model, record_id)
    if not may_handle(current_user, record):
        abort(403)
    return record


@bp.route("/service/archives/<int:archive_id>/edit", methods=["GET", "POST"])
@roles_required(*CARE_HANDLERS)
def edit(archive_id: int):
    archive = handled_or_403(ServiceArchive, archive_id)
    form = ArchiveForm(obj=archive)
    fields = ["contacts", "products", "service_needs"]
    result = submit_edit(form, archive, fields, lambda: archives.save_archive(
        archive, {k: form[k].data for k in fields}, complete=form.complete.data,
        by=current_user))
    if result.done:
        done = archive.completed_at is not None
        return saved_redirect(_("Service archive complete.") if done else _("Changes saved."),
                              url_for("archives.show", archive_id=archive.id))
    return result.render("care/archive_form.html", form=form, archive=archive)
