"""The funnel's reference rows: stages and lost reasons (seeded by the migration and by
`seed_funnel`, which `flask crm seed-demo` calls; both are idempotent)."""

from flask import g, has_app_context
from sqlalchemy import select

from crm.extensions import db
from crm.sales.models import FunnelStage, LostReason

STAGES = (  # code, sequence, 中文, English, won, lost
    ("potential", 10, "潜在客户", "Potential", False, False),
    ("intent", 20, "意向客户", "Intent", False, False),
    ("signed", 30, "签约客户", "Signed", True, False),
    ("lost", 90, "已流失", "Lost", False, True),
)
LOST_REASONS = (
    ("price", 10, "价格过高", "Price too high"),
    ("competitor", 20, "选择了竞争对手", "Chose a competitor"),
    ("budget", 30, "预算不足", "No budget"),
    ("no_need", 40, "需求取消", "Need went away"),
    ("no_response", 50, "长期无回应", "No response"),
    ("other", 90, "其他", "Other"),
)


def seed_funnel() -> None:
    have = set(db.session.scalars(select(FunnelStage.code)))
    for code, seq, zh, en, won, lost in STAGES:
        if code not in have:
            db.session.add(FunnelStage(code=code, sequence=seq, name_zh=zh, name_en=en,
                                       is_won=won, is_lost=lost))
    have = set(db.session.scalars(select(LostReason.code)))
    for code, seq, zh, en in LOST_REASONS:
        if code not in have:
            db.session.add(LostReason(code=code, sequence=seq, name_zh=zh, name_en=en))
    db.session.flush()


def stages() -> list[FunnelStage]:
    """Every stage in funnel order; read once per request."""
    if has_app_context() and "crm_stages" in g:
        return g.crm_stages
    found = list(db.session.scalars(select(FunnelStage).order_by(FunnelStage.sequence)))
    if has_app_context():
        g.crm_stages = found
    return found


def stage(code: str) -> FunnelStage:
    return next(s for s in stages() if s.code == code)


def stage_choices() -> list[tuple[str, str]]:
    """(code, label) of every stage, for filter dropdowns."""
    return [(s.code, s.label) for s in stages()]


def board_stages() -> list[FunnelStage]:
    """The kanban's columns: every stage but lost."""
    return [s for s in stages() if not s.is_lost]


def lost_reasons() -> list[LostReason]:
    return list(db.session.scalars(select(LostReason).order_by(LostReason.sequence)))


def is_lost_reason(reason_id: int | None) -> bool:
    return reason_id in {reason.id for reason in lost_reasons()}
