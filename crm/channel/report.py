"""The channel report (R-63): new dealers this year against the growth the rules ask (每年新增
渠道数量不低于现有数量的15%: the percent is a setting), for the whole network and per region, and
the year's enablement: training sessions per quarter and topic, dealers trained, materials
handed out.

Last year's active dealers are those scored in at least one of its quarters: the scoring job
scores every dealer in cooperation (active or warned) each quarter, so the count needs no
status history. A new dealer is one whose cooperation began (joined_on) in the year."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, extract, func, select

from crm.channel.figures import Quarter
from crm.channel.models import (
    REGIONS,
    Dealer,
    DealerScore,
    DealerTraining,
    MaterialHandout,
    TrainingAttendee,
)
from crm.extensions import db


@dataclass(frozen=True)
class Growth:
    region: str | None  # None: the whole network
    base: int  # last year's active dealers
    target: int  # new dealers asked for this year
    actual: int  # new dealers so far

    @property
    def gap(self) -> int:
        return max(self.target - self.actual, 0)

    @property
    def percent(self) -> int | None:
        """Progress towards the target, %; None when nothing is asked."""
        return round(self.actual * 100 / self.target) if self.target else None


def target_for(base: int, percent: int) -> int:
    """New dealers asked for: `percent` of the base, rounded up (15 % of 7 is 2, not 1)."""
    return -(-base * percent // 100)


def growth(year: int, percent: int) -> tuple[Growth, list[Growth]]:
    """The network's growth and each region's (in REGIONS' order), in two queries."""
    base = dict(db.session.execute(
        select(Dealer.region, func.count(distinct(DealerScore.dealer_id)))
        .join(Dealer, Dealer.id == DealerScore.dealer_id)
        .where(DealerScore.quarter.between(Quarter(year - 1, 1).key, Quarter(year - 1, 4).key))
        .group_by(Dealer.region)).all())
    new = dict(db.session.execute(
        select(Dealer.region, func.count())
        .where(Dealer.joined_on >= date(year, 1, 1), Dealer.joined_on < date(year + 1, 1, 1))
        .group_by(Dealer.region)).all())
    regions = [Growth(region, base.get(region, 0), target_for(base.get(region, 0), percent),
                      new.get(region, 0)) for region in REGIONS]
    total_base = sum(base.values())
    return Growth(None, total_base, target_for(total_base, percent), sum(new.values())), regions


@dataclass(frozen=True)
class TrainingQuarter:
    quarter: Quarter
    sessions: dict[str, int]  # per topic
    people: int


def trainings(year: int) -> tuple[list[TrainingQuarter], int]:
    """Sessions per quarter and topic with the people trained, and the dealers trained in the
    year (each once); summed by month in the database, so a year of sessions is a few rows."""
    month = extract("month", DealerTraining.held_on)
    rows = db.session.execute(
        select(month, DealerTraining.kind, func.count(), func.sum(DealerTraining.people_count))
        .where(DealerTraining.held_on >= date(year, 1, 1),
               DealerTraining.held_on < date(year + 1, 1, 1))
        .group_by(month, DealerTraining.kind)).all()
    quarters = []
    for number in range(1, 5):
        quarter = Quarter(year, number)
        inside = [r for r in rows if Quarter.of_month(year, int(r[0])) == quarter]
        sessions: dict[str, int] = {}
        for _month, kind, count, _people in inside:
            sessions[kind] = sessions.get(kind, 0) + count
        quarters.append(TrainingQuarter(quarter, sessions,
                                        sum(people or 0 for *_rest, people in inside)))
    trained = db.session.scalar(
        select(func.count(distinct(TrainingAttendee.dealer_id)))
        .join(DealerTraining, DealerTraining.id == TrainingAttendee.training_id)
        .where(DealerTraining.held_on >= date(year, 1, 1),
               DealerTraining.held_on < date(year + 1, 1, 1)))
    return quarters, trained or 0


def materials(year: int) -> dict[str, tuple[int, int]]:
    """Materials handed out in the year per kind: (handouts, pieces)."""
    return {kind: (count, pieces) for kind, count, pieces in db.session.execute(
        select(MaterialHandout.kind, func.count(), func.sum(MaterialHandout.quantity))
        .where(MaterialHandout.handed_on >= date(year, 1, 1),
               MaterialHandout.handed_on < date(year + 1, 1, 1))
        .group_by(MaterialHandout.kind))}
