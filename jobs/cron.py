"""`python -m jobs.cron [--url REDIS_URL] [jobs/schedule.py]`: RQ's cron process, kept alive.

Unlike `rq cron`, a tick that cannot reach Redis does not end the process: it waits with
backoff and the next successful tick enqueues every job that fell due meanwhile (once), and
re-registers the process if Redis came back without its data. A job on a crontab line (the
daily pool return) whose run was missed while the process was down runs once at start."""

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from rq.cron import CronJob, CronScheduler, now
from rq.exceptions import DuplicateSchedulerError, SchedulerNotFound, StopRequested
from rq.job import Job, JobStatus

from jobs.resilience import REDIS_DOWN, configure_logging, redis_client, run_forever


class ResilientCron(CronScheduler):
    def __init__(self, *args, sleep: Callable[[float], None] = time.sleep, **kwargs):
        super().__init__(*args, **kwargs)
        self.sleep = sleep
        self.born = False

    def start(self) -> None:
        self.log.info("CronScheduler %s: starting", self.name)
        self._install_signal_handlers()
        try:
            run_forever(self.tick, f"cron {self.name}", sleep=self.sleep)
        except (KeyboardInterrupt, StopRequested):
            self.log.info("CronScheduler %s: stop requested", self.name)
        finally:
            with suppress(*REDIS_DOWN, SchedulerNotFound):
                self.register_death()

    def tick(self) -> float:
        """Enqueue what is due, beat, and answer how long to sleep."""
        if not self.born:
            self.catch_up()
            with suppress(DuplicateSchedulerError):  # a birth whose answer was lost
                self.register_birth()
            self.born = True
        if self.enqueue_jobs():
            self.save()
        self.heartbeat()  # re-registers and re-saves if Redis lost them
        return self.calculate_sleep_interval()

    def enqueue_jobs(self) -> list[CronJob]:
        """As RQ's, except that a job whose previous run still waits in the queue is not
        enqueued again: that run does the same work (a stopped worker would pile up one per
        tick)."""
        enqueue_time = now()
        enqueued = []
        for job in self.get_jobs():
            if job.should_run():
                if not self.still_queued(job):
                    job.enqueue(self.connection)
                    enqueued.append(job)
                job.set_enqueue_time(enqueue_time)
        return enqueued

    def still_queued(self, job: CronJob) -> bool:
        previous = Job.fetch_many(job.get_job_ids(self.connection, 0, 0), self.connection)
        return bool(previous and previous[0] and previous[0].get_status() == JobStatus.QUEUED)

    def catch_up(self) -> None:
        """Crontab jobs continue from their last enqueue, so one missed while no cron process
        ran is due at once instead of tomorrow."""
        for job in self.get_jobs():
            if job.cron and (last := self.connection.zrange(job.job_history_key, -1, -1,
                                                            withscores=True)):
                job.set_enqueue_time(datetime.fromtimestamp(last[0][1], UTC))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs.cron", description=__doc__)
    parser.add_argument("--url", default=os.environ.get("REDIS_URL"), help="Redis URL")
    parser.add_argument("schedule", nargs="?", default="jobs/schedule.py")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("set REDIS_URL or pass --url")
    configure_logging()
    cron = ResilientCron(connection=redis_client(args.url))
    cron.load_config_from_file(args.schedule)
    cron.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
