"""Audit values as people read them (R-04): names instead of ids, labels instead of codes,
local times instead of UTC ISO strings. Everything is derived from the models' columns (a
foreign key names its row, a Boolean says yes or no, a time is shown in the user's zone) and
their `__field_choices__`; the names a page needs are loaded in one query per table."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, Numeric, select

from crm.audit.hooks import MASK
from crm.base import UTCDateTime
from crm.extensions import db
from crm.web.formatting import moment, money

NAME_COLUMNS = ("name", "title", "company_name", "what", "key")


@cache
def model_for(table: str):
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def model_label(table: str) -> str:
    """The readable name of a table's model (its `__label__`), else the table name."""
    return str(getattr(model_for(table), "__label__", table))


def field_label(table: str, field: str | None) -> str:
    labels = getattr(model_for(table), "__field_labels__", {})
    return str(labels.get(field, field or ""))


def _extra_choices() -> dict[tuple[str, str], dict]:
    """Codes of models that cannot import their labels (the auth forms import the models)."""
    from crm.auth.forms import LEVEL_LABELS, ROLE_LABELS

    return {("users", "role"): ROLE_LABELS, ("teams", "level"): LEVEL_LABELS}


def choices_for(table: str, field: str) -> dict | None:
    model = model_for(table)
    found = getattr(model, "__field_choices__", {}).get(field)
    return found or _extra_choices().get((table, field))


def _column(table: str, field: str | None):
    model = model_for(table)
    if model is None or field is None:
        return None
    return model.__table__.columns.get(field)


def _target_table(table: str, field: str | None) -> str | None:
    """The table a foreign key column points at."""
    column = _column(table, field)
    if column is None or not column.foreign_keys:
        return None
    return next(iter(column.foreign_keys)).column.table.name


def _name_column(model):
    columns = model.__table__.columns
    return next((columns[c] for c in NAME_COLUMNS if c in columns), None)


def record_names(table: str, ids: set[int]) -> dict[int, str]:
    """{id: readable name} of rows of `table` (labelled reference rows in the user's language)."""
    model = model_for(table)
    if model is None or not ids:
        return {}
    if hasattr(model, "label"):  # funnel stages, lost reasons: a handful of rows
        return {row.id: row.label for row in db.session.scalars(select(model))}
    column = _name_column(model)
    if column is None:
        return {}
    labels = getattr(model, "__name_labels__", {})  # codes as names: say them in words
    rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
    return {row_id: str(labels.get(name, name)) for row_id, name in rows}


class AuditValues:
    """Reads the entries of one page: the names of their records and of the rows their values
    point at, a query per table."""

    def __init__(self, entries):
        wanted: dict[str, set[int]] = {}
        for e in entries:
            wanted.setdefault(e.model, set()).add(e.record_id)
            if target := _target_table(e.model, e.field):
                for raw in (e.old, e.new):
                    if raw and raw.isdigit():
                        wanted.setdefault(target, set()).add(int(raw))
        self.names = {table: record_names(table, ids) for table, ids in wanted.items()}

    def record(self, entry) -> str:
        """What the entry is about: 联系人 王芳, or 客户 #12 once it is gone."""
        name = self.names.get(entry.model, {}).get(entry.record_id)
        return f"{model_label(entry.model)} {name or f'#{entry.record_id}'}"

    def name_of(self, entry) -> str | None:
        return self.names.get(entry.model, {}).get(entry.record_id)

    def value(self, entry, raw: str | None) -> str:
        if raw is None or raw == "":
            return ""
        if raw == MASK or entry.field is None:
            return raw
        if target := _target_table(entry.model, entry.field):
            return self.names.get(target, {}).get(int(raw), f"#{raw}") if raw.isdigit() else raw
        if labels := choices_for(entry.model, entry.field):
            return str(labels.get(raw, raw))
        return _typed(_column(entry.model, entry.field), raw)


def _typed(column, raw: str) -> str:
    kind = column.type if column is not None else None
    if isinstance(kind, Boolean):
        return _("Yes") if raw in ("True", "1") else _("No")
    if isinstance(kind, UTCDateTime):
        return moment(_parse(raw, datetime)) or raw
    if isinstance(kind, Date):
        return raw[:10]
    if isinstance(kind, Numeric):
        return _number(raw, money_like=kind.scale == 2 and (kind.precision or 0) >= 14)
    return raw


def _parse(raw: str, kind):
    try:
        return kind.fromisoformat(raw)
    except ValueError:
        return None


def _number(raw: str, money_like: bool) -> str:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    return money(value) if money_like else f"{value.normalize():f}"
