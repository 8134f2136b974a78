"""The rule each kind of clock follows now: its registered defaults, or an admin's row."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from crm.deadlines.kinds import WORKING, Step, kind_spec, kinds
from crm.deadlines.models import DeadlineKindRule, LadderStep
from crm.errors import DomainError
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


def _setting_minutes(spec) -> int | None:
    """The duration a kind reads from a setting (None: it has no such setting)."""
    if not spec or not spec.duration_setting:
        return None
    return get_setting(spec.duration_setting) * spec.setting_unit_minutes


def _rule(kind: str, admin: tuple | None) -> Rule:
    spec = kind_spec(kind)
    from_setting = _setting_minutes(spec)
    if admin:
        basis, minutes, steps = admin
        return Rule(kind, basis, from_setting or minutes, tuple(steps), False)
    minutes = from_setting or (spec.minutes if spec else None)
    if spec and spec.ladder is not None:
        return Rule(kind, spec.basis, minutes, spec.ladder, False)
    return Rule(kind, spec.basis if spec else "calendar", minutes, standard_ladder(), True)


def all_rules() -> dict[str, Rule]:
    """Registered kinds and any kind an admin has a rule for."""
    admin = _admin_rules()
    return {kind: _rule(kind, admin.get(kind)) for kind in [*kinds(), *admin]}


def rule_for(kind: str) -> Rule:
    return _rule(kind, _admin_rules().get(kind))


def admin_rule(kind: str) -> DeadlineKindRule | None:
    return db.session.scalar(select(DeadlineKindRule).where(DeadlineKindRule.kind == kind))


def save_rule(kind: str, *, basis: str, minutes: int | None,
              steps: list[tuple[int, str, int | None]]) -> DeadlineKindRule:
    """Store an admin's rule: steps are (form level, role or "", delay); the chosen ones are
    numbered 2, 3, ... in order, and each must wait at least as long as the one before."""
    spec = kind_spec(kind)
    if spec and spec.minutes is not None and minutes is None:
        raise DomainError(_("Enter how long this clock runs."), "duration_minutes")
    ladder, previous = [], 0
    for form_level, role, delay in steps:
        if not role:
            continue
        if delay is None:
            raise DomainError(_("Enter how long after the due time."), f"delay_{form_level}")
        if delay < previous:
            raise DomainError(_("A higher level cannot come sooner than the one before."),
                            f"delay_{form_level}")
        previous = delay
        ladder.append(LadderStep(level=len(ladder) + 2, role=role, delay_minutes=delay))
    rule = admin_rule(kind) or DeadlineKindRule(kind=kind)
    rule.basis = basis
    rule.duration_minutes = minutes if spec is None or spec.minutes is not None else None
    if [(s.level, s.role, s.delay_minutes) for s in rule.steps] != [
            (s.level, s.role, s.delay_minutes) for s in ladder]:
        rule.steps.clear()
        db.session.flush()  # the old levels go before the new ones take their numbers
        rule.steps.extend(ladder)
    db.session.add(rule)
    db.session.flush()
    return rule
