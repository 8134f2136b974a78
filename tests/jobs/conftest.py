"""Real RQ workers against the suite's real Redis, as subprocesses or in-process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

from jobs.context import use_app

ROOT = Path(__file__).parents[2]
RQ = str(Path(sys.executable).parent / "rq")


@pytest.fixture
def worker_env(app, redis_url):
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": redis_url, "SECRET_KEY": "test-secret", "CRM_DEMO": "0",
            "PYTHONUNBUFFERED": "1"}


@pytest.fixture
def start_worker(worker_env, redis_url):
    """start_worker("queue", simple=True) -> a `rq worker --burst` process on that queue."""
    procs = []

    def start(queue: str, simple: bool = False, burst: bool = True) -> subprocess.Popen:
        cmd = [RQ, "worker", "--url", redis_url, "--path", str(ROOT), queue]
        if burst:
            cmd.insert(2, "--burst")
        if simple:
            cmd[2:2] = ["--worker-class", "rq.worker.SimpleWorker"]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=worker_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


@pytest.fixture
def redis_conn(redis_url):
    return Redis.from_url(redis_url)


@pytest.fixture
def in_process_jobs(app):
    """Jobs run by an in-process worker use the test app."""
    use_app(app)
    yield
    use_app(None)
