"""Quarterly dealer scorecards (R-62): target attainment, new customers developed, complaint
rate, a weighted score (weights and pass mark in settings) and the rebate tier earned.

`score_quarter` is run by the quarter-end job (final: the quarter's rows are frozen, warnings
follow) and by the daily preview of the current quarter (rows not final, replaced each run).
Two failing quarters in a row bring a warning notice with a rectification clock (限期整改),
three end the cooperation: the agreements end (their territory is freed), the dealer is
terminated and the channel manager gets the replacement tasks. A passing quarter resets the
count. No commits."""

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.auth.models import User, UserRole
from crm.channel import agreements, figures
from crm.channel.figures import Quarter
from crm.channel.models import Agreement, Dealer, DealerScore, DealerWarning
from crm.deadlines import services as deadlines
from crm.errors import DomainError
from crm.extensions import db
from crm.followups import services as followups
from crm.settings.services import get_setting

RECTIFICATION_KIND = "dealer_rectification"
SCORED_STATUSES = ("active", "warned")
WEIGHTS = ("dealer_weight_attainment", "dealer_weight_new_customers", "dealer_weight_complaints")
TENTH = Decimal("0.1")
EFFECTIVE_SCORE = func.coalesce(DealerScore.adjusted_score, DealerScore.score)


def check_weights(values: dict) -> None:
    """Settings rule: the three weights of the score sum to 100 (R-62)."""
    total = sum(int(values[key]) for key in WEIGHTS)
    if total != 100:
        raise DomainError(_("The three weights of the dealer score must sum to 100 (now "
                            "%(total)s).", total=total), WEIGHTS[0])


def _agreement_terms(dealer_ids: list[int], quarter: Quarter) -> tuple[dict, dict]:
    """Each dealer's quarterly target and rebate tiers, from its agreement in force during the
    quarter (the latest one if several)."""
    stmt = (select(Agreement).where(Agreement.dealer_id.in_(dealer_ids), Agreement.active,
                                    Agreement.starts_on < quarter.end,
                                    Agreement.ends_on >= quarter.start)
            .order_by(Agreement.starts_on))
    targets, tiers = {}, {}
    for agreement in db.session.scalars(stmt):
        targets[agreement.dealer_id] = agreement.quarterly_target
        tiers[agreement.dealer_id] = [(t.attainment_percent, t.rebate_percent)
                                      for t in agreement.tiers]
    return targets, tiers


def weighted_score(attainment: Decimal, new_customers: int, complaint_rate: Decimal) -> Decimal:
    """0..100: each part earns its weight in proportion (attainment up to 100 %, new customers
    up to the goal, complaint rate from 0 down to the ceiling)."""
    goal, ceiling = get_setting("dealer_new_customers_goal"), get_setting(
        "dealer_complaint_ceiling")
    parts = (min(attainment, Decimal(100)) / 100,
             min(Decimal(new_customers) / goal, Decimal(1)),
             max(Decimal(0), 1 - complaint_rate / ceiling))
    total = sum(part * get_setting(key) for part, key in zip(parts, WEIGHTS, strict=True))
    return Decimal(total).quantize(TENTH, ROUND_HALF_UP)


def rebate_for(tiers: list[tuple[int, Decimal]], attainment: Decimal) -> Decimal:
    earned = [rebate for level, rebate in tiers if attainment >= level]
    return max(earned, default=Decimal(0))


