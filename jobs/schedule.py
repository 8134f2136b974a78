"""Periodic jobs, loaded by the cron process (`python -m jobs.cron jobs/schedule.py`, started
by `make run`). The domains register them (crm.domains.add_periodic, in each domain's
init_app); each job is idempotent and retried with backoff (crm.queue.RETRY)."""

from collections.abc import Callable

from rq import cron
from werkzeug.utils import import_string

from crm.domains import Periodic, registry
from crm.queue import RETRY
from jobs.context import worker_app

QUEUE = "default"


def all_periodic() -> list[Periodic]:
    return list(registry(worker_app()).periodic)


def register_all(register: Callable = cron.register) -> None:
    for job in all_periodic():
        register(import_string(job.func), QUEUE, interval=job.interval, cron=job.cron,
                 name=job.name, kwargs={"retry": RETRY})


register_all()
