"""/healthz: database, Redis and worker heartbeat as JSON, for load balancers and admins."""

from flask import Blueprint, jsonify
from rq import Worker
from sqlalchemy import text

from crm.extensions import db
from crm.queue import get_queue, redis_connection

bp = Blueprint("health", __name__)


def _database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return {"ok": False, "error": type(error).__name__}


def _redis() -> dict:
    conn = redis_connection()
    if conn is None:
        return {"ok": False, "error": "not configured"}
    try:
        conn.ping()
        workers = Worker.all(connection=conn)
        return {
            "ok": True,
            "workers": len(workers),
            "last_heartbeat": max(
                (w.last_heartbeat.isoformat() for w in workers if w.last_heartbeat), default=None
            ),
            "queued": get_queue().count,
        }
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": type(error).__name__}


@bp.get("/healthz")
def healthz():
    report = {"database": _database(), "redis": _redis()}
    healthy = report["database"]["ok"]
    report["status"] = "ok" if healthy and report["redis"]["ok"] else "degraded"
    return jsonify(report), 200 if healthy else 503
