"""Channel enablement (渠道赋能, R-63): quarterly dealer training sessions with the dealers that
attended and how many of their people came, and promotional materials handed to dealers
(宣传物料). No commits."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.channel.models import (
    MATERIAL_KINDS,
    TRAINING_KINDS,
    Dealer,
    DealerTraining,
    MaterialHandout,
    TrainingAttendee,
)
from crm.errors import DomainError
from crm.extensions import db

TRAINING_FIELDS = ("held_on", "kind", "title", "trainer", "notes")
MATERIAL_FIELDS = ("kind", "item", "quantity", "handed_on", "note")
MAX_PEOPLE = 500  # a line's head count above this is a typo


def _people(word: str) -> int | None:
    word = word.removesuffix("人")
    return int(word) if word.isdigit() else None


def parse_attendees(raw: str) -> dict[int, int]:
    """One dealer a line: its name, then how many of its people came ("杭州华信贸易 3"; no number:
    1). Returns {dealer_id: people}; a dealer named twice adds up."""
    wanted: list[tuple[str, int, str]] = []
    for line in (raw or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, last = line.replace("\t", " ").replace("\u3000", " ").rpartition(" ")
        people = _people(last.strip())
        name, people = (name.strip(), people) if name and people is not None else (line, 1)
        if not 1 <= people <= MAX_PEOPLE:
            raise DomainError(_("“%(line)s”: from 1 to %(max)s people a dealer.", line=line,
                                max=MAX_PEOPLE), "attendee_lines")
        wanted.append((name, people, line))
    ids = dict(db.session.execute(select(Dealer.name, Dealer.id).where(
        Dealer.name.in_({name for name, _p, _l in wanted}))).all())
    unknown = [line for name, _p, line in wanted if name not in ids]
    if unknown:
        raise DomainError(_("No dealer of this name: %(lines)s. Write each dealer's full name, "
                            "then the number of people.", lines="；".join(unknown)),
                          "attendee_lines")
    attendees: dict[int, int] = {}
    for name, people, _line in wanted:
        attendees[ids[name]] = attendees.get(ids[name], 0) + people
    return attendees


def save_training(training: DealerTraining | None, values: dict, attendees: dict[int, int],
                  by_id: int) -> DealerTraining:
    """The session and its attendees (replaced by the form's list); the totals kept on it."""
    if values.get("kind") not in TRAINING_KINDS:
        raise DomainError(_("Choose the training's topic."), "kind")
    if training is None:
        training = DealerTraining(created_by_id=by_id)
        db.session.add(training)
    for key in TRAINING_FIELDS:
        value = values.get(key)
        setattr(training, key, (value.strip() or None) if isinstance(value, str) else value)
    if not training.title or not training.trainer:
        raise DomainError(_("Enter the title and the trainer."), "title")
    current = {a.dealer_id: a for a in training.attendees}
    for dealer_id, attendee in current.items():
        if dealer_id not in attendees:
            training.attendees.remove(attendee)
    for dealer_id, people in attendees.items():
        if dealer_id in current:
            current[dealer_id].people = people
        else:
            training.attendees.append(TrainingAttendee(dealer_id=dealer_id, people=people))
    training.dealer_count, training.people_count = len(attendees), sum(attendees.values())
    training.refresh_keys()
    db.session.flush()
    return training


def save_material(handout: MaterialHandout | None, dealer: Dealer, values: dict,
                  by_id: int) -> MaterialHandout:
    if values.get("kind") not in MATERIAL_KINDS:
        raise DomainError(_("Choose the material."), "kind")
    if not values.get("quantity") or values["quantity"] < 1:
        raise DomainError(_("Hand out at least one."), "quantity")
    handout = handout or MaterialHandout(dealer_id=dealer.id, handed_by_id=by_id)
    for key in MATERIAL_FIELDS:
        value = values.get(key)
        setattr(handout, key, (value.strip() or None) if isinstance(value, str) else value)
    db.session.add(handout)
    db.session.flush()
    return handout


DEALER_PAGE_ROWS = 10  # the dealer page's latest trainings and materials


@dataclass(frozen=True)
class DealerEnablement:
    attended: list  # (training, people) of the latest sessions
    sessions: int
    people: int
    handouts: list  # the latest MaterialHandout rows
    pieces: int


def dealer_summary(dealer_id: int) -> DealerEnablement:
    """The dealer page's section (R-63): its latest trainings and materials with totals, in
    three queries whatever their number."""
    attended = db.session.execute(
        select(DealerTraining, TrainingAttendee.people)
        .join(TrainingAttendee, TrainingAttendee.training_id == DealerTraining.id)
        .where(TrainingAttendee.dealer_id == dealer_id)
        .order_by(DealerTraining.held_on.desc(), DealerTraining.id.desc())
        .limit(DEALER_PAGE_ROWS)).all()
    handouts = db.session.scalars(
        select(MaterialHandout).where(MaterialHandout.dealer_id == dealer_id)
        .order_by(MaterialHandout.handed_on.desc(), MaterialHandout.id.desc())
        .limit(DEALER_PAGE_ROWS)).all()
    mine = TrainingAttendee.dealer_id == dealer_id
    sessions, people, pieces = db.session.execute(select(
        select(func.count()).where(mine).scalar_subquery(),
        select(func.coalesce(func.sum(TrainingAttendee.people), 0)).where(mine)
        .scalar_subquery(),
        select(func.coalesce(func.sum(MaterialHandout.quantity), 0))
        .where(MaterialHandout.dealer_id == dealer_id).scalar_subquery())).one()
    return DealerEnablement([tuple(row) for row in attended], sessions, people, handouts, pieces)
