"""The scoring page's data (flow 3): one quarter's stored scores of every dealer in one query,
their last 8 quarters for the sparklines in a second; sorted and filtered in SQL; exported as
CSV or .xlsx. Nothing is computed per request (crm/channel/scoring.py stores the scores)."""

import csv
import io
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Float, String, cast, func, select, type_coerce

from crm.auth.scopes import visible_filter
from crm.channel.figures import Quarter
from crm.channel.models import Dealer, DealerScore
from crm.extensions import db

SPARK_QUARTERS = 8
SPARK_WIDTH, SPARK_HEIGHT = 80, 20
SPARK_STEP = SPARK_WIDTH / (SPARK_QUARTERS - 1)
EFFECTIVE = func.coalesce(DealerScore.adjusted_score, DealerScore.score)
SORTS = {
    "name": Dealer.search_key, "region": Dealer.region, "status": Dealer.status,
    "target": DealerScore.target, "revenue": DealerScore.revenue,
    "attainment": DealerScore.attainment, "new_customers": DealerScore.new_customers,
    "complaint_rate": DealerScore.complaint_rate, "score": EFFECTIVE,
    "rebate": DealerScore.rebate_percent, "streak": DealerScore.failing_streak,
}

def effective_score(row) -> Decimal:
    """A row of `score_rows`: its adjusted score, else the computed one."""
    return row.score if row.adjusted_score is None else row.adjusted_score


def state(row) -> str:
    """The warning state at a glance: terminated, warned, at risk (failed last), ok."""
    if row.status in ("terminated", "warned"):
        return row.status
    return "at_risk" if row.failing_streak else "ok"


_XS = [f"{i * SPARK_STEP:.0f}" for i in range(SPARK_QUARTERS)]


@lru_cache(maxsize=2_048)
def _spark_y(value: str) -> str:
    return f"{SPARK_HEIGHT - float(value) / 5:.1f}"


@lru_cache(maxsize=32_768)
def spark_points(trend: str) -> str:
    """The sparkline's polyline points of a stored trend (scoring.trend_text): x by quarter,
    y from 100 (top) to 0 (bottom). Cached, as is each score's y."""
    return " ".join(f"{x},{_spark_y(v)}" for x, v in zip(_XS, trend.split(","), strict=False)
                    if v)


def stored_quarters() -> list[Quarter]:
    """The quarters scored, newest first: walked down `ix_dealer_scores_quarter` one quarter
    at a time (a dozen index probes), not a DISTINCT over every dealer's every quarter."""
    column = DealerScore.quarter
    found = select(func.max(column).label("quarter")).cte("scored", recursive=True)
    newer = found.alias("newer")
    found = found.union_all(select(select(func.max(column)).where(
        column < newer.c.quarter).scalar_subquery()).where(newer.c.quarter.is_not(None)))
    keys = db.session.scalars(select(found.c.quarter).where(found.c.quarter.is_not(None))
                              .order_by(found.c.quarter.desc()))
    return [Quarter.from_key(key) for key in keys]


def _figures(floats: bool) -> list:
    """The numeric columns; as floats for the page: 3k rows × 7 Decimals cost tens of
    milliseconds to convert and to hash (score_table caches rows by their values)."""
    columns = (DealerScore.target, DealerScore.revenue, DealerScore.attainment,
               DealerScore.complaint_rate, DealerScore.score, DealerScore.adjusted_score,
               DealerScore.rebate_percent)
    return [type_coerce(c, Float).label(c.key) if floats else c for c in columns]


def _row_columns(floats: bool) -> list:
    return [DealerScore.id, DealerScore.dealer_id, Dealer.name, Dealer.region, Dealer.status,
            *_figures(floats), DealerScore.new_customers, DealerScore.complaints,
            DealerScore.adjustment_reason, DealerScore.passed, DealerScore.failing_streak,
            DealerScore.trend]


def _query(quarter: Quarter, region: str = "", status: str = "", floats: bool = False,
           columns: list | None = None):
    stmt = (select(*(columns or _row_columns(floats)))
            .join(Dealer, Dealer.id == DealerScore.dealer_id)
            .where(DealerScore.quarter == quarter.key, visible_filter(Dealer)))
    if region:
        stmt = stmt.where(Dealer.region == region)
    if status:
        stmt = stmt.where(Dealer.status == status)
    return stmt


def score_rows(quarter: Quarter, *, region: str = "", status: str = "", sort: str = "score",
               descending: bool = True, floats: bool = False) -> list:
    """The quarter's rows, filtered and sorted; `floats` for the page, Decimals to export."""
    column = SORTS.get(sort, EFFECTIVE)
    order = column.desc() if descending else column.asc()
    stmt = _query(quarter, region, status, floats).order_by(order, DealerScore.dealer_id)
    return db.session.connection().execute(stmt).all()  # plain rows: no ORM objects


VERSIONS = (DealerScore.version.label("score_version"), Dealer.version.label("dealer_version"),
            cast(Dealer.updated_at, String).label("dealer_changed"))  # text: hashed in C


def row_versions(quarter: Quarter, *, region: str = "", status: str = "", sort: str = "score",
                 descending: bool = True) -> list:
    """The quarter's rows, filtered and sorted, as (score id, its version, its dealer's
    version and last change): what the page's rows look like is known from these (both rows
    are written through the ORM, which bumps `version` on every change; the dealer's time
    tells a database rebuilt from scratch apart), so only the rows not rendered yet need
    their figures (`rows_by_id`)."""
    column = SORTS.get(sort, EFFECTIVE)
    order = column.desc() if descending else column.asc()
    stmt = _query(quarter, region, status, columns=[DealerScore.id, *VERSIONS]
                  ).order_by(order, DealerScore.dealer_id)
    return db.session.connection().execute(stmt).all()


ID_LIST_LIMIT = 200  # more rows to fetch than this: the page's whole filter, not a list of ids


def rows_by_id(quarter: Quarter, ids: list[int], *, region: str = "", status: str = "") -> list:
    """The page's rows (floats) of these scores of the quarter, with their versions; when
    most are missing (a cold cache), every row the filters keep, without a long id list."""
    stmt = _query(quarter, region, status, columns=[*_row_columns(True), *VERSIONS])
    if len(ids) <= ID_LIST_LIMIT:
        stmt = stmt.where(DealerScore.id.in_(ids))
    return db.session.connection().execute(stmt).all()


def one_row(score: DealerScore):
    """One dealer's row (after an inline adjustment)."""
    quarter = Quarter.from_key(score.quarter)
    return db.session.connection().execute(_query(quarter).where(DealerScore.id == score.id)
                                           ).one()


EXPORT_HEADER = ("dealer", "region", "status", "target", "revenue", "attainment_percent",
                 "new_customers", "complaints", "complaint_rate_percent", "score",
                 "adjusted_score", "adjustment_reason", "passed", "failing_quarters",
                 "rebate_percent")


def export_rows(rows: list, labels: dict) -> list[tuple]:
    return [(r.name, str(labels["regions"][r.region]), str(labels["statuses"][r.status]),
             r.target, r.revenue, r.attainment, r.new_customers, r.complaints,
             r.complaint_rate, r.score, r.adjusted_score, r.adjustment_reason or "",
             r.passed, r.failing_streak, r.rebate_percent) for r in rows]


def as_csv(header: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()  # the BOM: Excel opens the Chinese names right


def as_xlsx(header: list[str], rows: list[tuple], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
