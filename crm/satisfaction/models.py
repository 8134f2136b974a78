"""Satisfaction surveys (R-34): a round twice a year, one survey per active customer in it,
and the improvement plans of the customers who scored below the threshold."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, index_when_set, utcnow
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales.models import Product

OPEN, ANSWERED = "open", "answered"
SURVEY_STATES = {OPEN: _l("Not answered yet"), ANSWERED: _l("Answered")}
PLAN_OPEN, PLAN_DONE = "open", "done"
PLAN_STATES = {PLAN_OPEN: _l("In progress"), PLAN_DONE: _l("Completed")}


class SurveyRound(db.Model):
    """One survey round ("2026-06"), created once by the job; its counters are the survey
    list's progress (read without counting a hundred thousand rows)."""

    __tablename__ = "survey_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    total: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)


class Survey(Audited, Versioned, Timestamped, db.Model):
    """A customer's survey of a round: NPS (0-10) and CSAT (0-100) once an agent enters them."""

    __tablename__ = "surveys"
    __label__ = _l("Satisfaction survey")
    __field_labels__ = {
        "nps": _l("NPS (0-10)"), "csat": _l("CSAT (0-100)"), "state": _l("State"),
        "feedback": _l("Suggestions and problems"), "product_id": _l("Product concerned"),
        "agent_id": _l("Agent"),
    }
    __field_choices__ = {"state": SURVEY_STATES}
    __table_args__ = (
        UniqueConstraint("round_id", "customer_id"),
        Index("ix_surveys_round_id", "round_id", "id"),
        Index("ix_surveys_round_answered", "round_id", "answered_at", "id"),
        Index("ix_surveys_customer_answered", "customer_id", "answered_at"),
        index_when_set("ix_surveys_product", "product_id", "answered_at"),
        Index("ix_surveys_round_csat", "round_id", "csat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    state: Mapped[str] = mapped_column(String(10), default=OPEN)
    nps: Mapped[int | None] = mapped_column(Integer)
    csat: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))

    round: Mapped[SurveyRound] = relationship()
    customer: Mapped[Customer] = relationship()
    agent: Mapped[User | None] = relationship()
    product: Mapped[Product | None] = relationship()
    plan: Mapped["ImprovementPlan | None"] = relationship(back_populates="survey",
                                                          uselist=False)

    @property
    def promoter(self) -> bool:
        return self.nps is not None and self.nps >= PROMOTER_NPS

    @property
    def detractor(self) -> bool:
        return self.nps is not None and self.nps <= DETRACTOR_NPS


DETRACTOR_NPS, PROMOTER_NPS = 6, 9  # the NPS bands (0-6 detractors, 9-10 promoters)


class ImprovementPlan(Audited, Versioned, Timestamped, db.Model):
    """A low score's improvement plan, owned by the service director; its tasks are follow-ups
    about ("improvement_plan", id) and it is completed when they all are."""

    __tablename__ = "improvement_plans"
    __label__ = _l("Improvement plan")
    __field_labels__ = {"owner_id": _l("Owner"), "state": _l("State"), "goal": _l("Goal")}
    __field_choices__ = {"state": PLAN_STATES}
    __table_args__ = (
        Index("ix_improvement_plans_created", "created_at", "id"),
        Index("ix_improvement_plans_state", "state", "created_at", "id"),
        Index("ix_improvement_plans_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(10), default=PLAN_OPEN)
    goal: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey: Mapped[Survey] = relationship(back_populates="plan")
    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship()
