"""R-62's job on a real worker: the finished quarter is scored once and frozen, the current
quarter previewed; the same job run twice acts once."""

from rq import Queue
from sqlalchemy import func, select

from crm.base import utcnow
from crm.channel import dealers
from crm.channel.figures import Quarter
from crm.channel.models import DealerScore, DealerWarning
from crm.extensions import db
from tests.jobs.test_workers import _wait


def test_the_scoring_job_run_twice_scores_once(app, people, redis_conn, start_worker):
    with app.test_request_context():
        for name in ("青岛甲商贸有限公司", "青岛乙商贸有限公司"):
            dealers.save_dealer(None, {"name": name, "province": "山东"}).status = "active"
        db.session.commit()
    queue = Queue("channel", connection=redis_conn)
    for name in ("a", "b"):
        queue.enqueue("jobs.channel.score_dealers", job_id=f"channel-score-{name}")
    _wait(start_worker("channel"))
    first, second = (queue.fetch_job(f"channel-score-{n}").latest_result() for n in "ab")
    assert first.return_value == {"final": 2, "preview": 2}
    assert second.return_value == {"final": 0, "preview": 2}  # the closed quarter is frozen
    current = Quarter.of(utcnow().date())
    with app.app_context():
        rows = dict(db.session.execute(select(DealerScore.quarter, func.count()).group_by(
            DealerScore.quarter)).all())
        assert rows == {current.previous().key: 2, current.key: 2}
        finals = set(db.session.scalars(select(DealerScore.quarter).where(DealerScore.final)))
        assert finals == {current.previous().key}
        assert db.session.scalar(select(func.count()).select_from(DealerWarning)) == 0
