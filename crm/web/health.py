"""/healthz as JSON: the database, Redis, and whether alerts flow (crm/background.py). "ok" only
when everything works; 503 only when the database is down, since the web pages still serve
while background work is stuck."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from crm.background import report
from crm.extensions import db
from crm.queue import redis_connection

bp = Blueprint("health", __name__)


def _database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return {"ok": False, "error": type(error).__name__}


@bp.get("/healthz")
def healthz():
    database = _database()
    background = report(redis_connection())
    body = {"database": database,
            "redis": {"ok": background.redis, "queued": background.queued},
            **background.as_json()}
    if not database["ok"]:
        body["problems"] = ["database", *body["problems"]]
    body["status"] = "degraded" if body["problems"] else "ok"
    return jsonify(body), 200 if database["ok"] else 503
