"""/admin/jobs: whether alerts flow, the cron process, scheduler and workers with their
heartbeats, the periodic jobs' last runs, orphaned jobs, queues, scheduled and failed jobs with
a retry button. Serves (with a notice) when Redis is down."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from crm.auth.access import roles_required
from crm.background import report
from crm.queue import redis_connection
from crm.web.render import render

bp = Blueprint("jobs_admin", __name__, url_prefix="/admin/jobs")
LIST_LIMIT = 50


def _jobs(conn, ids) -> list[Job]:
    return [job for job in Job.fetch_many(list(ids), connection=conn) if job is not None]


def _last_error(job: Job) -> str:
    result = job.latest_result()
    lines = (result.exc_string or "").strip().splitlines() if result else []
    return lines[-1] if lines else ""


def _queue_rows(conn) -> list[dict]:
    rows = []
    for queue in Queue.all(connection=conn) or [Queue("default", connection=conn)]:
        failed = FailedJobRegistry(queue=queue)
        scheduled = ScheduledJobRegistry(queue=queue)
        rows.append({
            "name": queue.name, "depth": queue.count, "failed_count": failed.count,
            "scheduled": _jobs(conn, scheduled.get_job_ids(0, LIST_LIMIT - 1)),
            "failed": [(job, _last_error(job))
                       for job in _jobs(conn, failed.get_job_ids(0, LIST_LIMIT - 1))],
        })
    return rows


@bp.get("")
@roles_required("admin")
def index():
    conn = redis_connection()
    background = report(conn)
    queues = []
    if background.redis:
        try:
            queues = _queue_rows(conn)
        except RedisError:
            background.redis = False
    return render("admin/jobs.html", background=background, queues=queues)


@bp.post("/failed/<job_id>/retry")
@roles_required("admin")
def retry(job_id: str):
    conn = redis_connection()
    if conn is None:
        abort(404)
    try:
        job = Job.fetch(job_id, connection=conn)
        FailedJobRegistry(job.origin, connection=conn).requeue(job)
    except (NoSuchJobError, InvalidJobOperation):
        abort(404)
    except RedisError:
        flash(_("The job queue is unreachable; try again later."), "error")
        return redirect(url_for("jobs_admin.index"), 303)
    flash(_("Job %(id)s queued again.", id=job_id), "success")
    return redirect(url_for("jobs_admin.index", **request.args), 303)
