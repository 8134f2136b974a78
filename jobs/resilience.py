"""The long-running job processes outlive Redis: a step that fails because Redis is unreachable
is retried with backoff instead of ending the process (issue 22). RQ's own `rq cron` exits at
the first tick it cannot reach Redis, and the worker's scheduler child dies at its first failed
heartbeat; the classes here are what `python -m jobs.cron` and `python -m jobs.worker` run."""

import logging
import os
import time
from collections.abc import Callable

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("jobs.resilience")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
FIRST_PAUSE_SECONDS = 0.5


def max_pause_seconds() -> float:
    """The longest wait between two reconnection attempts (CRM_REDIS_RETRY_MAX_SECONDS)."""
    return float(os.environ.get("CRM_REDIS_RETRY_MAX_SECONDS") or 10)


class Backoff:
    """0.5 s, 1 s, 2 s, ... up to the cap; `reset()` once Redis answers again."""

    def __init__(self, cap: float | None = None):
        self.cap = max_pause_seconds() if cap is None else cap
        self.pause: float | None = None

    def next(self) -> float:
        self.pause = FIRST_PAUSE_SECONDS if self.pause is None else self.pause * 2
        self.pause = min(self.pause, self.cap)
        return self.pause

    @property
    def waiting(self) -> bool:
        return self.pause is not None

    def reset(self) -> None:
        self.pause = None


def never() -> bool:
    return False


def run_forever(step: Callable[[], float], what: str, stopped: Callable[[], bool] = never,
                sleep: Callable[[float], None] = time.sleep) -> None:
    """Call `step()` (it answers how long to wait before the next call) until `stopped()`.
    While Redis is unreachable each failed step logs one line and the next waits longer."""
    backoff = Backoff()
    while not stopped():
        try:
            pause = step()
        except REDIS_DOWN as error:
            pause = backoff.next()
            log.warning("%s: Redis unreachable (%s); retrying in %.1f s", what, error, pause)
        else:
            if backoff.waiting:
                log.warning("%s: Redis reachable again", what)
                backoff.reset()
        sleep(pause)


def redis_client(url: str):
    """A client that gives up on a silent Redis instead of hanging: the loops above retry."""
    from redis import Redis

    return Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
