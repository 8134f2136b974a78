"""Deadlines in bulk for sweep tests, and work run by two workers at once."""

import threading
from datetime import timedelta

from sqlalchemy import insert, select

from crm.auth.models import User
from crm.base import utcnow
from crm.deadlines.models import Deadline
from crm.extensions import db


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def add_deadlines(n: int, owner: str = "zhangwei", hours_ago: float = 1, kind: str = "followup",
                  now=None) -> None:
    """n open deadlines of `owner`, due `hours_ago` before `now`, each on its own subject."""
    due = (now or utcnow()) - timedelta(hours=hours_ago)
    owner_id = user_id(owner)
    rows = [{"kind": kind, "subject_type": "test", "subject_id": i, "owner_id": owner_id,
             "due_at": due, "created_at": due} for i in range(n)]
    for start in range(0, n, 5000):
        db.session.execute(insert(Deadline), rows[start:start + 5000])


def at_once(app, work, workers: int = 2) -> list:
    """Run work(offset) in `workers` threads released together, each in its own app context
    and committing; their results in no order. Any exception fails the test."""
    start, results, errors = threading.Barrier(workers), [], []

    def run(offset):
        try:
            with app.app_context():
                start.wait()
                results.append(work(offset))
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i + 1,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results
