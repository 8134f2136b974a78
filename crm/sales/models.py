"""Funnel stages and lost reasons are rows (like Odoo's crm.stage); leads move through them and
every move is a StageChange row, so time-in-stage and conversion can be computed (R-10)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, index_when_set, utcnow
from crm.customers.identity import short_name
from crm.customers.models import SOURCES, Customer
from crm.extensions import db
from crm.web.search import search_key_of

LEAD_SOURCES = SOURCES  # the same list for leads and customers


class Labelled:
    """A reference row named in both UI languages."""

    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(50))

    @property
    def label(self) -> str:
        return self.name_zh if str(get_locale()).startswith("zh") else self.name_en


class FunnelStage(Labelled, db.Model):
    __tablename__ = "funnel_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    sequence: Mapped[int] = mapped_column(Integer)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)
    is_lost: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_open(self) -> bool:
        return not (self.is_won or self.is_lost)


class LostReason(Labelled, db.Model):
    __tablename__ = "lost_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    sequence: Mapped[int] = mapped_column(Integer)


class Lead(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "leads"
    __label__ = _l("Lead")
    __field_labels__ = {
        "company_name": _l("Company"), "customer_id": _l("Customer"),
        "contact_name": _l("Contact"), "contact_phone": _l("Contact phone"),
        "source": _l("Source"), "campaign_id": _l("Campaign"), "dealer_id": _l("Dealer"),
        "grade": _l("Grade"), "owner_id": _l("Owner"), "team_id": _l("Team"),
        "former_owner_id": _l("Former owner"),
        "stage_id": _l("Stage"), "lost_reason_id": _l("Lost reason"),
        "last_followup_at": _l("Last follow-up"), "assigned_at": _l("Assigned"),
        "note": _l("Note"),
    }
    __field_choices__ = {"source": LEAD_SOURCES}
    __audit_mask__ = frozenset({"contact_phone"})
    __table_args__ = (
        # newest first: the pool and team lists walk this, a rep's list the owner's one
        Index("ix_leads_recent", "created_at", "id"),
        Index("ix_leads_owner_recent", "owner_id", "created_at", "id"),
        # the company order (pinyin): everyone's, a rep's own
        Index("ix_leads_company", "search_key", "id"),
        Index("ix_leads_owner_company", "owner_id", "search_key", "id"),
        *(index_when_set(f"ix_leads_{column}", column)
          for column in ("customer_id", "campaign_id", "dealer_id", "team_id")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    dealer_id: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(1), default="B")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: in the pool
    former_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("funnel_stages.id"))
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"))
    last_followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(String(800), default="")

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    customer: Mapped[Customer | None] = relationship()
    stage: Mapped[FunnelStage] = relationship(lazy="joined")
    lost_reason: Mapped[LostReason | None] = relationship()

    def refresh_keys(self) -> None:
        self.search_key = search_key_of(self, self.company_name, self.contact_name)


def lead_last_touch():
    """When a lead was last worked on: followed up, else assigned, else created (R-12)."""
    return func.coalesce(Lead.last_followup_at, Lead.assigned_at, Lead.created_at)


# The owned leads by their last touch, oldest first: the ones about to return to the pool
# (home page), without reading every lead of a team (migration 0008); the company's counted
# per owner from the index alone (migration 0028).
Index("ix_leads_owned_last_touch", lead_last_touch(),
      postgresql_include=["owner_id", "stage_id", "last_followup_at", "assigned_at",
                          "created_at"],
      postgresql_where=Lead.owner_id.is_not(None), sqlite_where=Lead.owner_id.is_not(None))
# ... and a rep's or a team's, counted per owner from the index alone (PostgreSQL reads the
# columns of the expression from the index only when it holds them too): the home page counted
# them row by row from the table, a few thousand scattered rows per rep (issue 13).
Index("ix_leads_owner_last_touch", Lead.owner_id, lead_last_touch(),
      postgresql_include=["stage_id", "last_followup_at", "assigned_at", "created_at"],
      postgresql_where=Lead.owner_id.is_not(None), sqlite_where=Lead.owner_id.is_not(None))


PRODUCT_KINDS = {
    "product": _l("Product"),
    "software_service": _l("Software value-added service"),
    "hardware_addon": _l("Hardware add-on"),
    "bundle": _l("Value-added bundle"),
}
CHANNELS = {"direct": _l("Direct"), "online": _l("Online"), "dealer": _l("Dealer")}
CENT = Decimal("0.01")


class Product(Audited, Versioned, Timestamped, db.Model):
    """A product or value-added product (增值产品, R-17); a bundle is made of other products."""

    __tablename__ = "products"
    __label__ = _l("Product")
    __field_labels__ = {"name": _l("Name"), "kind": _l("Kind"), "category": _l("Category"),
                        "price": _l("Price"), "active": _l("Active"),
                        "description": _l("Description")}
    __field_choices__ = {"kind": PRODUCT_KINDS}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(800), default="")
    kind: Mapped[str] = mapped_column(String(20), default="product")
    category: Mapped[str] = mapped_column(String(50), default="")
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)

    components: Mapped[list["BundleItem"]] = relationship(
        foreign_keys="BundleItem.bundle_id", cascade="all, delete-orphan",
        order_by="BundleItem.id")

    def refresh_keys(self) -> None:
        self.search_key = search_key_of(self, self.name, self.category)


class BundleItem(db.Model):
    __tablename__ = "bundle_items"
    __audit_parent__ = ("products", "bundle_id", "component_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    component: Mapped[Product] = relationship(foreign_keys=[component_id])


class Deal(Audited, Versioned, Timestamped, db.Model):
    """An opportunity (商机, R-15): lines, a solution, an expected value and close date."""

    __tablename__ = "deals"
    __label__ = _l("Deal")
    __field_labels__ = {
        "title": _l("Title"), "customer_id": _l("Customer"), "lead_id": _l("Lead"),
        "owner_id": _l("Owner"), "stage_id": _l("Stage"), "lost_reason_id": _l("Lost reason"),
        "expected_value": _l("Expected value"), "close_date": _l("Expected close date"),
        "channel": _l("Sales channel"), "dealer_id": _l("Dealer"),
        "solution_spec": _l("Product specification"),
        "delivery_cycle": _l("Delivery cycle"), "service_commitment": _l("Service commitment"),
    }
    __field_choices__ = {"channel": CHANNELS}
    __table_args__ = (
        # the board's columns, newest card first: a rep's own, and everyone's (team, director)
        Index("ix_deals_owner_stage_recent", "owner_id", "stage_id", "updated_at", "id"),
        Index("ix_deals_stage_recent", "stage_id", "updated_at", "id"),
        # the deal list's "recently updated" order: everyone's (director, a manager's team
        # filtered on the walk) and a rep's own
        Index("ix_deals_recent", "updated_at", "id"),
        Index("ix_deals_owner_recent", "owner_id", "updated_at", "id"),
        # the title order (pinyin): everyone's, a rep's own
        Index("ix_deals_title", "search_key", "id"),
        Index("ix_deals_owner_title", "owner_id", "search_key", "id"),
        # the value order, largest first: everyone's (director, a manager's team filtered on
        # the walk) and a rep's own
        Index("ix_deals_value", "expected_value", "id"),
        Index("ix_deals_owner_value", "owner_id", "expected_value", "id"),
        # deals closing this month (home page): their count and sum read from the index alone
        Index("ix_deals_closing", "close_date", "stage_id", "owner_id", "expected_value", "id"),
        index_when_set("ix_deals_dealer_id", "dealer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(800), default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("funnel_stages.id"))
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"))
    expected_value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    close_date: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(10), default="direct")
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"))  # channel "dealer"
    solution_spec: Mapped[str | None] = mapped_column(Text)
    delivery_cycle: Mapped[str | None] = mapped_column(String(100))
    service_commitment: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship()
    stage: Mapped[FunnelStage] = relationship(lazy="joined")
    lines: Mapped[list["DealLine"]] = relationship(
        cascade="all, delete-orphan", order_by="DealLine.id", back_populates="deal")

    def refresh_keys(self, customer_name: str) -> None:
        self.search_key = search_key_of(self, self.title, customer_name)

    @property
    def lines_total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0"))

    @property
    def title_names_customer(self) -> bool:
        """The title already says whose deal it is (the card then skips the customer line)."""
        return short_name(self.customer.name) in self.title


class LeadSearchKey(db.Model):
    """Each lead's search key, copied here by database triggers (migration 0007) and indexed for
    contains-search (pg_trgm). The daily pool return rewrites a hundred thousand leads; with
    the trigram index on the lead itself, every rewrite re-indexed the unchanged key."""

    __tablename__ = "lead_search_keys"

    lead_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    search_key: Mapped[str] = mapped_column(String(800))


class DealStageTotal(db.Model):
    """Per owner and stage: how many deals and their expected value. Database triggers on
    `deals` keep it (migration 0006), whatever writes the deal, so the board's column totals
    read a few hundred rows instead of every deal the user may see."""

    __tablename__ = "deal_stage_totals"

    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stage_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    deals: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))


class DealLine(Audited, db.Model):
    __tablename__ = "deal_lines"
    __label__ = _l("Deal line")
    __field_labels__ = {"product_id": _l("Product"), "quantity": _l("Quantity"),
                        "unit_price": _l("Unit price"), "discount_percent": _l("Discount, percent")}

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))

    deal: Mapped[Deal] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()

    @property
    def total(self) -> Decimal:
        gross = Decimal(self.quantity) * Decimal(self.unit_price)
        net = gross * (Decimal(100) - Decimal(self.discount_percent or 0)) / Decimal(100)
        return net.quantize(CENT, rounding=ROUND_HALF_UP)


class StageChange(db.Model):
    """One move of a lead or deal between stages: who, when, from where to where (R-10)."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_lead", "lead_id", "id"),
        Index("ix_stage_changes_deal", "deal_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("funnel_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("funnel_stages.id"))
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_stage: Mapped[FunnelStage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[FunnelStage] = relationship(foreign_keys=[to_stage_id])
    user: Mapped[User | None] = relationship()
