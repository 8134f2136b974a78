"""Bench hook: time the sweep on N generated overdue deadlines (the harness lives in bench/).

Half of them follow the standard ladder, half a three-level one (owner, manager, director);
one in ten is paused, as a complaint waiting for its customer would be."""

import time
from datetime import timedelta

from sqlalchemy import delete, insert, select

from crm.auth.models import User
from crm.base import utcnow
from crm.deadlines import services
from crm.deadlines.models import Deadline, DeadlineAlert, DeadlineKindRule, LadderStep
from crm.extensions import db
from crm.notifications.models import Notification

BATCH = 5000
LADDER_KIND = "bench.ladder"
KINDS = ("bench", LADDER_KIND)


def _ladder_rule() -> None:
    if db.session.scalar(select(DeadlineKindRule.id).where(
            DeadlineKindRule.kind == LADDER_KIND)) is None:
        db.session.add(DeadlineKindRule(kind=LADDER_KIND, basis="working", steps=[
            LadderStep(level=2, role="manager", delay_minutes=60),
            LadderStep(level=3, role="director", delay_minutes=24 * 60)]))


def generate_overdue(n: int, now=None) -> None:
    """n open deadlines spread over the active users, half of them past the escalation delay."""
    now = now or utcnow()
    _ladder_rule()
    owners = list(db.session.scalars(select(User.id).where(User.active)))
    for start in range(0, n, BATCH):
        db.session.execute(insert(Deadline), [
            {"kind": LADDER_KIND if i % 4 < 2 else "bench", "subject_type": None,
             "subject_id": i, "owner_id": owners[i % len(owners)],
             "due_at": now - timedelta(hours=1 if i % 2 else 48), "created_at": now,
             "paused_at": now - timedelta(hours=2) if i % 10 == 9 else None}
            for i in range(start, min(n, start + BATCH))
        ])


def clear() -> None:
    """Remove the generated deadlines with their alerts and notifications, so that the pages
    measured next (home, agenda, the bell) count only the data set's own."""
    bench_deadlines = select(Deadline.id).where(Deadline.kind.in_(KINDS))
    db.session.execute(delete(DeadlineAlert).where(DeadlineAlert.deadline_id.in_(bench_deadlines)))
    db.session.execute(delete(Notification).where(Notification.deadline_kind.in_(KINDS)))
    db.session.execute(delete(Deadline).where(Deadline.kind.in_(KINDS)))
    db.session.commit()


def catch_up() -> dict:
    """Sweep what the data set itself has missed, untimed: a running system sweeps every
    minute, so its own overdue clocks (medium: 119k revisits, archives, complaints and
    follow-ups, never swept since they were generated) would not wait for the timed run."""
    counts = services.sweep(utcnow())
    db.session.commit()
    return counts


def time_sweep(n: int) -> dict:
    """Generate n overdue deadlines, sweep them, commit; the counts and the seconds it took.
    What it generated is removed afterwards (and any left by an interrupted run, before)."""
    clear()
    catch_up()
    generate_overdue(n)
    db.session.commit()
    started = time.perf_counter()
    counts = services.sweep(utcnow())
    db.session.commit()
    seconds = round(time.perf_counter() - started, 3)
    clear()
    return counts | {"seconds": seconds}
