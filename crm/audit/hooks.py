"""One SQLAlchemy hook writes the audit trail for every Audited model (R-04)."""

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import Integer, Text, cast, event, exists, inspect, literal, null, select, union_all
from sqlalchemy.orm import Session

from crm.base import Audited, UTCDateTime, utcnow
from crm.extensions import db

MASK = "******"
# Who acts outside a request (jobs, CLI); None means "the system".
acting_user_id: ContextVar[int | None] = ContextVar("acting_user_id", default=None)


def current_actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return acting_user_id.get()


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _field_row(model, name: str, old, new) -> dict:
    masked = name in model.__audit_mask__
    return {
        "field": name,
        "old": MASK if masked and old is not None else _text(old),
        "new": MASK if masked and new is not None else _text(new),
    }


def _field_rows(obj, action: str) -> list[dict]:
    mapper = inspect(obj).mapper
    rows = []
    for attr in mapper.column_attrs:
        name = attr.key
        if name in obj.__audit_exclude__ or name == "id":
            continue
        hist = inspect(obj).attrs[name].history
        if action == "update" and not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else (hist.unchanged[0] if hist.unchanged else None)
        if action == "delete":
            old, new = (hist.unchanged or hist.deleted or [None])[0], None
        if action == "insert" and new is None:
            continue
        rows.append(_field_row(obj, name, old, new))
    return rows


def _entries_for(obj, action: str) -> list[dict]:
    if parent := getattr(type(obj), "__audit_parent__", None):
        model, fk, field = parent
        value = getattr(obj, field)
        return [
            {
                "model": model,
                "record_id": getattr(obj, fk),
                "action": "update",
                "field": field,
                "old": value if action == "delete" else None,
                "new": value if action == "insert" else None,
            }
        ]
    if not isinstance(obj, Audited):
        return []
    base = {"model": obj.__tablename__, "record_id": obj.id, "action": action}
    rows = _field_rows(obj, action)
    if action != "update" and not rows:
        rows = [{"field": None, "old": None, "new": None}]
    return [base | row for row in rows]


def _collect(session: Session) -> list[dict]:
    entries = []
    for action, objs in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            entries.extend(_entries_for(obj, action))
    return entries


def write_audit_trail(session: Session, _flush_context) -> None:
    from crm.audit.models import AuditEntry

    entries = _collect(session)
    if not entries:
        return
    actor, now = current_actor_id(), utcnow()
    for entry in entries:
        entry.update(user_id=actor, at=now)
    session.connection().execute(AuditEntry.__table__.insert(), entries)


def audit_created(model: type[Audited], record_id: int, values: dict) -> None:
    """The audit rows of a row a core INSERT wrote (the hook sees only ORM objects), the
    same as for an added object. Pass the id the insert returned: an INSERT ... ON CONFLICT
    DO NOTHING that skipped its row returns none, so a repeat is not audited."""
    from crm.audit.models import AuditEntry

    rows = [_field_row(model, name, None, value) for name, value in values.items()
            if value is not None and name != "id" and name not in model.__audit_exclude__]
    base = {"model": model.__tablename__, "record_id": record_id, "action": "insert",
            "user_id": current_actor_id(), "at": utcnow()}
    rows = rows or [{"field": None, "old": None, "new": None}]
    db.session.execute(AuditEntry.__table__.insert(), [base | row for row in rows])


def audit_created_rows(model: type[Audited], where, fields: tuple[str, ...]) -> None:
    """audit_created for the rows of `model` matching `where` that a set-based INSERT ...
    SELECT wrote: one INSERT ... SELECT, a row per field and record. Records whose creation
    is already audited are skipped, so a repeated run adds nothing."""
    from crm.audit.models import AuditEntry

    table = model.__table__
    audited = exists().where(AuditEntry.model == table.name, AuditEntry.record_id == table.c.id,
                             AuditEntry.action == "insert")
    actor, now = literal(current_actor_id(), Integer), literal(utcnow(), UTCDateTime)
    rows = union_all(*(
        select(literal(table.name), table.c.id, literal("insert"), literal(name), null(),
               cast(table.c[name], Text), actor, now).where(where, ~audited)
        for name in fields))
    columns = ["model", "record_id", "action", "field", "old", "new", "user_id", "at"]
    db.session.execute(AuditEntry.__table__.insert().from_select(columns, rows))


def install() -> None:
    if not event.contains(Session, "after_flush", write_audit_trail):
        event.listen(Session, "after_flush", write_audit_trail)
