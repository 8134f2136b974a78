"""Periodic jobs: ONE registration list, loaded by the cron process
(`python -m jobs.cron jobs/schedule.py`, started by `make run`). A domain adds its job to
PERIODIC; each job is idempotent and retried with backoff (crm.queue.RETRY)."""

import os
from collections.abc import Callable
from dataclasses import dataclass

from rq import cron

from crm.queue import RETRY
from jobs.deadlines import sweep_deadlines
from jobs.leads import return_leads_to_pool, warn_leads_returning_soon
from jobs.notifications import flush_emails

QUEUE = "default"
# How often the sweep and the e-mail flush run (CRM_SWEEP_SECONDS; tests shorten it).
SWEEP_SECONDS = int(os.environ.get("CRM_SWEEP_SECONDS") or 60)


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable
    interval: int | None = None  # seconds; or
    cron: str | None = None  # a crontab line


PERIODIC: list[Periodic] = [
    Periodic("deadlines.sweep", sweep_deadlines, interval=SWEEP_SECONDS),
    Periodic("notifications.flush_email", flush_emails, interval=SWEEP_SECONDS),
]

# a lead without follow-up for pool_return_days returns to the shared pool, daily at
# 02:00 Asia/Shanghai (18:00 UTC).
LEAD_POOL_RETURN: list[Periodic] = [
    Periodic("leads.return_to_pool", return_leads_to_pool, cron="0 18 * * *"),
    # ... and warns the owners pool_warning_days ahead, daily at 08:30 Asia/Shanghai.
    Periodic("leads.warn_pool_return", warn_leads_returning_soon, cron="30 0 * * *"),
]


def all_periodic() -> list[Periodic]:
    return [*PERIODIC, *LEAD_POOL_RETURN]


def register_all(register: Callable = cron.register) -> None:
    for job in all_periodic():
        register(job.func, QUEUE, interval=job.interval, cron=job.cron, name=job.name,
                 kwargs={"retry": RETRY})


register_all()
