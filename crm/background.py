"""Are alerts flowing? One report, read from Redis, for /healthz, /admin/jobs and the admins'
notice: the cron process, the scheduler and the workers by the age of their heartbeats, the
last run of each periodic job, and jobs orphaned in the started registry (issue 22).

Alerts flow when Redis answers, a cron process and the scheduler beat, a worker beats, and no
periodic job that runs on an interval is overdue."""

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.cron import get_cron_job_ids
from rq.cron_scheduler_registry import get_registry_key as cron_registry_key
from rq.job import Job
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler
from rq.utils import utcparse

from crm.domains import registry
from crm.queue import STATUS_TTL_SECONDS, redis_connection, redis_ok

QUEUE = "default"
CRON_ALIVE_SECONDS = 90  # the cron process beats at least once a minute
CRON_SHOWN_SECONDS = 3600  # a cron process silent for longer is no longer listed
SCHEDULER_ALIVE_SECONDS = 30  # the scheduler beats every second
WORKER_ALIVE_SECONDS = 60  # jobs/worker.py beats every 45 s when idle, 30 s during a job
LATE_GRACE_SECONDS = 60  # an interval job is overdue after 2 intervals + this


@dataclass
class Beat:
    """A process known by its heartbeat."""

    name: str
    age: float | None  # seconds since its last heartbeat
    alive: bool
    state: str = ""


@dataclass
class PeriodicRun:
    name: str
    every: int | None
    cron: str | None
    enqueued_at: datetime | None = None
    ended_at: datetime | None = None
    status: str = ""
    late: bool = False


@dataclass
class Report:
    redis: bool = False
    crons: list[Beat] = field(default_factory=list)
    scheduler: Beat | None = None
    workers: list[Beat] = field(default_factory=list)
    periodic: list[PeriodicRun] = field(default_factory=list)
    orphaned: list[Job] = field(default_factory=list)
    queued: int = 0

    @property
    def problems(self) -> list[str]:
        """What keeps alerts from flowing, each named by the process or job concerned."""
        if not self.redis:
            return ["redis"]
        found = []
        if not any(beat.alive for beat in self.crons):
            found.append("cron")
        if not (self.scheduler and self.scheduler.alive):
            found.append("scheduler")
        if not any(beat.alive for beat in self.workers):
            found.append("worker")
        found += [f"periodic:{run.name}" for run in self.periodic if run.late]
        return found

    def processes(self) -> list[tuple[str, Beat | None]]:
        """(role, heartbeat) rows; a role without any process gets a row saying so."""
        return [*(("cron", beat) for beat in self.crons or [None]),
                ("scheduler", self.scheduler),
                *(("worker", beat) for beat in self.workers or [None])]

    @property
    def flowing(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {
            "alerts_flowing": self.flowing,
            "problems": self.problems,
            "cron": [asdict(beat) for beat in self.crons],
            "scheduler": asdict(self.scheduler) if self.scheduler else None,
            "workers": [asdict(beat) for beat in self.workers],
            "periodic": [_run_json(run) for run in self.periodic],
            "orphaned_jobs": [{"id": job.id, "func": job.func_name,
                               "worker": job.worker_name} for job in self.orphaned],
        }


def _run_json(run: PeriodicRun) -> dict:
    data = asdict(run)
    for key in ("enqueued_at", "ended_at"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _age(now: float, at: datetime | float | None) -> float | None:
    if at is None:
        return None
    seconds = at if isinstance(at, float) else at.replace(tzinfo=at.tzinfo or UTC).timestamp()
    return round(max(0.0, now - seconds), 1)


def _crons(conn, now: float) -> list[Beat]:
    beats = conn.zrangebyscore(cron_registry_key(), now - CRON_SHOWN_SECONDS, "+inf",
                               withscores=True)
    return [Beat(name.decode(), age, age <= CRON_ALIVE_SECONDS)
            for name, score in beats if (age := _age(now, score)) is not None]


def _scheduler(conn, now: float) -> Beat | None:
    name = conn.get(RQScheduler.get_locking_key(QUEUE))
    if name is None:
        return None
    scheduler = RQScheduler([], connection=conn, name=name.decode())
    beat = conn.hget(scheduler.key, "last_heartbeat")
    age = _age(now, utcparse(beat.decode())) if beat else None
    return Beat(scheduler.name, age, age is not None and age <= SCHEDULER_ALIVE_SECONDS)


def _workers(conn, now: float) -> list[Beat]:
    beats = []
    for worker in Worker.all(connection=conn):
        age = _age(now, worker.last_heartbeat)
        beats.append(Beat(worker.name, age, age is not None and age <= WORKER_ALIVE_SECONDS,
                          worker.get_state()))
    return beats


def _periodic(conn, now: float) -> list[PeriodicRun]:
    runs = []
    for job in registry(current_app).periodic:
        run = PeriodicRun(job.name, job.interval, job.cron)
        last = Job.fetch_many(get_cron_job_ids(job.name, conn, 0, 0), connection=conn)
        if last and last[0] is not None:
            run.enqueued_at, run.ended_at = last[0].enqueued_at, last[0].ended_at
            status = last[0].get_status(refresh=False)
            run.status = status.value if status else ""
        if job.interval:
            age = _age(now, run.enqueued_at)
            run.late = age is None or age > 2 * job.interval + LATE_GRACE_SECONDS
        runs.append(run)
    return runs


def _orphaned(conn, workers: list[Beat]) -> list[Job]:
    """Jobs in the started registry whose worker no longer beats (killed mid-job)."""
    alive = {beat.name for beat in workers if beat.alive}
    registry = StartedJobRegistry(QUEUE, connection=conn)
    started = Job.fetch_many(registry.get_job_ids(cleanup=False), connection=conn)
    return [job for job in started if job is not None and job.worker_name not in alive]


def report(conn, now: float | None = None) -> Report:
    """The whole picture; Redis errors give a report that says Redis is unreachable."""
    now = time.time() if now is None else now
    if conn is None:
        return Report()
    try:
        workers = _workers(conn, now)
        return Report(redis=True, crons=_crons(conn, now), scheduler=_scheduler(conn, now),
                      workers=workers, periodic=_periodic(conn, now),
                      orphaned=_orphaned(conn, workers), queued=Queue(QUEUE, connection=conn).count)
    except RedisError:
        return Report()


def alerts_flowing() -> bool:
    """For the admins' notice on every page: checked at most every STATUS_TTL_SECONDS per
    process, and at once false while Redis is known to be down."""
    if not redis_ok():
        return False
    status = current_app.extensions.setdefault("crm_alerts_status", {"ok": None, "at": 0.0})
    if status["ok"] is None or time.monotonic() - status["at"] >= STATUS_TTL_SECONDS:
        status.update(ok=report(redis_connection()).flowing, at=time.monotonic())
    return status["ok"]
