"""Keyset pagination ("more" by the last row's sort key) and capped counts."""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, and_, func, literal_column, or_, select

from crm.extensions import db
from crm.web.search import TRIGRAM

COUNT_CAP = 10_000
# A search counts fewer: its matches are found by reading rows until the cap (a trigram index
# answers only terms of three characters or more), and "1,000+" says enough (issue 13).
SEARCH_COUNT_CAP = 1_000
# So does a list whose scope or filters check each row through another table (the service
# desk's lists: whose customer it is, whether its clock has run out): "1,000+" (issue 15).
CHECKED_COUNT_CAP = 1_000


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    total: int
    total_capped: bool


def _encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    plain = [str(v) if isinstance(v, Decimal) else v for v in plain]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode()


def _decode(cursor: str, columns) -> list | None:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        kinds = [col.type.python_type for col in columns]
        out = []
        for value, kind in zip(raw, kinds, strict=True):
            if value is not None and kind in (datetime, date):
                value = kind.fromisoformat(value)
            elif value is not None:
                value = kind(value)
            out.append(value)
        return out
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def capped_count(stmt: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Counts at most cap+1 rows, so a big table is never scanned for a page's badge."""
    # one constant per row: the database may count from an index alone, without the table
    rows = stmt.with_only_columns(literal_column("1"), maintain_column_froms=True)
    limited = rows.order_by(None).limit(cap + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(limited))
    return min(n, cap), n > cap


def sorted_after_search(column, term: str):
    """The sort column for a list filtered by a search term. A term of three characters or
    more is looked up in the trigram index and its few matches sorted; but an index on the sort
    column tempts PostgreSQL to walk it instead, filtering row by row through a large part of
    the table. Sorting by an expression (`column || ''`) that no index provides rules that out.
    Shorter terms keep the walk: they match many rows and the first page comes quickly."""
    if len(term.strip()) < TRIGRAM:
        return column
    return column.concat("").label(column.key)  # the key names the row's value for the cursor


def keyset_page(stmt: Select, sort_col, id_col, cursor: str | None, *, descending: bool = True,
                limit: int = 50, count: bool = True, count_cap: int = COUNT_CAP) -> Page:
    """Rows after `cursor` ordered by (sort_col, id_col); the sort column must be NOT NULL."""
    columns = [sort_col, id_col] if sort_col is not id_col else [id_col]
    total, capped = capped_count(stmt, count_cap) if count else (0, False)
    if cursor and (after := _decode(cursor, columns)) is not None:
        stmt = stmt.where(_after(columns, after, descending))
    order = [c.desc() if descending else c.asc() for c in columns]
    rows = list(db.session.execute(stmt.order_by(*order).limit(limit + 1)).unique().scalars())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode([getattr(last, c.key) for c in columns])
    return Page(rows, next_cursor, total, capped)


def _after(columns, values, descending):
    if len(columns) == 1:
        return columns[0] < values[0] if descending else columns[0] > values[0]
    (sort, ident), (sval, ival) = columns, values
    if descending:
        return or_(sort < sval, and_(sort == sval, ident < ival))
    return or_(sort > sval, and_(sort == sval, ident > ival))
