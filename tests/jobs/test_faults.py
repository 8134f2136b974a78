"""Issue 22 with real processes: `python -m jobs.worker` and `python -m jobs.cron` on a Redis of
the test's own, which is stopped across cron ticks and started again empty. Nothing is
restarted by hand; the periodic jobs run again, the alerts missed meanwhile are raised once,
and /healthz says degraded during the outage and ok after, naming the processes.

The sweep runs every second here (CRM_SWEEP_SECONDS) and reconnection waits at most half a
second (CRM_REDIS_RETRY_MAX_SECONDS); the test only polls, with timeouts, for what the processes
do."""

import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from crm.deadlines.models import DeadlineAlert
from crm.extensions import db
from crm.notifications.models import Notification
from tests.conftest import Client
from tests.deadlines.helpers import add_deadlines
from tests.jobs.conftest import ROOT

BEFORE, DURING = 40, 25  # overdue deadlines added before and during the outage


def wait_for(check, what: str, processes=None, timeout: float = 45):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            logs = processes.tails() if processes else ""
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.1)
    return value


class JobProcesses:
    def __init__(self, env, logs):
        self.env, self.logs, self.procs = env, logs, {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self.procs[name]

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def tails(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in self.procs)

    def stop(self) -> dict[str, int]:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = proc.wait(5)
        return codes


@pytest.fixture
def job_processes(worker_env, own_redis, tmp_path):
    env = {**worker_env, "REDIS_URL": own_redis.url, "CRM_SWEEP_SECONDS": "1",
           "CRM_REDIS_RETRY_MAX_SECONDS": "0.5"}
    processes = JobProcesses(env, tmp_path)
    yield processes
    processes.stop()


def _alerts(app) -> tuple[int, int]:
    with app.app_context():
        counts = (db.session.scalar(select(func.count()).select_from(DeadlineAlert)),
                  db.session.scalar(select(func.count()).select_from(Notification)))
        db.session.remove()
        return counts


def _overdue(app, n, owner):
    with app.app_context():
        add_deadlines(n, owner, hours_ago=30)
        db.session.commit()
        db.session.remove()


def _health(client) -> dict:
    return client.get("/healthz").json


def _ok(client):
    report = _health(client)
    return report if report["status"] == "ok" else None


def _sweeps(client) -> str | None:
    """When the newest sweep was enqueued, as /healthz says."""
    runs = {run["name"]: run for run in _health(client).get("periodic", [])}
    return runs.get("deadlines.sweep", {}).get("enqueued_at")


def test_cron_and_worker_survive_a_redis_outage_and_raise_the_missed_alerts_once(
        app, people, outage_app, own_redis, job_processes, capsys):
    _overdue(app, BEFORE, "zhangwei")
    cron = job_processes.start("cron", "jobs.cron")
    worker = job_processes.start("worker", "jobs.worker")
    health = Client(outage_app)
    report = wait_for(lambda: _ok(health), "health ok at start", job_processes)
    assert [c["name"] for c in report["cron"] if c["alive"]][0].split(":")[1] == str(cron.pid)
    assert [w["name"] for w in report["workers"] if w["alive"]][0].split(":")[1] == str(worker.pid)
    assert report["scheduler"]["alive"]
    wait_for(lambda: _alerts(app) == (2 * BEFORE, 2 * BEFORE), "alerts before the outage",
             job_processes)

    own_redis.stop()
    stopped = time.monotonic()
    for name in ("cron", "worker"):  # a cron tick and the scheduler hit the dead Redis
        wait_for(lambda n=name: job_processes.log(n).count("Redis unreachable") >= 2,
                 f"{name} retrying", job_processes)
    report = _health(health)
    assert report["status"] == "degraded" and report["problems"] == ["redis"]
    _overdue(app, DURING, "liuyang")  # they fall due while no sweep can run
    wait_for(lambda: job_processes.log("cron").count("Redis unreachable") >= 4,
             "more missed cron ticks", job_processes)
    assert cron.poll() is None and worker.poll() is None
    outage = time.monotonic() - stopped

    own_redis.start()  # empty: queues, registrations and histories are gone
    back = time.monotonic()
    total = 2 * (BEFORE + DURING)
    wait_for(lambda: _alerts(app) == (total, total), "the missed alerts", job_processes)
    alerts_after = time.monotonic() - back
    report = wait_for(lambda: _ok(health), "health ok after the outage", job_processes)
    ok_after = time.monotonic() - back
    assert [c["name"] for c in report["cron"] if c["alive"]][0].split(":")[1] == str(cron.pid)
    assert str(worker.pid) in {w["name"].split(":")[1] for w in report["workers"] if w["alive"]}
    assert report["scheduler"]["alive"]

    seen = _sweeps(health)
    wait_for(lambda: _sweeps(health) not in (None, seen), "another sweep", job_processes)
    seen = _sweeps(health)
    wait_for(lambda: _sweeps(health) not in (None, seen), "yet another sweep", job_processes)
    assert _alerts(app) == (total, total)  # each missed alert raised exactly once
    assert job_processes.stop() == {"cron": 0, "worker": 0}  # the same processes, never restarted
    with capsys.disabled():
        print(f"\n[issue 22] outage {outage:.1f} s; Redis back -> missed alerts raised in "
              f"{alerts_after:.1f} s, health ok in {ok_after:.1f} s")
