"""R-34's job on real workers: a survey month's round is opened once, a second run (or a
retry) adds nothing; outside the survey months the job does nothing."""

from rq import Queue
from sqlalchemy import func, select

from crm.extensions import db
from crm.satisfaction.models import Survey
from tests.jobs.test_workers import _wait
from tests.satisfaction.helpers import active_customer


def test_the_job_run_twice_by_real_workers_opens_the_round_once(app, people, redis_conn,
                                                                start_worker):
    active_customer(app, "宁德时代新能源科技股份有限公司")
    active_customer(app, "比亚迪股份有限公司")
    queue = Queue("default", connection=redis_conn)
    for name in "ab":  # June is a survey month by default; October is not
        queue.enqueue("jobs.satisfaction.open_survey_round", "2026-06-03",
                      job_id=f"survey-round-{name}")
    queue.enqueue("jobs.satisfaction.open_survey_round", "2026-10-03", job_id="survey-round-c")
    _wait(start_worker("default"))
    first, second, off = (queue.fetch_job(f"survey-round-{n}").latest_result().return_value
                          for n in "abc")
    assert first == {"round": "2026-06", "added": 2, "total": 2}
    assert second == {"round": "2026-06", "added": 0, "total": 2}
    assert off == {"round": None, "added": 0}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 2
