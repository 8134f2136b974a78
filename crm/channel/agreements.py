"""Channel cooperation agreements (渠道合作协议, R-61): period, protected territory (provinces
and cities), quarterly sales target, rebate tiers (返利) and market-protection clauses (市场保护).

Two agreements in force may not protect the same place in overlapping periods. The check and the
write run under one lock (a transaction-scoped advisory lock on PostgreSQL; SQLite lets one
writer at a time), so two agreements saved at the same moment cannot both pass it. No commits."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, text

from crm.channel.models import Agreement, Dealer, RebateTier, Territory
from crm.errors import DomainError
from crm.extensions import db

AGREEMENT_FIELDS = ("number", "starts_on", "ends_on", "quarterly_target", "protection")
TERRITORY_LOCK = 180_061  # the advisory lock key of territory checks


@dataclass(frozen=True)
class Place:
    province: str
    city: str = ""  # empty: the whole province

    def overlaps(self, province: str, city: str) -> bool:
        return self.province == province and (not self.city or not city or self.city == city)


def parse_territory(raw: str) -> list[Place]:
    """One place a line: "浙江" (the whole province) or "浙江 杭州" (one city)."""
    from crm.customers.models import PROVINCES

    places = []
    for line in (raw or "").splitlines():
        words = line.replace("，", " ").replace(",", " ").replace("·", " ").split()
        if not words:
            continue
        if words[0] not in PROVINCES or len(words) > 2:
            raise DomainError(_("Unknown province in “%(line)s”: write a province, then "
                                "optionally a city.", line=line.strip()), "territory_lines")
        places.append(Place(words[0], words[1] if len(words) == 2 else ""))
    if not places:
        raise DomainError(_("Name at least one protected province or city."), "territory_lines")
    return list(dict.fromkeys(places))


def parse_tiers(raw: str) -> list[tuple[int, Decimal]]:
    """One tier a line: attainment percent, then rebate percent ("100 3" or "100% → 3%")."""
    tiers = []
    for line in (raw or "").splitlines():
        words = line.replace("%", " ").replace("→", " ").replace("->", " ").split()
        if not words:
            continue
        try:
            attainment, rebate = int(words[0]), Decimal(words[1])
        except (ValueError, IndexError, InvalidOperation):
            raise DomainError(_("Write each tier as attainment, then rebate, both in per "
                                "cent, e.g. “100 3”."), "tier_lines") from None
        if len(words) != 2 or not (0 < attainment <= 1000 and 0 <= rebate <= 100):
            raise DomainError(_("Write each tier as attainment, then rebate, both in per "
                                "cent, e.g. “100 3”."), "tier_lines")
        tiers.append((attainment, rebate))
    if len({a for a, _r in tiers}) != len(tiers):
        raise DomainError(_("Each attainment level may appear once."), "tier_lines")
    return sorted(tiers)


def save_agreement(agreement: Agreement | None, dealer: Dealer, values: dict,
                   places: list[Place], tiers: list[tuple[int, Decimal]]) -> Agreement:
    agreement = agreement or Agreement(dealer_id=dealer.id, active=True)
    for key in AGREEMENT_FIELDS:
        if key in values:
            value = values[key]
            setattr(agreement, key, (value.strip() or None) if isinstance(value, str) else value)
    if not agreement.number:
        raise DomainError(_("Enter the agreement's number."), "number")
    if agreement.ends_on < agreement.starts_on:
        raise DomainError(_("The agreement ends before it starts."), "ends_on")
    _refuse_duplicate_number(agreement)
    _lock_territories()
    if agreement.active:
        _refuse_overlap(agreement, places)
    kept = {(t.province, t.city): t for t in agreement.territories}
    agreement.territories = [kept.get((p.province, p.city))
                             or Territory(province=p.province, city=p.city) for p in places]
    agreement.tiers = [RebateTier(attainment_percent=a, rebate_percent=r) for a, r in tiers]
    db.session.add(agreement)
    db.session.flush()
    return agreement


def _refuse_duplicate_number(agreement: Agreement) -> None:
    same = db.session.scalar(select(Agreement.id).where(
        Agreement.number == agreement.number, Agreement.id != (agreement.id or 0)))
    if same:
        raise DomainError(_("Another agreement has this number."), "number")


def _lock_territories() -> None:
    """Held until the transaction ends: a second save waits here, then sees the first."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TERRITORY_LOCK})


def _refuse_overlap(agreement: Agreement, places: list[Place]) -> None:
    """Refused with the agreement in force that already protects a place in the period."""
    same_place = or_(*(and_(Territory.province == p.province,
                            or_(Territory.city == "", Territory.city == p.city) if p.city
                            else Territory.province == p.province) for p in places))
    stmt = (select(Agreement.number, Dealer.name, Territory.province, Territory.city)
            .join(Territory, Territory.agreement_id == Agreement.id)
            .join(Dealer, Dealer.id == Agreement.dealer_id)
            .where(Agreement.active, Agreement.id != (agreement.id or 0),
                   Agreement.starts_on <= agreement.ends_on,
                   Agreement.ends_on >= agreement.starts_on, same_place)
            .order_by(Agreement.starts_on).limit(1))
    clash = db.session.execute(stmt).first()
    if clash:
        place = f"{clash.province}·{clash.city}" if clash.city else clash.province
        raise DomainError(_("%(place)s is already protected in this period by agreement "
                            "%(number)s of %(dealer)s.", place=place, number=clash.number,
                            dealer=clash.name), "territory_lines")


def end_agreement(agreement: Agreement, reason: str, on: date) -> None:
    """The agreement ends (terminated, or replaced): its territory is free from then on."""
    if not agreement.active:
        raise DomainError(_("This agreement has already ended."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the agreement ends."), "reason")
    agreement.active = False
    agreement.ended_reason = reason.strip()[:200]
    agreement.ends_on = min(agreement.ends_on, on)


def suggested_number(starts_on: date) -> str:
    count = db.session.scalar(select(func.count()).select_from(Agreement)) or 0
    return f"QD-{starts_on.year}-{count + 1:04d}"

