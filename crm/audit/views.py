"""/audit: the trail, filtered by user, model, record and dates, newest first (R-04)."""

from datetime import datetime, time, timedelta
from functools import cache

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.display import AuditValues, field_label, model_label
from crm.audit.models import Approval, AuditEntry
from crm.auth.access import roles_required
from crm.auth.models import User
from crm.auth.scopes import visible
from crm.base import Audited
from crm.extensions import db
from crm.web.i18n import user_zone
from crm.web.pagination import keyset_page
from crm.web.render import render

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


def _local_day(value: str | None, end: bool = False):
    """A YYYY-MM-DD in the user's zone as the UTC instant that starts (or ends) it."""
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    start = datetime.combine(day, time.min, tzinfo=user_zone())
    return start + timedelta(days=1) if end else start


def _filters() -> dict:
    return {
        "user": request.args.get("user", type=int),
        "model": request.args.get("model", "").strip(),
        "record": request.args.get("record", type=int),
        "since": request.args.get("since", ""),
        "until": request.args.get("until", ""),
    }


def _query(f: dict):
    stmt = visible(AuditEntry).options(joinedload(AuditEntry.user))
    if f["user"]:
        stmt = stmt.where(AuditEntry.user_id == f["user"])
    if f["model"]:
        stmt = stmt.where(AuditEntry.model == f["model"])
    if f["record"]:
        stmt = stmt.where(AuditEntry.record_id == f["record"])
    if since := _local_day(f["since"]):
        stmt = stmt.where(AuditEntry.at >= since)
    if until := _local_day(f["until"], end=True):
        stmt = stmt.where(AuditEntry.at < until)
    return stmt


@bp.get("")
@roles_required("director", "admin")
def index():
    f = _filters()
    page = keyset_page(_query(f), AuditEntry.id, AuditEntry.id, request.args.get("after"))
    users = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    models = audited_tables()
    return render("audit/index.html", page=page, filters=f, users=users,
                  values=AuditValues(page.rows),
                  models=[(m, model_label(m)) for m in models])


@bp.get("/approvals")
@roles_required("director", "admin")
def approvals():
    stmt = select(Approval).options(joinedload(Approval.user))
    page = keyset_page(stmt, Approval.id, Approval.id, request.args.get("after"))
    return render("audit/approvals.html", page=page)
