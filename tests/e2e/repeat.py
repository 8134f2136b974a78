"""`make test-e2e-repeat N=20`: the browser tests N times in a row while a busy loop keeps the
machine's last core busy, to show they do not depend on timing (issue 19).

The busy loop is bounded: it stops by itself after --hog-seconds even if this script is killed,
and is stopped as soon as the runs are over. Each run's output goes to a log file; a failed
run prints its failures. Exit status 1 if any run failed."""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUSY_LOOP = """
import os, sys, time
os.sched_setaffinity(0, {int(sys.argv[1])})
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    pass
"""


def start_hog(seconds: float) -> subprocess.Popen:
    core = max(os.sched_getaffinity(0))
    return subprocess.Popen([sys.executable, "-c", BUSY_LOOP, str(core), str(seconds)])


def run_once(index: int, runs: int, pytest_args: list[str], logs: Path) -> bool:
    log = logs / f"run-{index:02d}.log"
    traces = logs / f"run-{index:02d}-traces"  # a failed test's Playwright trace, to read later
    started = time.monotonic()
    with log.open("w") as out:
        code = subprocess.call([sys.executable, "-m", "pytest", "tests/e2e", "--tracing",
                                "retain-on-failure", "--output", str(traces), *pytest_args],
                               stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    print(f"run {index}/{runs}: {'passed' if code == 0 else 'FAILED'} in {seconds:.1f} s "
          f"({log})", flush=True)
    if code != 0:
        for line in log.read_text().splitlines():
            if line.startswith(("FAILED", "ERROR", "E   ")):
                print(f"    {line}")
        print(f"    traces: {traces} (.venv/bin/playwright show-trace FILE)")
    return code == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--hog-seconds", type=float, default=None,
                        help="upper bound of the busy loop (default: 15 minutes per run)")
    parser.add_argument("pytest_args", nargs="*")
    options = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="e2e-repeat-"))
    hog = start_hog(options.hog_seconds or options.runs * 900)
    print(f"busy loop on core {max(os.sched_getaffinity(0))} (pid {hog.pid}); logs in {logs}",
          flush=True)
    try:
        results = [run_once(i, options.runs, options.pytest_args, logs)
                   for i in range(1, options.runs + 1)]
    finally:
        hog.terminate()
        hog.wait()
    print(f"e2e-repeat: {results.count(True)} passed, {results.count(False)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
