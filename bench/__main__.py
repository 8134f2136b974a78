"""`make bench`: generate data (once per database), serve the app with gunicorn, drive it over
HTTP from this process, and write bench/results/<date>-<size>-<db>.{json,md}."""

import argparse
import json
import os
import platform
import random
import statistics
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.client import Reply, Session
from bench.generate import SIZES, already_generated, generate, settle
from bench.jobs import JOBS
from bench.scenarios import LOGINS, SCENARIOS, STATIC_ASSETS, Scenario
from bench.servers import Gunicorn

RESULTS = Path(__file__).parent / "results"
PASSWORD = "Demo#2026crm"


def database_url(size: str) -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    data = Path(__file__).parent / "data"
    data.mkdir(exist_ok=True)
    return f"sqlite:///{data / f'{size}.db'}"


def ensure_postgres_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": parsed.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def record_ids() -> dict:
    """Records the scenarios name: some of the benchmark rep's own, and pooled leads to claim."""
    from sqlalchemy import select

    from crm.auth.models import User
    from crm.campaigns.models import Campaign, CampaignMinutes
    from crm.channel.models import Dealer, DealerScore, DealerTraining
    from crm.customers.models import Customer
    from crm.extensions import db
    from crm.sales.models import Deal, FunnelStage, Lead
    from crm.service.models import Complaint

    rep = db.session.scalar(select(User.id).where(User.username == LOGINS["rep"]))
    stages = dict(db.session.execute(select(FunnelStage.code, FunnelStage.id)).all())
    pooled = list(db.session.scalars(
        select(Lead.id).where(Lead.owner_id.is_(None)).order_by(Lead.id.desc()).limit(20_000)))
    return {
        "customer": db.session.scalar(select(Customer.id).where(Customer.owner_id == rep)),
        "deal": db.session.scalar(select(Deal.id).where(
            Deal.owner_id == rep, Deal.stage_id == stages["potential"])),
        "lead": db.session.scalar(select(Lead.id).where(Lead.owner_id == rep)),
        "dealer": db.session.scalar(select(Dealer.id).order_by(Dealer.id)),
        "dealer_score": db.session.scalar(select(DealerScore.id).order_by(
            DealerScore.quarter.desc(), DealerScore.id)),
        "training": db.session.scalar(select(DealerTraining.id).order_by(
            DealerTraining.held_on.desc(), DealerTraining.id)),
        "campaign": db.session.scalar(select(Campaign.id).where(Campaign.status == "running")
                                      .order_by(Campaign.id.desc())),
        "minutes": db.session.scalar(select(CampaignMinutes.id).order_by(
            CampaignMinutes.id.desc())),
        "potential": stages["potential"],
        "intent": stages["intent"],
        "pool_lead": pooled.pop,
        "complaint": db.session.scalar(select(Complaint.id).join(
            User, User.id == Complaint.owner_id).where(
            User.username == LOGINS["agent"], Complaint.state != "closed").limit(1)),
        **_open_instalment(), **_satisfaction_ids(rep),
    }


def _satisfaction_ids(rep: int) -> dict:
    from sqlalchemy import func, select

    from crm.customers.models import Customer
    from crm.extensions import db
    from crm.satisfaction.models import ImprovementPlan, Survey
    from crm.service.models import Complaint

    return {
        "survey": db.session.scalar(select(Survey.id).join(
            Customer, Customer.id == Survey.customer_id).where(Customer.owner_id == rep)
            .limit(1)),
        "plan": db.session.scalar(select(ImprovementPlan.id).order_by(
            ImprovementPlan.id.desc()).limit(1)),
        "product": db.session.scalar(select(Complaint.product_id).where(
            Complaint.product_id.is_not(None)).group_by(Complaint.product_id)
            .order_by(func.count().desc()).limit(1)),
    }


def _open_instalment() -> dict:
    """An instalment still open enough for the payment scenario's yuan, and its contract."""
    from sqlalchemy import select

    from crm.contracts.models import Instalment
    from crm.extensions import db

    found = db.session.execute(select(Instalment.id, Instalment.contract_id).where(
        Instalment.outstanding > 100_000).order_by(Instalment.id).limit(1)).first()
    return {"instalment": found[0], "contract": found[1]} if found else {}


def prepare(url: str, size: str, run_jobs: bool = True) -> dict:
    from flask_migrate import upgrade

    from crm import create_app
    from crm.extensions import db

    ensure_postgres_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        timings = {} if already_generated(SIZES[size]) else generate(SIZES[size])
        ids = record_ids()
        job_timings = {name: job(SIZES[size]) for name, job in JOBS} if run_jobs else {}
        if run_jobs:
            settle(db.engine)  # the jobs rewrote many rows: autovacuum would now analyze them
    return {"generate_seconds": timings, "jobs_seconds": job_timings, "ids": ids}


def selected(only: list[str] | None) -> list[Scenario]:
    """The scenarios whose name contains one of `only` (all when none is given)."""
    if not only:
        return SCENARIOS
    chosen = [s for s in SCENARIOS if any(word in s.name for word in only)]
    if not chosen:
        raise SystemExit(f"no scenario name contains any of {only}")
    return chosen


def percentile(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


def _ok(scenario: Scenario, reply: Reply) -> bool:
    """409 is the right answer when two clients edit one deal at once: contention, not a fault."""
    return 0 < reply.status < 400 or reply.status == 409


def call(session: Session, scenario: Scenario, ids: dict) -> Reply:
    form = scenario.data(session, ids)
    return session.request(scenario.method, scenario.url(ids), form, scenario.htmx_target)


def measure(session: Session, scenario: Scenario, n: int, ids: dict) -> dict:
    for _ in range(5):
        call(session, scenario, ids)
    replies = [call(session, scenario, ids) for _ in range(n)]
    latencies = [r.seconds for r in replies]
    last = replies[-1]
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "errors": sum(not _ok(scenario, r) for r in replies),
        "queries": sorted({r.queries for r in replies if r.queries is not None}),
        "bytes": len(last.body),
        "gzip_bytes": last.gzip_bytes,
        "target_p95_ms": scenario.target_p95_ms,
    }


