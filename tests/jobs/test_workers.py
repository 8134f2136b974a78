"""R-41 with real workers: each alert raised once, however often and wherever the sweep runs;
a worker killed mid-sweep loses nothing; periodic jobs come from jobs/schedule.py."""

import os
import signal
import time
from datetime import timedelta

from rq import Queue, SimpleWorker
from rq.cron import CronScheduler
from sqlalchemy import func, select

from crm.base import utcnow
from crm.deadlines import services
from crm.deadlines.models import DeadlineAlert
from crm.extensions import db
from crm.notifications.models import Notification
from jobs.deadlines import sweep_deadlines
from jobs.schedule import all_periodic, register_all
from tests.deadlines.helpers import add_deadlines

N = 1500


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        alerts = db.session.scalar(select(func.count()).select_from(DeadlineAlert))
        notes = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.remove()
        return alerts, notes


def _overdue(app, n=N, hours_ago=30):
    with app.app_context():
        add_deadlines(n, "zhangwei", hours_ago=hours_ago)
        db.session.commit()
        db.session.remove()


def _wait(proc, seconds=60):
    out, _ = proc.communicate(timeout=seconds)
    assert proc.returncode == 0, out.decode(errors="replace")[-3000:]


def test_the_schedule_registers_the_sweep_every_minute_with_retries(redis_conn):
    scheduler = CronScheduler(connection=redis_conn)
    scheduler.load_config_from_file("jobs/schedule.py")
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert jobs["deadlines.sweep"].interval == 60
    assert jobs["deadlines.sweep"].func is sweep_deadlines
    assert "notifications.flush_email" in jobs
    assert set(jobs) == {job.name for job in all_periodic()} >= {"leads.return_to_pool"}


def test_a_cron_tick_runs_the_sweep_on_a_worker(app, people, redis_conn, in_process_jobs):
    _overdue(app, 20)
    scheduler = CronScheduler(connection=redis_conn)
    register_all(scheduler.register)
    enqueued = scheduler.enqueue_jobs()
    assert {job.name for job in enqueued} >= {"deadlines.sweep"}
    queue = Queue("default", connection=redis_conn)
    job = next(j for j in queue.jobs if j.func_name == "jobs.deadlines.sweep_deadlines")
    assert job.retries_left == 3 and job.retry_intervals == [10, 30, 60]
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert job.latest_result().return_value == {"overdue": 20, "escalated": 20, "notified": 40}
    assert _counts(app) == (40, 40)


def test_twice_in_a_row_and_in_two_worker_processes_at_once_raise_each_alert_once(
        app, people, redis_conn, start_worker):
    _overdue(app)
    queue = Queue("sweeps", connection=redis_conn)
    for name in ("a", "b", "c", "d"):
        queue.enqueue(sweep_deadlines, job_id=f"sweep-{name}")
    workers = [start_worker("sweeps"), start_worker("sweeps")]  # forking workers, in parallel
    for proc in workers:
        _wait(proc)
    results = [queue.fetch_job(f"sweep-{n}").latest_result() for n in "abcd"]
    assert all(r.type.name == "SUCCESSFUL" for r in results)
    assert sum(r.return_value["overdue"] for r in results) == N
    assert _counts(app) == (2 * N, 2 * N)  # owner + manager, once each


def test_a_worker_killed_mid_sweep_loses_nothing(app, people, redis_conn, start_worker,
                                                 tmp_path):
    _overdue(app)
    marker = tmp_path / "marker"
    queue = Queue("slow", connection=redis_conn)
    queue.enqueue("tests.jobs.slow.slow_sweep", str(marker), job_id="slow-sweep")
    worker = start_worker("slow", simple=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "the sweep never reached its middle"
        time.sleep(0.1)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    assert _counts(app) == (0, 0)  # one transaction: nothing half-done is visible

    with app.app_context():
        assert services.sweep(utcnow())["overdue"] == N
        db.session.commit()
        assert services.sweep(utcnow() + timedelta(minutes=1))["overdue"] == 0
        db.session.commit()
        db.session.remove()
    assert _counts(app) == (2 * N, 2 * N)
