"""Background work timed by the benchmark (the overdue sweep, the pool return, ...).

Each entry runs inside the benchmark's app context on the generated data and returns seconds."""

from collections.abc import Callable

from bench.generate import Size

JOBS: list[tuple[str, Callable[[Size], float]]] = []