def static_gzip_bytes(session: Session) -> int:
    return sum(session.request("GET", path).gzip_bytes for path in STATIC_ASSETS)


def throughput(port: int, seconds: float, threads: int, ids: dict,
               scenarios: list[Scenario] = SCENARIOS, log_in: bool = True) -> dict:
    """Mixed reads and writes from `threads` clients, each with its own logins."""
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    ready = threading.Barrier(threads + 1)  # logins (argon2) are not part of the measurement
    stop = threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        sessions = {}
        for role in {s.role for s in scenarios}:
            sessions[role] = Session(port)
            if log_in:
                sessions[role].login(LOGINS[role], PASSWORD)
        ready.wait()
        done = errors = 0
        while not stop.is_set():
            s = rng.choice(scenarios)
            reply = call(sessions[s.role], s, ids)
            done += 1
            errors += not _ok(s, reply)
        with lock:
            counts["requests"] += done
            counts["errors"] += errors

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    ready.wait()
    began = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - began
    return {**counts, "seconds": round(elapsed, 1),
            "per_second": round(counts["requests"] / elapsed, 1), "threads": threads}


def run(args) -> dict | None:
    url = database_url(args.size)
    print(f"database {make_url(url).render_as_string(hide_password=True)}, size {args.size}")
    prepared = prepare(url, args.size, run_jobs=not (args.no_jobs or args.generate_only))
    if args.generate_only:
        return None
    scenarios = selected(args.only)
    # PYTHONFAULTHANDLER: should a worker crash, its Python stack is printed
    env = {"DATABASE_URL": url, "CRM_QUERY_COUNT": "1", "CRM_DEMO": "0", "PYTHONFAULTHANDLER": "1"}
    # each server is stopped even if the other fails to start or a measurement raises
    with (Gunicorn("wsgi:app", args.workers, env) as app_server,
          Gunicorn("bench.bare:app", args.workers, {}) as bare_server):
        ids = prepared.pop("ids")
        bare_route = Scenario("bare", "rep", "/")
        bare = measure(Session(bare_server.port), bare_route, args.requests, ids)
        bare["throughput"] = throughput(bare_server.port, 5, args.threads, ids, [bare_route],
                                        log_in=False)
        sessions = {role: Session(app_server.port) for role in LOGINS}
        for role, session in sessions.items():
            session.login(LOGINS[role], PASSWORD)
        static = static_gzip_bytes(sessions["rep"])
        pages = {}
        for s in scenarios:
            result = measure(sessions[s.role], s, args.requests, ids)
            result["p95_ratio_to_bare"] = round(result["p95_ms"] / max(bare["p95_ms"], 0.01), 1)
            result["first_load_gzip_bytes"] = result["gzip_bytes"] + (static if s.first_load
                                                                      else 0)
            pages[s.name] = result
            print(f"  {s.name:<32} p95 {result['p95_ms']:>6} ms  queries {result['queries']}")
        load = throughput(app_server.port, args.duration, args.threads, ids, scenarios)
        print(f"  throughput {load['per_second']} req/s, errors {load['errors']}")
        memory = app_server.peak_memory_mib()
    return {"date": date.today().isoformat(), "size": args.size,
            "database": make_url(url).get_backend_name(), "machine": machine(),
            "workers": args.workers, "bare": bare, "pages": pages, "throughput": load,
            "peak_worker_memory_mib": memory, **prepared}


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown(result: dict) -> str:
    lines = [
        f"### {result['date']} · {result['size']} · {result['database']} · {result['machine']}",
        "",
        f"Bare Flask route p95: {result['bare']['p95_ms']} ms, "
        f"{result['bare']['throughput']['per_second']} req/s from the same client. Throughput "
        f"({result['throughput']['threads']} clients, {result['workers']} gunicorn workers): "
        f"{result['throughput']['per_second']} req/s, {result['throughput']['errors']} errors. "
        f"Peak worker memory: {result['peak_worker_memory_mib']} MiB.",
        "",
        "| page | p50 ms | p95 ms | p99 ms | × bare (p95) | SQL | KB gz | first load KB gz |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for name, p in result["pages"].items():
        lines.append(
            f"| {name} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} | "
            f"{p['p95_ratio_to_bare']} | {','.join(map(str, p['queries']))} | "
            f"{p['gzip_bytes'] / 1024:.1f} | {p['first_load_gzip_bytes'] / 1024:.1f} |")
    for name, seconds in result["jobs_seconds"].items():
        lines.append(f"\nJob `{name}`: {seconds} s")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=SIZES, default=os.environ.get("BENCH_SIZE", "small"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", action="append", metavar="WORDS",
                        help="measure only the scenarios whose name contains WORDS (repeatable); "
                             "the results file then gets an '-only' suffix")
    parser.add_argument("--no-jobs", action="store_true",
                        help="skip the timed jobs (they change data: sweep, pool return)")
    parser.add_argument("--generate-only", action="store_true",
                        help="migrate and generate the data set (once), measure nothing")
    args = parser.parse_args()
    result = run(args)
    if result is None:
        return
    RESULTS.mkdir(exist_ok=True)
    suffix = "-only" if args.only else ""
    stem = RESULTS / f"{result['date']}-{result['size']}-{result['database']}{suffix}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    stem.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
