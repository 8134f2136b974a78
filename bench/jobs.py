"""Background work timed by the benchmark: the overdue sweep and the pool return.

Each entry runs inside the benchmark's app context on the generated data and returns seconds.
Both change data (alerts raised, leads returned), so a second run on the same database times a
smaller batch."""

import time
from collections.abc import Callable

from bench.generate import Size
from crm.base import utcnow
from crm.deadlines.bench import time_sweep
from crm.extensions import db
from crm.sales.leads import return_stale_leads_to_pool

SWEEP_DEADLINES = 100_000


def overdue_sweep(_size: Size) -> float:
    """100k freshly overdue deadlines (half on a three-level ladder, a tenth paused), swept
    in one set-based pass."""
    return time_sweep(SWEEP_DEADLINES)["seconds"]


def pool_return(_size: Size) -> float:
    began = time.perf_counter()
    returned = return_stale_leads_to_pool(utcnow())
    db.session.commit()
    print(f"  pool return: {len(returned):,} leads")
    return round(time.perf_counter() - began, 3)


JOBS: list[tuple[str, Callable[[Size], float]]] = [
    ("overdue sweep (100k deadlines)", overdue_sweep),
    ("pool return", pool_return),
]
