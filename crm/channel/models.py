"""Channel partners (渠道管理部, R-60..R-63): dealers, their cooperation agreements (渠道合作协议)
with protected territories (市场保护), rebate tiers (返利) and quarterly targets."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.base import Audited, Timestamped, UTCDateTime, Versioned
from crm.extensions import db
from crm.web.search import search_key_of

REGIONS = {
    "east": _l("East China"), "south": _l("South China"), "north": _l("North China"),
    "central": _l("Central China"), "southwest": _l("Southwest China"),
    "northwest": _l("Northwest China"), "northeast": _l("Northeast China"),
}
DEALER_STATUSES = {
    "applicant": _l("Applicant"), "active": _l("In cooperation"), "warned": _l("Warned"),
    "terminated": _l("Terminated"),
}
DEALER_GRADES = {"A": _l("A: key partner"), "B": _l("B: regular"), "C": _l("C: developing")}


class Dealer(Audited, Versioned, Timestamped, db.Model):
    """A channel partner (经销商): its company data, main contact, region and status."""

    __tablename__ = "dealers"
    __label__ = _l("Dealer")
    __field_labels__ = {
        "name": _l("Name"), "credit_code": _l("Unified social credit code"),
        "region": _l("Region"), "province": _l("Province"), "city": _l("City"),
        "address": _l("Address"), "grade": _l("Grade"), "status": _l("Status"),
        "contact_name": _l("Contact"), "contact_title": _l("Contact's position"),
        "contact_phone": _l("Contact phone"), "experience_years": _l("Industry experience"),
        "warehouse_m2": _l("Warehouse area"), "capital": _l("Registered capital"),
        "manager_id": _l("Channel manager"), "joined_on": _l("Partner since"),
        "note": _l("Note"),
    }
    __field_choices__ = {"region": REGIONS, "status": DEALER_STATUSES}
    __audit_mask__ = frozenset({"contact_phone"})
    __table_args__ = (Index("ix_dealers_name", "search_key", "id"),
                      Index("ix_dealers_region_status", "region", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(800), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18))
    region: Mapped[str] = mapped_column(String(12))
    province: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str | None] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(1), default="B")
    status: Mapped[str] = mapped_column(String(12), default="applicant")
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_title: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    experience_years: Mapped[int] = mapped_column(Integer, default=0)
    warehouse_m2: Mapped[int] = mapped_column(Integer, default=0)
    capital: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    joined_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    manager = relationship("User", foreign_keys=[manager_id])

    def refresh_keys(self) -> None:
        self.search_key = search_key_of(self, self.name, self.city, self.contact_name)


class Agreement(Audited, Versioned, Timestamped, db.Model):
    """A channel cooperation agreement (渠道合作协议, R-61): its period, protected territory,
    quarterly sales target, rebate tiers and market-protection clauses."""

    __tablename__ = "dealer_agreements"
    __label__ = _l("Channel agreement")
    __field_labels__ = {
        "number": _l("Number"), "dealer_id": _l("Dealer"), "starts_on": _l("Starts"),
        "ends_on": _l("Ends"), "active": _l("In force"),
        "quarterly_target": _l("Quarterly sales target"),
        "protection": _l("Market-protection clauses"), "ended_reason": _l("Why it ended"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    quarterly_target: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    protection: Mapped[str | None] = mapped_column(Text)
    ended_reason: Mapped[str | None] = mapped_column(String(200))

    dealer: Mapped[Dealer] = relationship()
    territories: Mapped[list["Territory"]] = relationship(
        cascade="all, delete-orphan", order_by="Territory.id")
    tiers: Mapped[list["RebateTier"]] = relationship(
        cascade="all, delete-orphan", order_by="RebateTier.attainment_percent")

    @property
    def territory_lines(self) -> str:
        """The territory as the form writes it: one province, or province and city, a line."""
        return "\n".join(f"{t.province} {t.city}".strip() for t in self.territories)

    @property
    def tier_lines(self) -> str:
        """The rebate tiers as the form writes them: attainment %, rebate % a line."""
        return "\n".join(f"{t.attainment_percent} {t.rebate_percent.normalize():f}"
                         for t in self.tiers)


class Territory(db.Model):
    """One protected area of an agreement: a whole province (city empty) or one city."""

    __tablename__ = "dealer_territories"
    __audit_parent__ = ("dealer_agreements", "agreement_id", "province")
    __table_args__ = (Index("ix_dealer_territories_place", "province", "city"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("dealer_agreements.id"), index=True)
    province: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(30), default="")

    @property
    def label(self) -> str:
        return f"{self.province}·{self.city}" if self.city else self.province


class RebateTier(db.Model):
    """Attainment of the quarterly target (%) from which a rebate (%) is earned (返利)."""

    __tablename__ = "dealer_rebate_tiers"
    __audit_parent__ = ("dealer_agreements", "agreement_id", "attainment_percent")

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("dealer_agreements.id"), index=True)
    attainment_percent: Mapped[int] = mapped_column(Integer)
    rebate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))


APPLICATION_DECISIONS = {"pending": _l("Waiting for the channel director"),
                         "approved": _l("Approved"), "rejected": _l("Rejected")}


class DealerApplication(Audited, Versioned, Timestamped, db.Model):
    """A dealer's application to join (R-60) and the channel director's recorded decision."""

    __tablename__ = "dealer_applications"
    __label__ = _l("Dealer application")
    __field_labels__ = {"dealer_id": _l("Dealer"), "planned_volume": _l("Planned yearly sales"),
                        "note": _l("Note"), "decision": _l("Decision"),
                        "reason": _l("Reason"), "failed_checks": _l("Failed checks"),
                        "decided_by_id": _l("Decided by"), "decided_at": _l("Decided")}
    __field_choices__ = {"decision": APPLICATION_DECISIONS}

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    planned_volume: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    note: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # the exception, or why rejected
    failed_checks: Mapped[str | None] = mapped_column(String(100))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dealer: Mapped[Dealer] = relationship()
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class DealerScore(Audited, Versioned, db.Model):
    """A dealer's quarterly scorecard (R-62), stored so the scoring page reads, never computes.
    A finished quarter's row is `final` and frozen: scoring again leaves it as it is; only a
    manual adjustment (with its reason, audited) changes its score."""

    __tablename__ = "dealer_scores"
    __label__ = _l("Dealer score")
    __field_labels__ = {"adjusted_score": _l("Adjusted score"),
                        "adjustment_reason": _l("Reason for the adjustment"),
                        "passed": _l("Passed"), "score": _l("Score")}
    __audit_exclude__ = Audited.__audit_exclude__ | {"computed_at", "trend"}
    __table_args__ = (UniqueConstraint("dealer_id", "quarter"),
                      Index("ix_dealer_scores_quarter", "quarter", "dealer_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    quarter: Mapped[int] = mapped_column(Integer)  # 20263 = 2026 Q3 (figures.Quarter.key)
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    revenue: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    attainment: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=Decimal("0"))  # %
    new_customers: Mapped[int] = mapped_column(Integer, default=0)
    complaints: Mapped[int] = mapped_column(Integer, default=0)
    complaint_rate: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal("0"))  # %
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))
    adjusted_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    adjustment_reason: Mapped[str | None] = mapped_column(Text)
    adjusted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    failing_streak: Mapped[int] = mapped_column(Integer, default=0)  # failed quarters in a row
    rebate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the effective scores of the last 8 quarters up to this one, oldest first, "" for a
    # quarter without a score ("61.5,,72.0,..."): the sparkline, read with the row
    trend: Mapped[str] = mapped_column(String(60), default="")

    @property
    def effective_score(self) -> Decimal:
        return self.score if self.adjusted_score is None else self.adjusted_score


WARNING_KINDS = {"warning": _l("Warning notice"), "termination": _l("Termination")}


class DealerWarning(Audited, db.Model):
    """A warning notice with its rectification deadline (限期整改), or the start of termination
    and replacement, issued once per dealer and quarter (R-62)."""

    __tablename__ = "dealer_warnings"
    __label__ = _l("Dealer warning")
    __field_choices__ = {"kind": WARNING_KINDS}
    __table_args__ = (UniqueConstraint("dealer_id", "quarter", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    quarter: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    failing_streak: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    dealer: Mapped[Dealer] = relationship()


# 渠道赋能: each quarter the channel department trains dealers on 产品知识、销售技巧、
# 品牌话术 and hands out the company's promotional materials (宣传物料: 产品手册、演示视频).
TRAINING_KINDS = {"product": _l("Product knowledge"), "sales": _l("Sales skills"),
                  "brand": _l("Brand messaging")}
MATERIAL_KINDS = {"brochure": _l("Product brochure"), "video": _l("Demo video"),
                  "poster": _l("Poster"), "display": _l("Display stand"),
                  "sample": _l("Sample"), "other": _l("Other material")}


class DealerTraining(Audited, Versioned, Timestamped, db.Model):
    """A dealer training session (渠道商培训) with the dealers that attended; the attendees'
    totals are kept on the row for the list."""

    __tablename__ = "dealer_trainings"
    __label__ = _l("Dealer training")
    __field_labels__ = {"held_on": _l("Date"), "kind": _l("Topic"), "title": _l("Title"),
                        "trainer": _l("Trainer"), "notes": _l("Notes"),
                        "dealer_count": _l("Dealers"), "people_count": _l("People")}
    __field_choices__ = {"kind": TRAINING_KINDS}
    __table_args__ = (Index("ix_dealer_trainings_held", "held_on", "id"),
                      Index("ix_dealer_trainings_search", "search_key", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(800), default="")
    trainer: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    dealer_count: Mapped[int] = mapped_column(Integer, default=0)
    people_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    attendees: Mapped[list["TrainingAttendee"]] = relationship(
        cascade="all, delete-orphan", order_by="TrainingAttendee.id")

    def refresh_keys(self) -> None:
        self.search_key = search_key_of(self, self.title, self.trainer)

    @property
    def attendee_lines(self) -> str:
        """The attendees as the form writes them: dealer name and people a line."""
        return "\n".join(f"{a.dealer.name} {a.people}" for a in self.attendees)


class TrainingAttendee(db.Model):
    """A dealer at a training session and how many of its people came."""

    __tablename__ = "dealer_training_attendees"
    __audit_parent__ = ("dealer_trainings", "training_id", "dealer_id")
    __table_args__ = (UniqueConstraint("training_id", "dealer_id"),
                      Index("ix_dealer_training_attendees_dealer", "dealer_id", "training_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("dealer_trainings.id"))
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    people: Mapped[int] = mapped_column(Integer, default=1)

    dealer: Mapped[Dealer] = relationship()
    training: Mapped[DealerTraining] = relationship(back_populates="attendees")


class MaterialHandout(Audited, Versioned, Timestamped, db.Model):
    """Promotional material handed to a dealer (宣传物料): what, how many, when."""

    __tablename__ = "dealer_materials"
    __label__ = _l("Material handed out")
    __field_labels__ = {"dealer_id": _l("Dealer"), "kind": _l("Material"),
                        "item": _l("Item"), "quantity": _l("Quantity"),
                        "handed_on": _l("Date"), "note": _l("Note")}
    __field_choices__ = {"kind": MATERIAL_KINDS}
    # the list's order, covering the channel report's yearly sums by kind
    __table_args__ = (Index("ix_dealer_materials_handed", "handed_on", "id", "kind", "quantity"),
                      Index("ix_dealer_materials_dealer", "dealer_id", "handed_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    kind: Mapped[str] = mapped_column(String(12))
    item: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    handed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    dealer: Mapped[Dealer] = relationship()
    handed_by = relationship("User", foreign_keys=[handed_by_id])


class DealerContact(Audited, Versioned, Timestamped, db.Model):
    """A further contact person of a dealer; the main one stays on the dealer's own row."""

    __tablename__ = "dealer_contacts"
    __label__ = _l("Dealer contact")
    __field_labels__ = {"dealer_id": _l("Dealer"), "name": _l("Name"),
                        "title": _l("Position"), "phone": _l("Phone"), "email": _l("E-mail"),
                        "note": _l("Note")}
    __audit_mask__ = frozenset({"phone"})

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(500))

    dealer: Mapped[Dealer] = relationship()
