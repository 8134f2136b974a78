"""Campaigns (R-50), their cost lines and the approval requests of budgets and purchases
(R-51). Every decision on a request is also an `Approval` row of the audit trail (R-04)."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
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

from crm.audit.models import BigId
from crm.auth.models import Team, User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, index_when_set, utcnow
from crm.extensions import db
from crm.web.search import search_key_of

KINDS = {
    "trade_show": _l("Trade show"),  # 展会
    "salon": _l("Salon"),  # 沙龙
    "online": _l("Online event"),  # 线上
    "seasonal": _l("Seasonal promotion"),  # 季节促销
    "other": _l("Other"),
}
STATUSES = {
    "draft": _l("Draft"),
    "awaiting_approval": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "running": _l("Running"),
    "closing": _l("Closing"),
    "closed": lazy_pgettext("campaign", "Closed"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
}
# Who decides a step of a request: the budget by amount, a purchase in this order.
APPROVER_ROLES = {
    "supervisor": _l("Supervisor"),
    "director": _l("Director"),
    "department_head": _l("Department head"),
    "finance": _l("Finance"),
    "ceo": _l("CEO"),
}
PURCHASE_CHAIN = ("department_head", "finance", "ceo")
REQUEST_KINDS = {"budget": _l("Budget"), "purchase": _l("Purchase")}
REQUEST_STATUSES = {"pending": _l("Waiting for approval"), "approved": _l("Approved"),
                    "rejected": _l("Rejected")}
DECISIONS = {"approved": _l("Approved"), "rejected": _l("Rejected"),
             "recorded_after": _l("Approved afterwards")}


class Campaign(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "campaigns"
    __label__ = _l("Campaign")
    __field_labels__ = {
        "name": _l("Name"), "kind": _l("Type"), "starts_on": _l("Start"), "ends_on": _l("End"),
        "owner_id": _l("Owner"), "department_id": _l("Department"), "budget": _l("Budget"),
        "goal_leads": _l("Goal: leads"), "goal_deals": _l("Goal: deals"),
        "goal_revenue": _l("Goal: revenue"), "status": _l("Status"),
        "emergency": _l("Emergency execution"), "note": _l("Note"),
    }
    __field_choices__ = {"kind": KINDS, "status": STATUSES}
    __table_args__ = (
        Index("ix_campaigns_recent", "created_at", "id"),
        Index("ix_campaigns_department_recent", "department_id", "created_at", "id"),
        Index("ix_campaigns_starts", "starts_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    search_key: Mapped[str] = mapped_column(String(400), default="")
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    budget: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    goal_leads: Mapped[int] = mapped_column(Integer, default=0)
    goal_deals: Mapped[int] = mapped_column(Integer, default=0)
    goal_revenue: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    owner: Mapped[User] = relationship()
    department: Mapped[Team] = relationship()

    def refresh_keys(self) -> None:
        self.search_key = search_key_of(self, self.name)


class CampaignCost(Audited, Timestamped, db.Model):
    """An actual cost of a campaign; one marked as a purchase needs the purchase chain."""

    __tablename__ = "campaign_costs"
    __label__ = _l("Campaign cost")
    __field_labels__ = {"campaign_id": _l("Campaign"), "what": _l("What"),
                        "amount": _l("Amount"), "spent_on": _l("Date"),
                        "is_purchase": _l("Purchase"), "created_by_id": _l("Created by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    what: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    spent_on: Mapped[date] = mapped_column(Date)
    is_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CampaignRequest(Audited, Timestamped, db.Model):
    """A request for approval: a campaign's budget, or one purchase. `chain` names the
    approvers in order, `step` the one whose decision is awaited (`waiting_role`, None once
    decided). A rejection returns it to its author; a resubmission starts the chain again."""

    __tablename__ = "campaign_requests"
    __label__ = _l("Approval request")
    __field_labels__ = {"campaign_id": _l("Campaign"), "cost_id": _l("Cost"),
                        "kind": _l("Kind"), "amount": _l("Amount"), "status": _l("Status"),
                        "waiting_role": _l("Waiting for"), "step": _l("Step"),
                        "emergency": _l("Emergency execution"), "author_id": _l("Author")}
    __field_choices__ = {"kind": REQUEST_KINDS, "status": REQUEST_STATUSES,
                         "waiting_role": APPROVER_ROLES}
    __table_args__ = (index_when_set("ix_campaign_requests_waiting", "waiting_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    cost_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_costs.id"))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    chain: Mapped[str] = mapped_column(String(60))  # approver roles, comma-separated
    step: Mapped[int] = mapped_column(Integer, default=0)
    waiting_role: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    cost: Mapped[CampaignCost | None] = relationship()
    author: Mapped[User] = relationship()

    @property
    def roles(self) -> list[str]:
        return self.chain.split(",")


PHASES = {
    "kickoff": _l("Kickoff meeting"),  # 启动会
    "midterm": _l("Mid-term review"),  # 中期评审
    "closing": _l("Closing acceptance"),  # 结项验收
}


class CampaignPhase(Audited, Timestamped, db.Model):
    """A phase of R-52, due on a day and closed by its written record (minutes); its clock is
    a deadline of kind `campaign_<kind>` about this phase."""

    __tablename__ = "campaign_phases"
    __label__ = _l("Campaign phase")
    __field_labels__ = {"campaign_id": _l("Campaign"), "kind": _l("Phase"),
                        "due_on": _l("Due"), "done_at": _l("Done"),
                        "minutes_id": _l("Minutes")}
    __field_choices__ = {"kind": PHASES}

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_minutes.id"))

    campaign: Mapped[Campaign] = relationship()


class CampaignMinutes(Audited, Timestamped, db.Model):
    """Meeting minutes (R-53): topics, decisions and action items; the written record of the
    phase that names them (`CampaignPhase.minutes_id`)."""

    __tablename__ = "campaign_minutes"
    __label__ = _l("Meeting minutes")
    __field_labels__ = {"campaign_id": _l("Campaign"), "held_on": _l("Held on"),
                        "title": _l("Title"), "topics": _l("Topics"),
                        "decisions": _l("Decisions"), "record": _l("Record"),
                        "created_by_id": _l("Created by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    topics: Mapped[str] = mapped_column(Text)
    decisions: Mapped[str] = mapped_column(Text)
    record: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    campaign: Mapped[Campaign] = relationship()
    created_by: Mapped[User] = relationship()
    actions: Mapped[list["MinutesAction"]] = relationship(order_by="MinutesAction.id",
                                                          back_populates="minutes")


class MinutesAction(Audited, db.Model):
    """An action item of the minutes: who does what by when; it is a follow-up in its owner's
    agenda about the minutes."""

    __tablename__ = "minutes_actions"
    __label__ = _l("Action item")
    __field_labels__ = {"minutes_id": _l("Minutes"), "what": _l("What"),
                        "owner_id": _l("Owner"), "due_on": _l("Due"),
                        "followup_id": _l("Follow-up")}

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("campaign_minutes.id"), index=True)
    what: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    followup_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("followups.id"))

    minutes: Mapped[CampaignMinutes] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship()


class CampaignTouch(db.Model):
    """A campaign reached a lead (R-11): made with the campaign as its source, or later touched
    by another; attribution models share the lead's signed revenue among these."""

    __tablename__ = "campaign_touches"
    __table_args__ = (UniqueConstraint("lead_id", "campaign_id"),
                      Index("ix_campaign_touches_campaign", "campaign_id", "lead_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignDocument(Audited, db.Model):
    """A version of a campaign document (R-50), named 项目名称-日期-版本号 (春季促销-2026-01V1);
    each upload is a new row, so older versions stay readable. One marked as a contract is
    read only by directors, finance and its uploader (R-03)."""

    __tablename__ = "campaign_documents"
    __label__ = _l("Campaign document")
    __field_labels__ = {"campaign_id": _l("Campaign"), "name": _l("Name"),
                        "is_contract": _l("Important contract"),
                        "original_name": _l("File"), "uploaded_by_id": _l("Uploaded by")}
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    stem: Mapped[str] = mapped_column(String(140))  # 项目名称-日期: the versions' common part
    version: Mapped[int] = mapped_column(Integer)
    is_contract: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()
