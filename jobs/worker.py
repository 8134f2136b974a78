"""`python -m jobs.worker [--url REDIS_URL] [queue ...]`: an RQ worker with its scheduler, kept
alive through Redis outages.

RQ's worker already waits for Redis while it listens, but it quits on other Redis errors (a
timeout, a failed heartbeat during a job), its scheduler child dies at its first failed
heartbeat and is only restarted at the next maintenance pass, and a Redis that comes back
without its data forgets the worker. Here the scheduler retries with backoff, the worker
registers again when it was forgotten, maintenance runs every minute, and a worker that quits
for any reason but a stop request is replaced after a backoff."""

import argparse
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import suppress

from rq import Worker, worker_registration
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.exceptions import StopRequested
from rq.scheduler import RQScheduler

from jobs.resilience import (
    REDIS_DOWN,
    Backoff,
    configure_logging,
    log,
    max_pause_seconds,
    redis_client,
    run_forever,
)

# A live worker beats at least every WORKER_TTL - 15 s while idle and every 30 s during a job;
# /healthz counts a worker as alive while its last beat is younger than WORKER_TTL.
WORKER_TTL = 60
MAINTENANCE_SECONDS = 60


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class ResilientScheduler(RQScheduler):
    """The worker's scheduler (delayed retries): its loop waits for Redis instead of dying."""

    def work(self) -> None:
        self._install_signal_handlers()
        self.born = False
        try:
            run_forever(self.tick, f"scheduler {self.name}",
                        stopped=lambda: self._stop_requested)
        finally:
            with suppress(*REDIS_DOWN):
                self.stop()

    def tick(self) -> float:
        try:
            if not self.born:  # at start, and again after an outage (Redis may be empty)
                self.register_birth()
                self.born = True
            if self.should_reacquire_locks:
                self.acquire_locks()
            self.heartbeat()  # also takes back a lock that expired during the outage
            self.enqueue_scheduled_jobs()
        except REDIS_DOWN:
            self.born = False
            raise
        return self.interval


class ResilientWorker(Worker):
    def __init__(self, queues, name: str | None = None, **kwargs):
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(queues, name or process_name(), **kwargs)
        self.max_connection_wait_time = max_pause_seconds()

    def _start_scheduler(self, burst: bool = False, logging_level: str | None = "INFO",
                         date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
                         log_format: str = DEFAULT_LOGGING_FORMAT):
        if burst:
            return super()._start_scheduler(burst, logging_level, date_format, log_format)
        self.scheduler = ResilientScheduler(
            self.queues, connection=self.connection, serializer=self.serializer,
            name=f"{self.name}/scheduler",
            logging_level=logging_level or self.log.level, date_format=date_format,
            log_format=log_format)
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            self.scheduler.start()

    def heartbeat(self, timeout: int | None = None, pipeline=None) -> None:
        super().heartbeat(timeout, pipeline)
        if pipeline is None and not self.connection.sismember(self.redis_workers_keys,
                                                              self.key):
            self.register_again()

    def register_again(self) -> None:
        """Redis came back without this worker's registration (restarted without its data)."""
        with self.connection.pipeline() as pipeline:
            pipeline.hset(self.key, mapping=self.serialize())
            worker_registration.register(self, pipeline)
            pipeline.expire(self.key, self.worker_ttl + 60)
            pipeline.execute()
        log.warning("worker %s: registered again", self.name)


def _raise_stop(_signum, _frame):
    raise StopRequested


def run(connection, queues: list[str], sleep: Callable[[float], None] = time.sleep,
        worker_class: type[Worker] = ResilientWorker) -> None:
    """Work until a stop is requested; a worker that quits otherwise is replaced."""
    backoff = Backoff()
    while True:
        worker = None
        try:
            worker = worker_class(queues, connection=connection)  # talks to Redis already
            worker.work(with_scheduler=True)
        except REDIS_DOWN as error:
            log.warning("worker: Redis unreachable (%s)", error)
        if worker is not None and worker._shutdown_requested_date is not None:
            return
        signal.signal(signal.SIGTERM, _raise_stop)
        signal.signal(signal.SIGINT, _raise_stop)
        pause = backoff.next()
        log.warning("worker stopped working; a new one starts in %.1f s", pause)
        sleep(pause)


def warm_app() -> None:
    """Build the jobs' app once, before forking: each job's process inherits it instead of
    importing and configuring everything again (seconds per job). No connection is open at
    the fork: the pool starts empty in every job."""
    from crm.extensions import db
    from jobs.context import worker_app

    with worker_app().app_context():
        db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs.worker", description=__doc__)
    parser.add_argument("--url", default=os.environ.get("REDIS_URL"), help="Redis URL")
    parser.add_argument("--burst", action="store_true",
                        help="work until the queues are empty, then quit")
    parser.add_argument("queues", nargs="*", default=["default"])
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("set REDIS_URL or pass --url")
    configure_logging()
    warm_app()
    connection = redis_client(args.url)
    if args.burst:
        ResilientWorker(args.queues, connection=connection).work(burst=True)
        return 0
    with suppress(StopRequested):
        run(connection, args.queues)
    return 0


if __name__ == "__main__":
    sys.exit(main())