def _percent(part, whole) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def score_quarter(quarter: Quarter, *, final: bool, now: datetime) -> int:
    """Score every active or warned dealer for the quarter; returns the rows written. Rows of
    a final quarter are left as they are, so running again changes nothing decided."""
    dealers = db.session.scalars(select(Dealer).where(Dealer.status.in_(SCORED_STATUSES))
                                 .order_by(Dealer.id)).all()
    existing = {row.dealer_id: row for row in db.session.scalars(
        select(DealerScore).where(DealerScore.quarter == quarter.key))}
    ids = [d.id for d in dealers if not (d.id in existing and existing[d.id].final)]
    if not ids:
        return 0
    targets, tiers = _agreement_terms(ids, quarter)
    revenue = figures.signed_revenue(ids, quarter)
    new = figures.new_customers(ids, quarter)
    sold = figures.customers_sold(ids, quarter)
    complaints = figures.complaint_counts(ids, quarter)
    history = _history(ids, quarter)
    streaks = dict(db.session.execute(select(DealerScore.dealer_id, DealerScore.failing_streak)
                                      .where(DealerScore.quarter == quarter.previous().key))
                   .all())
    pass_mark = get_setting("dealer_pass_score")
    written = 0
    for dealer in (d for d in dealers if d.id in set(ids)):
        row = existing.get(dealer.id) or DealerScore(dealer_id=dealer.id, quarter=quarter.key)
        row.target, row.revenue = targets.get(dealer.id, Decimal(0)), revenue.get(dealer.id, 0)
        row.attainment = _percent(row.revenue, row.target)
        row.new_customers, row.complaints = new.get(dealer.id, 0), complaints.get(dealer.id, 0)
        row.complaint_rate = _percent(row.complaints, sold.get(dealer.id, 0))
        row.score = weighted_score(row.attainment, row.new_customers, row.complaint_rate)
        row.passed = row.effective_score >= pass_mark
        row.failing_streak = 0 if row.passed else streaks.get(dealer.id, 0) + 1
        row.rebate_percent = rebate_for(tiers.get(dealer.id, []), row.attainment)
        row.final, row.computed_at = final, now
        row.trend = trend_text(history.get(dealer.id, {}), quarter, row.effective_score)
        db.session.add(row)
        written += 1
        if final:
            _act_on_streak(dealer, row, quarter, now)
    db.session.flush()
    return written


def last_quarters(quarter: Quarter, n: int = 8) -> list[int]:
    keys = []
    for _n in range(n):
        keys.insert(0, quarter.key)
        quarter = quarter.previous()
    return keys


def _history(dealer_ids: list[int], quarter: Quarter) -> dict[int, dict[int, Decimal]]:
    """The effective scores of the 7 quarters before `quarter`, per dealer."""
    keys = last_quarters(quarter)[:-1]
    found: dict[int, dict[int, Decimal]] = {}
    for dealer_id, key, score in db.session.execute(
            select(DealerScore.dealer_id, DealerScore.quarter, EFFECTIVE_SCORE)
            .where(DealerScore.quarter.in_(keys), DealerScore.dealer_id.in_(dealer_ids))):
        found.setdefault(dealer_id, {})[key] = score
    return found


def trend_text(history: dict[int, Decimal], quarter: Quarter, current: Decimal) -> str:
    """The stored sparkline: 8 scores oldest first, empty where a quarter has none."""
    keys = last_quarters(quarter)[:-1]
    return ",".join([str(history[k]) if k in history else "" for k in keys] + [str(current)])


def _act_on_streak(dealer: Dealer, row: DealerScore, quarter: Quarter, now: datetime) -> None:
    if row.failing_streak >= get_setting("dealer_termination_quarters"):
        _terminate(dealer, row, quarter, now)
    elif row.failing_streak >= get_setting("dealer_warning_quarters"):
        warn(dealer, row, quarter, now)
    elif row.passed and dealer.status == "warned":
        dealer.status = "active"


def _already(dealer_id: int, quarter: Quarter, kind: str) -> bool:
    return db.session.scalar(select(DealerWarning.id).where(
        DealerWarning.dealer_id == dealer_id, DealerWarning.quarter == quarter.key,
        DealerWarning.kind == kind)) is not None


def warn(dealer: Dealer, row: DealerScore, quarter: Quarter, now: datetime) -> None:
    """A warning notice and its rectification clock (the kind's duration, in settings)."""
    if _already(dealer.id, quarter, "warning"):
        return
    db.session.add(DealerWarning(dealer_id=dealer.id, quarter=quarter.key, kind="warning",
                                 failing_streak=row.failing_streak, created_at=now))
    dealer.status = "warned"
    owner = channel_manager_of(dealer)
    if owner is not None:
        deadlines.start_clock(RECTIFICATION_KIND, "dealer", dealer.id, owner, now)


def _terminate(dealer: Dealer, row: DealerScore, quarter: Quarter, now: datetime) -> None:
    """Termination and replacement: agreements end (territory freed), tasks for the manager."""
    if _already(dealer.id, quarter, "termination"):
        return
    db.session.add(DealerWarning(dealer_id=dealer.id, quarter=quarter.key, kind="termination",
                                 failing_streak=row.failing_streak, created_at=now))
    dealer.status = "terminated"
    deadlines.complete(RECTIFICATION_KIND, "dealer", dealer.id, now)
    with force_locale("zh"):  # what the job writes reads in the company's language
        reason = _("Failed %(n)s quarters in a row (%(quarter)s).", n=row.failing_streak,
                   quarter=str(quarter))
        for agreement in db.session.scalars(select(Agreement).where(
                Agreement.dealer_id == dealer.id, Agreement.active)):
            agreements.end_agreement(agreement, reason, now.date())
        _replacement_tasks(dealer, now)


