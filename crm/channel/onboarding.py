"""Onboarding (R-60): a dealer applies with its company data and the yearly volume it plans;
the checks of the rules (industry experience ≥ 3 years, a warehouse matching the planned
volume, enough capital; thresholds in settings) are shown as they are typed; the channel
director approves or rejects, and approves a failing check only with a written exception."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from crm.base import utcnow
from crm.channel.models import Dealer, DealerApplication
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting
from crm.web.formatting import money

MILLION = Decimal("1000000")


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    detail: str


def checks(experience_years: int | None, warehouse_m2: int | None, capital: Decimal | None,
           planned_volume: Decimal | None) -> list[Check]:
    """The rules' three checks for what was typed (an empty value fails its check)."""
    years, minimum_years = experience_years or 0, get_setting("dealer_min_experience_years")
    area, capital = warehouse_m2 or 0, capital or Decimal(0)
    needed_area = int((planned_volume or 0) / MILLION * get_setting(
        "dealer_warehouse_per_million"))
    minimum_capital = get_setting("dealer_min_capital")
    return [
        Check("experience", _("Industry experience"), years >= minimum_years,
              _("%(n)s years (at least %(min)s)", n=years, min=minimum_years)),
        Check("warehouse", _("Warehouse for the planned volume"), area >= needed_area,
              _("%(area)s m² (the planned volume needs %(need)s m²)", area=area,
                need=needed_area)),
        Check("capital", _("Capital"), capital >= minimum_capital,
              _("%(capital)s (at least %(min)s)", capital=money(capital),
                min=money(minimum_capital))),
    ]


def application_checks(application: DealerApplication) -> list[Check]:
    dealer = application.dealer
    return checks(dealer.experience_years, dealer.warehouse_m2, dealer.capital,
                  application.planned_volume)


def apply(dealer: Dealer, planned_volume: Decimal, note: str | None) -> DealerApplication:
    """The dealer (saved as an applicant) and its application, waiting for the director."""
    application = DealerApplication(dealer_id=dealer.id, planned_volume=planned_volume,
                                    note=note, decision="pending")
    db.session.add(application)
    db.session.flush()
    return application


def decide(application: DealerApplication, decision: str, reason: str | None, by: int,
           today: date) -> None:
    """Approve (the dealer becomes active) or reject; recorded with who, when and why."""
    if application.decision != "pending":
        raise DomainError(_("This application has already been decided."))
    reason = (reason or "").strip() or None
    failing = [c.label for c in application_checks(application) if not c.passed]
    if decision == "approved" and failing and not reason:
        raise DomainError(_("Failing checks (%(checks)s): approve only with a written "
                            "exception reason.", checks="、".join(failing)), "reason")
    if decision == "rejected" and not reason:
        raise DomainError(_("Say why the application is rejected."), "reason")
    application.decision, application.reason = decision, reason
    application.decided_by_id, application.decided_at = by, utcnow()
    application.failed_checks = ",".join(c.key for c in application_checks(application)
                                         if not c.passed) or None
    if decision == "approved":
        application.dealer.status = "active"
        application.dealer.joined_on = today
