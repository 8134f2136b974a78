"""Real RQ workers against the suite's real Redis, as subprocesses or in-process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

from crm import create_app
from crm.devrun import free_port, redis_server_binary, wait_for_redis
from crm.extensions import db
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
    """start_worker("queue") -> the app's worker (`python -m jobs.worker --burst`, a work
    horse forked per job) on that queue; simple=True -> RQ's SimpleWorker, which runs the job
    in its own process (to be killed mid-job)."""
    procs = []

    def start(queue: str, simple: bool = False) -> subprocess.Popen:
        if simple:
            cmd = [RQ, "worker", "--burst", "--worker-class", "rq.worker.SimpleWorker",
                   "--url", redis_url, "--path", str(ROOT), queue]
        else:
            cmd = [sys.executable, "-m", "jobs.worker", "--burst", "--url", redis_url, queue]
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


class OwnRedis:
    """A redis-server of this test's own, stopped and started again (empty) on the same port."""

    def __init__(self, data_dir):
        self.port, self.dir, self.proc = free_port(), data_dir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL)
        wait_for_redis(self.url, self.proc)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.proc.poll() is None:
        server.stop()


@pytest.fixture
def outage_app(app, own_redis):
    """The same database, with the Redis that this test stops."""
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY",
                                         "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB",
                                         "ARGON2_PARALLELISM")}
    other = create_app({**config, "TESTING": True, "CRM_DEMO": False,
                        "REDIS_URL": own_redis.url})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
