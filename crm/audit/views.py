"""/audit: the trail, filtered by user, model, record and dates, newest first (R-04)."""

from datetime import datetime, time, timedelta
from functools import cache

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.display import AuditValues, field_label, model_label
from crm.audit.models import Approval, AuditEntry
from crm.auth.access import roles_required
from crm.auth.models import User
from crm.auth.picker import user_filter
from crm.auth.scopes import visible
from crm.base import Audited
from crm.extensions import db
from crm.web.i18n import user_zone
from crm.web.lists import Column, Filter, Link, ListSpec, render_list
from crm.web.pagination import keyset_page
from crm.web.render import render
from crm.web.search import matches

AUDIT_ROLES = ("director", "admin")
bp = Blueprint("audit", __name__, url_prefix="/audit")

ACTION_LABELS = {"insert": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
                 "lookup": _l("Duplicate check")}
DECISION_LABELS = {
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "recorded_after": _l("Recorded afterwards"),
}


@cache
def audited_tables() -> list[str]:
    """The filter's choices, from the models (a DISTINCT over the trail would scan it all)."""
    return sorted(
        mapper.class_.__tablename__
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Audited)
    )


@bp.context_processor
def labels() -> dict:
    return {"model_label": model_label, "field_label": field_label,
            "action_labels": {key: str(label) for key, label in ACTION_LABELS.items()},
            "decision_labels": DECISION_LABELS}


def _local_day(value: str, end: bool = False) -> datetime:
    """A YYYY-MM-DD in the user's zone as the UTC instant that starts (or ends) it; ValueError
    for anything else (the list ignores it)."""
    day = datetime.strptime(value, "%Y-%m-%d").date()
    start = datetime.combine(day, time.min, tzinfo=user_zone())
    return start + timedelta(days=1) if end else start


def audited_people(user: User, _of: str = ""):
    """The user picker's rule "audited": anyone, left or not, for who reads the trail."""
    return select(User) if user.has_role(*AUDIT_ROLES) else None


def _by_people(term: str):
    """Changes made by the users whose name, pinyin or username contains the term. The few
    users are looked up first: one person (the usual search) reads the trail newest first
    through its (user_id, id) index, with no sort."""
    ids = db.session.scalars(select(User.id).where(
        matches(term, User.search_key, User.username))).all()
    return AuditEntry.user_id == ids[0] if len(ids) == 1 else AuditEntry.user_id.in_(ids)


AUDIT = ListSpec(
    name="audit",
    query=lambda: visible(AuditEntry).options(joinedload(AuditEntry.user)),
    id_column=AuditEntry.id,
    columns=(
        Column("when", _l("When"), sort=(AuditEntry.id, True)),
        Column("who", _l("Who")),
        Column("record", _l("Record"), sort=(AuditEntry.model, False)),
        Column("action", _l("Action")),
        Column("field", _l("Field")),
        Column("old", _l("Old value")),
        Column("new", _l("New value")),
    ),
    default_sort="when",
    filters=(
        Filter.equals("model", _l("Record type"),
                      lambda: [(m, model_label(m)) for m in audited_tables()],
                      AuditEntry.model, _l("All record types")),
    ),
    links=(
        Link("record", lambda v: _("Record #%(id)s", id=v),
             lambda v: AuditEntry.record_id == int(v)),
        Link("since", lambda v: _("From %(day)s", day=v),
             lambda v: AuditEntry.at >= _local_day(v), field=True),
        Link("until", lambda v: _("To %(day)s", day=v),
             lambda v: AuditEntry.at < _local_day(v, end=True), field=True),
    ),
    picks=(user_filter("user", _l("User"), "audited", lambda v: AuditEntry.user_id == v),),
    search=_by_people,
    search_hint=_l("Who: name, pinyin or username"),
    count_text=_l("%(n)s changes"),
)


@bp.get("")
@roles_required(*AUDIT_ROLES)
def index():
    listing = AUDIT.run()
    return render_list("audit/index.html", listing, values=AuditValues(listing.rows))


@bp.get("/approvals")
@roles_required("director", "admin")
def approvals():
    stmt = select(Approval).options(joinedload(Approval.user))
    page = keyset_page(stmt, Approval.id, Approval.id, request.args.get("after"))
    return render("audit/approvals.html", page=page)
