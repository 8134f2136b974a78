"""/admin/jobs: queue depth, periodic jobs, failed jobs with a retry button."""

from rq import Queue, SimpleWorker


def test_admin_sees_queues_periodic_and_failed_jobs_and_retries_one(login, redis_conn):
    queue = Queue("default", connection=redis_conn)
    queue.enqueue("operator.truediv", 1, 0, job_id="broken-job")
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    queue.enqueue("operator.add", 1, 2, job_id="waiting-job")
    admin = login("admin")
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert "broken-job" in page and "ZeroDivisionError" in page
    assert "deadlines.sweep" in page and "每 60 秒" in page
    assert "<td><code>default</code></td><td>1</td>" in page
    response = admin.post("/admin/jobs/failed/broken-job/retry")
    assert response.status_code == 303
    assert "broken-job" in queue.job_ids
    assert admin.post("/admin/jobs/failed/no-such-job/retry").status_code == 404
    assert login("wangqiang").post("/admin/jobs/failed/broken-job/retry").status_code == 403
