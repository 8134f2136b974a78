"""The rule each kind of clock follows now: its registered defaults, or an admin's row."""

from dataclasses import dataclass

from sqlalchemy import select

from crm.deadlines.kinds import WORKING, Step, kind_spec, kinds
from crm.deadlines.models import DeadlineKindRule, LadderStep
from crm.extensions import db
from crm.settings.services import get_setting

MANAGER_ROLE = "manager"
MAX_LEVEL = 6  # owner + five escalation levels


@dataclass(frozen=True)
class Rule:
    kind: str
    basis: str
    minutes: int | None
    ladder: tuple[Step, ...]
    standard_ladder: bool  # the owner's manager after the general escalation delay

    @property
    def working(self) -> bool:
        return self.basis == WORKING


def standard_ladder() -> tuple[Step, ...]:
    return (Step(2, MANAGER_ROLE, get_setting("escalation_delay_hours") * 60),)


def _admin_rules() -> dict[str, tuple[str, int | None, list[Step]]]:
    """Every admin rule with its steps, in one statement (the sweep runs this each minute)."""
    rows = db.session.execute(
        select(DeadlineKindRule.kind, DeadlineKindRule.basis, DeadlineKindRule.duration_minutes,
               LadderStep.level, LadderStep.role, LadderStep.delay_minutes)
        .outerjoin(LadderStep, LadderStep.rule_id == DeadlineKindRule.id)
        .order_by(DeadlineKindRule.kind, LadderStep.level))
    found: dict[str, tuple[str, int | None, list[Step]]] = {}
    for kind, basis, minutes, level, role, delay in rows:
        entry = found.setdefault(kind, (basis, minutes, []))
        if level is not None:
            entry[2].append(Step(level, role, delay))
    return found


def _rule(kind: str, admin: tuple | None) -> Rule:
    if admin:
        basis, minutes, steps = admin
        return Rule(kind, basis, minutes, tuple(steps), False)
    spec = kind_spec(kind)
    if spec and spec.ladder is not None:
        return Rule(kind, spec.basis, spec.minutes, spec.ladder, False)
    return Rule(kind, spec.basis if spec else "calendar", spec.minutes if spec else None,
                standard_ladder(), True)


def all_rules() -> dict[str, Rule]:
    """Registered kinds and any kind an admin has a rule for."""
    admin = _admin_rules()
    return {kind: _rule(kind, admin.get(kind)) for kind in [*kinds(), *admin]}


def rule_for(kind: str) -> Rule:
    return _rule(kind, _admin_rules().get(kind))