def _replacement_tasks(dealer: Dealer, now: datetime) -> None:
    owner_id = channel_manager_of(dealer)
    if owner_id is None:
        return
    owner = db.session.get(User, owner_id)
    for what, days in ((_("End the cooperation with %(name)s: notify it and take back its "
                          "authorisation.", name=dealer.name), 7),
                       (_("Find a replacement dealer for the territory of %(name)s.",
                          name=dealer.name), 30)):
        followups.add(what=what, owner_id=owner_id, due=now + timedelta(days=days),
                      subject_type="dealer", subject_id=dealer.id, by=owner)


def channel_manager_of(dealer: Dealer) -> int | None:
    """The dealer's channel manager, else the first active channel user."""
    if dealer.manager_id:
        return dealer.manager_id
    return db.session.scalar(select(User.id).join(UserRole, UserRole.user_id == User.id)
                             .where(User.active, UserRole.role == "channel")
                             .order_by(User.id).limit(1))


def adjust(row: DealerScore, new_score: Decimal, reason: str, by: int,
           now: datetime | None = None) -> None:
    """A manual adjustment (R-62): needs a reason; audited; the row shows it as adjusted. On a
    finished quarter the warning decision is made again for the dealer (_decide_again): a fail
    turned into a pass withdraws that quarter's warning, a pass turned into a fail warns (or
    terminates) as the quarter's end would have."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the score is adjusted."), "reason")
    if not Decimal(0) <= new_score <= Decimal(100):
        raise DomainError(_("A score is from 0 to 100."), "score")
    quarter = Quarter.from_key(row.quarter)
    passes = new_score >= get_setting("dealer_pass_score")
    if row.final and passes and _already(row.dealer_id, quarter, "termination"):
        raise DomainError(_("This quarter's score ended the cooperation (its agreements ended, "
                            "its territory was freed): a passing score cannot undo that. "
                            "Start a new application instead."), "score")
    row.adjusted_score = new_score.quantize(TENTH, ROUND_HALF_UP)
    row.adjustment_reason, row.adjusted_by_id = reason, by
    row.passed = passes
    before = db.session.scalar(select(DealerScore.failing_streak).where(
        DealerScore.dealer_id == row.dealer_id,
        DealerScore.quarter == quarter.previous().key)) or 0
    row.failing_streak = 0 if row.passed else before + 1  # what the next quarter counts on
    row.trend = ",".join([*(row.trend or "").split(",")[:-1], str(row.effective_score)])
    if row.final:
        _decide_again(row, quarter, now or datetime.now(UTC))


def _decide_again(row: DealerScore, quarter: Quarter, now: datetime) -> None:
    """The later quarters' failing counts follow the adjusted one; a quarter whose count falls
    below the warning's loses its warning notice (and the dealer its warned state); the latest
    finished quarter decides again as its scoring would have. A termination stays."""
    dealer = db.session.get(Dealer, row.dealer_id)
    recounted, streak = [row], row.failing_streak
    for later in db.session.scalars(select(DealerScore).where(
            DealerScore.dealer_id == row.dealer_id, DealerScore.quarter > row.quarter)
            .order_by(DealerScore.quarter)):
        streak = later.failing_streak = 0 if later.passed else streak + 1
        recounted.append(later)
    warn_at = get_setting("dealer_warning_quarters")
    withdrawn = [_withdraw_warning(dealer, r.quarter) for r in recounted
                 if r.failing_streak < warn_at]
    latest = [r for r in recounted if r.final][-1]
    if dealer.status == "terminated":
        return
    if latest.failing_streak < warn_at:
        if any(withdrawn) and dealer.status == "warned":
            dealer.status = "active"
    else:
        _act_on_streak(dealer, latest, Quarter.from_key(latest.quarter), now)


def _withdraw_warning(dealer: Dealer, quarter_key: int) -> bool:
    """The quarter's warning notice goes, with the rectification clock; False if none."""
    warning = db.session.scalar(select(DealerWarning).where(
        DealerWarning.dealer_id == dealer.id, DealerWarning.quarter == quarter_key,
        DealerWarning.kind == "warning"))
    if warning is None:
        return False
    db.session.delete(warning)
    deadlines.cancel(RECTIFICATION_KIND, "dealer", dealer.id)
    return True


def finished_quarter(today: date) -> Quarter:
    return Quarter.of(today).previous()
