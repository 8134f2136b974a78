"""Bench hook: time the sweep on N generated overdue deadlines (the harness lives in bench/)."""

import time
from datetime import timedelta

from sqlalchemy import insert, select

from crm.auth.models import User
from crm.base import utcnow
from crm.deadlines import services
from crm.deadlines.models import Deadline
from crm.extensions import db

BATCH = 5000


def generate_overdue(n: int, now=None) -> None:
    """n open deadlines spread over the active users, half of them past the escalation delay."""
    now = now or utcnow()
    owners = list(db.session.scalars(select(User.id).where(User.active)))
    for start in range(0, n, BATCH):
        db.session.execute(insert(Deadline), [
            {"kind": "bench", "subject_type": None, "subject_id": i,
             "owner_id": owners[i % len(owners)],
             "due_at": now - timedelta(hours=1 if i % 2 else 48), "created_at": now}
            for i in range(start, min(n, start + BATCH))
        ])


def time_sweep(n: int) -> dict:
    """Generate n overdue deadlines, sweep them, commit; the counts and the seconds it took."""
    generate_overdue(n)
    db.session.commit()
    started = time.perf_counter()
    counts = services.sweep(utcnow())
    db.session.commit()
    return counts | {"seconds": round(time.perf_counter() - started, 3)}
