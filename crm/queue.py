"""The Redis connection and RQ queues; jobs are enqueued only after the commit they need.

Redis being down never breaks a page or a save: `enqueue` logs and returns None, and the
periodic jobs pick the work up later, since the state they need lives in the database.
"""

import logging
import time

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

RETRY = Retry(max=3, interval=[10, 30, 60])
CONNECT_TIMEOUT_SECONDS = 0.5
STATUS_TTL_SECONDS = 30
PENDING_KEY = "crm_after_commit"
WAITING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def init_queue(app) -> None:
    url = app.config["REDIS_URL"]
    app.extensions["crm_redis"] = (
        Redis.from_url(url, socket_timeout=2, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
        if url else None
    )
    app.extensions["crm_redis_status"] = {"ok": None, "at": 0.0}
    if not event.contains(Session, "after_commit", _enqueue_pending):
        event.listen(Session, "after_commit", _enqueue_pending)
        event.listen(Session, "after_soft_rollback", _drop_pending)


def redis_connection() -> Redis | None:
    return current_app.extensions["crm_redis"]


def get_queue(name: str = "default") -> Queue | None:
    conn = redis_connection()
    return Queue(name, connection=conn) if conn is not None else None


def _remember(ok: bool) -> bool:
    current_app.extensions["crm_redis_status"].update(ok=ok, at=time.monotonic())
    return ok


def redis_ok() -> bool:
    """Did Redis answer lately? Checked at most every STATUS_TTL_SECONDS per process, so a
    page never waits on a Redis that is down."""
    status = current_app.extensions["crm_redis_status"]
    if status["ok"] is not None and time.monotonic() - status["at"] < STATUS_TTL_SECONDS:
        return status["ok"]
    conn = redis_connection()
    try:
        return _remember(conn is not None and bool(conn.ping()))
    except RedisError:
        return _remember(False)


def _waiting(conn: Redis, job_id: str) -> bool:
    try:
        return Job.fetch(job_id, connection=conn).get_status() in WAITING
    except Exception:  # noqa: BLE001 - no such job (or an unreadable one): enqueue afresh
        return False


def enqueue(func, *args, job_id: str, queue: str = "default", **kwargs) -> Job | None:
    """Enqueue `func(*args, **kwargs)` under a stable id, with retries; a job with that id still
    waiting makes this a no-op. Redis errors are logged, never raised."""
    q = get_queue(queue)
    if q is None:
        log.warning("no REDIS_URL: job %s not enqueued", job_id)
        return None
    try:
        if _waiting(q.connection, job_id):
            return None
        return q.enqueue(func, *args, job_id=job_id, retry=RETRY, **kwargs)
    except RedisError as error:
        _remember(False)
        log.warning("job %s not enqueued (%s); the periodic jobs will catch up", job_id, error)
        return None


def after_commit(func, *args, job_id: str, **kwargs) -> None:
    """Enqueue once the current transaction has committed; forgotten if it rolls back."""
    from crm.extensions import db

    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even with nothing written yet, forgets the job
    session.info.setdefault(PENDING_KEY, []).append((func, args, job_id, kwargs))


def _enqueue_pending(session: Session) -> None:
    for func, args, job_id, kwargs in session.info.pop(PENDING_KEY, []):
        enqueue(func, *args, job_id=job_id, **kwargs)


def _drop_pending(session: Session, _previous_transaction) -> None:
    session.info.pop(PENDING_KEY, None)
