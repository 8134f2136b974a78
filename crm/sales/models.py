"""Funnel stages and lost reasons are rows (like Odoo's crm.stage); leads move through them and
every move is a StageChange row, so time-in-stage and conversion can be computed (R-10)."""

from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, utcnow
from crm.customers.models import Customer
from crm.extensions import db
from crm.web.search import pinyin_key

LEAD_SOURCES = {
    "campaign": _l("Campaign"),
    "online": _l("Online marketing"),
    "referral": _l("Referral"),
    "dealer": _l("Dealer"),
    "inbound_call": _l("Inbound call"),
    "trade_show": _l("Trade show"),
}


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
    __audit_mask__ = frozenset({"contact_phone"})
    __table_args__ = (
        Index("ix_leads_owner_followup", "owner_id", "last_followup_at"),
        Index("ix_leads_owner_search", "owner_id", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    dealer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    grade: Mapped[str] = mapped_column(String(1), default="B")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: in the pool
    former_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
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
        self.search_key = pinyin_key(self.company_name, self.contact_name)


class StageChange(db.Model):
    """One move of a lead or deal between stages: who, when, from where to where (R-10)."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_lead", "lead_id", "id"),
        Index("ix_stage_changes_deal", "deal_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    deal_id: Mapped[int | None] = mapped_column(BigInteger)
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("funnel_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("funnel_stages.id"))
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_stage: Mapped[FunnelStage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[FunnelStage] = relationship(foreign_keys=[to_stage_id])
    user: Mapped[User | None] = relationship()
