"""A sweep that stops in the middle of its transaction, for the SIGKILL test."""

import time
from pathlib import Path

from sqlalchemy import event

from crm.extensions import db
from jobs.context import worker_app
from jobs.deadlines import sweep_deadlines


def slow_sweep(marker: str) -> dict:
    """The real sweep job, pausing after its first notifications are inserted (uncommitted)."""
    with worker_app().app_context():
        engine = db.engine

    @event.listens_for(engine, "after_cursor_execute")
    def pause(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("INSERT INTO notifications"):
            Path(marker).write_text("in the middle")
            time.sleep(120)

    return sweep_deadlines()
