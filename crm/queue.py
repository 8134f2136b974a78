"""The Redis connection and RQ queue; jobs are enqueued only after the commit they need."""

from flask import current_app
from redis import Redis
from rq import Queue


def init_queue(app) -> None:
    url = app.config["REDIS_URL"]
    app.extensions["crm_redis"] = Redis.from_url(url, socket_timeout=2) if url else None


def redis_connection() -> Redis | None:
    return current_app.extensions["crm_redis"]


def get_queue(name: str = "default") -> Queue | None:
    conn = redis_connection()
    return Queue(name, connection=conn) if conn is not None else None
