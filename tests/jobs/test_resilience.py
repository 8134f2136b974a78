"""Issue 22, piece by piece with an injected clock: the retry loop's backoff, `make run`'s
supervisor, the cron catch-up, worker re-registration and the health report's verdicts."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue
from rq.cron import CronScheduler
from rq.registry import StartedJobRegistry

from crm.background import report
from crm.devrun import Supervisor
from jobs import cron as cron_module
from jobs.cron import ResilientCron
from jobs.resilience import run_forever
from jobs.schedule import register_all
from jobs.worker import ResilientWorker


def test_a_failing_step_waits_longer_each_time_and_starts_over_once_redis_answers(monkeypatch):
    monkeypatch.setenv("CRM_REDIS_RETRY_MAX_SECONDS", "3")
    outcomes = iter([RedisConnectionError("down")] * 5 + [7.0, RedisConnectionError("down")])
    pauses = []

    def step():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    run_forever(step, "test", stopped=lambda: len(pauses) == 7, sleep=pauses.append)
    assert pauses == [0.5, 1.0, 2.0, 3.0, 3.0, 7.0, 0.5]


class FakeProcess:
    def __init__(self, code=None):
        self.code = code

    def poll(self):
        return self.code


def test_make_run_restarts_worker_and_cron_with_backoff_and_stops_when_the_web_app_exits():
    clock = [0.0]
    launched = []

    def launch(cmd, _env):
        launched.append(cmd[0])
        return FakeProcess()

    supervisor = Supervisor({}, launch=launch, clock=lambda: clock[0])
    web = supervisor.add("web", ["web"])
    cron = supervisor.add("cron", ["cron"])
    launched.clear()
    for wait in (1, 2, 4):  # cron keeps dying at once: 1 s, 2 s, 4 s before each restart
        cron.proc.code = 1
        assert supervisor.check() is None
        clock[0] += wait - 0.1
        supervisor.check()
        assert launched.count("cron") == [1, 2, 4].index(wait)
        clock[0] += 0.1
        supervisor.check()
        assert launched.count("cron") == [1, 2, 4].index(wait) + 1
    clock[0] += 120  # it ran steadily for a while: the next restart comes after 1 s again
    cron.proc.code = 1
    supervisor.check()
    assert cron.pause == 1.0
    web.proc.code = 3
    assert supervisor.check() == ("web", 3)


def test_a_daily_job_missed_while_no_cron_ran_is_enqueued_at_start(redis_conn, monkeypatch):
    cron = ResilientCron(connection=redis_conn, sleep=lambda _s: None)
    register_all(cron.register)
    daily = next(job for job in cron.get_jobs() if job.name == "leads.return_to_pool")
    yesterday = datetime(2026, 11, 27, 18, 0, 5, tzinfo=UTC)
    redis_conn.zadd(daily.job_history_key, {"earlier-run": yesterday.timestamp()})
    monkeypatch.setattr("rq.cron.now", lambda: datetime(2026, 11, 28, 20, 0, tzinfo=UTC))
    monkeypatch.setattr(cron_module, "now", lambda: datetime(2026, 11, 28, 20, 0, tzinfo=UTC))
    cron.tick()  # started at 20:00, two hours after today's 18:00 run was due
    assert len(daily.get_job_ids(redis_conn)) == 2
    cron.tick()  # once
    assert len(daily.get_job_ids(redis_conn)) == 2


def test_a_job_still_waiting_in_the_queue_is_not_enqueued_again(redis_conn, monkeypatch):
    cron = ResilientCron(connection=redis_conn)
    register_all(cron.register)
    clock = [datetime(2026, 11, 28, 8, 0, tzinfo=UTC)]
    monkeypatch.setattr("rq.cron.now", lambda: clock[0])
    monkeypatch.setattr(cron_module, "now", lambda: clock[0])
    cron.tick()
    clock[0] += timedelta(minutes=5)  # no worker took the first sweep
    cron.tick()
    assert Queue("default", connection=redis_conn).count == 2  # one sweep, one e-mail flush


def test_a_worker_forgotten_by_an_emptied_redis_registers_again(redis_conn):
    worker = ResilientWorker(["default"], connection=redis_conn)
    worker.register_birth()
    redis_conn.flushdb()  # Redis restarted without its data
    worker.heartbeat()
    assert [w.name for w in ResilientWorker.all(connection=redis_conn)] == [worker.name]


@pytest.fixture
def beating(app, redis_conn, in_process_jobs):
    """A cron process, a worker and the scheduler, all beating now (the report reads the
    periodic jobs from the app's domain registry)."""
    cron = CronScheduler(connection=redis_conn, name="host:11:cron")
    register_all(cron.register)
    cron.register_birth()
    cron.enqueue_jobs()
    worker = ResilientWorker(["default"], connection=redis_conn, name="host:12:abc")
    worker.register_birth()
    redis_conn.set("rq:scheduler-lock:default", "host:12:abc/scheduler")
    redis_conn.hset("rq:scheduler:host:12:abc/scheduler", "last_heartbeat",
                    datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    with app.app_context():
        yield worker


def test_health_names_each_process_and_turns_degraded_as_heartbeats_age(redis_conn, beating):
    now = time.time()
    fresh = report(redis_conn, now + 5)
    assert fresh.flowing, fresh.problems
    assert [beat.name for beat in fresh.crons] == ["host:11:cron"]
    assert fresh.scheduler.name == "host:12:abc/scheduler"
    assert [beat.name for beat in fresh.workers] == ["host:12:abc"]
    assert report(redis_conn, now + 45).problems == ["scheduler"]
    assert report(redis_conn, now + 75).problems == ["scheduler", "worker"]
    assert report(redis_conn, now + 200).problems == [
        "cron", "scheduler", "worker", "periodic:deadlines.sweep",
        "periodic:notifications.flush_email"]


def test_health_lists_a_job_orphaned_by_a_dead_worker(redis_conn, beating):
    queue = Queue("default", connection=redis_conn)
    job = queue.enqueue("operator.add", 1, 2, job_id="left-behind")
    job.worker_name = "host:99:dead"
    job.save()
    redis_conn.zadd(StartedJobRegistry(queue=queue).key, {"left-behind:exec1": time.time() + 300})
    assert [j.id for j in report(redis_conn).orphaned] == ["left-behind"]
