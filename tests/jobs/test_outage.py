"""With Redis stopped every page still serves and saves; once it is back the alerts arrive."""

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from redis import Redis
from rq import Queue, SimpleWorker
from rq.cron import CronScheduler
from sqlalchemy import select

from crm import create_app
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.notifications.models import Notification
from crm.queue import after_commit, enqueue
from jobs.context import use_app
from jobs.schedule import register_all
from tests.conftest import Client
from tests.deadlines.helpers import user_id


def _timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_pages_and_saves_work_without_redis_and_alerts_arrive_when_it_is_back(
        people, outage_app, own_redis):
    pages = ("/", "/followups", "/notifications", "/notifications/bell")
    warm = Client(outage_app)  # templates compiled with Redis up: the time below is the outage's
    assert warm.login("liuyang").status_code == 303
    assert all(warm.get(url).status_code == 200 for url in pages)
    own_redis.stop()
    rep = Client(outage_app)
    assert rep.login("zhangwei").status_code == 303
    for url in pages:
        response, seconds = _timed_get(rep, url)
        assert response.status_code == 200, url
        assert seconds < 2, url
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()
    saved = rep.post("/followups", {"what": "断网时记下的跟进", "due_date": yesterday})
    assert saved.status_code == 303
    with outage_app.app_context():
        assert db.session.scalar(select(FollowUp.what)) == "断网时记下的跟进"

    admin = Client(outage_app)
    admin.login("admin")
    assert "后台任务延迟" in admin.get("/").get_data(as_text=True)
    jobs_page = admin.get("/admin/jobs")
    assert jobs_page.status_code == 200 and "无法连接" in jobs_page.get_data(as_text=True)
    health, seconds = _timed_get(admin, "/healthz")
    assert health.json["status"] == "degraded" and seconds < 2
    assert "后台任务延迟" not in rep.get("/").get_data(as_text=True)  # admins only

    own_redis.start()
    conn = Redis.from_url(own_redis.url)
    scheduler = CronScheduler(connection=conn)
    register_all(scheduler.register)
    scheduler.enqueue_jobs()
    use_app(outage_app)
    try:
        SimpleWorker([Queue("default", connection=conn)], connection=conn).work(burst=True)
    finally:
        use_app(None)
    with outage_app.app_context():
        kinds = db.session.execute(select(Notification.kind, Notification.deadline_kind).where(
            Notification.user_id == user_id("zhangwei"))).all()
        assert [tuple(k) for k in kinds] == [("overdue", "followup")]


def test_enqueue_waits_for_the_commit_and_survives_a_dead_redis(app, own_redis, caplog):
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "REDIS_URL": own_redis.url, "SECRET_KEY": "x"})
    queue = Queue("default", connection=Redis.from_url(own_redis.url))
    with other.app_context():
        after_commit("jobs.deadlines.sweep_deadlines", job_id="dropped")
        db.session.rollback()
        after_commit("jobs.deadlines.sweep_deadlines", job_id="kept")
        assert queue.job_ids == []
        db.session.commit()
        assert queue.job_ids == ["kept"]
        assert enqueue("jobs.deadlines.sweep_deadlines", job_id="kept") is None  # still waiting
        assert queue.job_ids == ["kept"]
        own_redis.stop()
        # Alembic's fileConfig (run by the session's migration) disables existing loggers.
        logging.getLogger("crm.queue").disabled = False
        with caplog.at_level(logging.WARNING, logger="crm.queue"):
            after_commit("jobs.deadlines.sweep_deadlines", job_id="later")
            db.session.commit()  # no exception
        assert "job later not enqueued" in caplog.text
