"""The Alembic migrations build exactly the schema the models describe."""

from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from crm import create_app
from crm.extensions import db


def _not_a_trigram_index(obj, name, type_, _reflected, _compare_to) -> bool:
    """pg_trgm indexes (migrations 0004, 0005, 0007: PostgreSQL) and SQLite's FTS5 trigram
    tables with their shadow tables (0012) live in the migrations only, not in the models."""
    return not ((type_ == "index" and (name or "").startswith("ix_trgm_"))
                or (type_ == "table" and (name or "").startswith("fts_")))


# SQLite's reflection cannot read an index on an expression (leads' last touch, migration
# 0008); SQLAlchemy says so and compares the rest.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": _not_a_trigram_index})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["crm", "seed-demo"])
    assert "loaded" in first.output
    second = runner.invoke(args=["crm", "seed-demo"])
    assert "not loaded again" in second.output
    logins = runner.invoke(args=["crm", "demo-logins"])
    assert "zhangwei" in logins.output and "Demo#2026crm" in logins.output


def _schema(conn) -> dict:
    """What a migration's downgrade must give back: each table's columns, foreign keys and
    indexes, and every trigger with the table it is on."""
    inspector = inspect(conn)
    tables = {}
    for table in inspector.get_table_names():
        if table.startswith("fts_") or table == "alembic_version":
            continue
        tables[table] = (
            sorted(c["name"] for c in inspector.get_columns(table)),
            sorted((fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"])
                   for fk in inspector.get_foreign_keys(table)),
            sorted(i["name"] for i in inspector.get_indexes(table)))
    if conn.dialect.name == "sqlite":
        triggers = conn.execute(text(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")).all()
    else:
        triggers = conn.execute(text(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")).all()
    return {"tables": tables, "triggers": sorted(map(tuple, triggers))}


@contextmanager
def _scratch_database(app, tmp_path):
    """A database of its own, beside the suite's, for migrating up and down."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'updown.db'}"
        return
    name = f"{url.database}_updown"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_last_migrations_downgrade_to_the_schema_they_started_from(app, tmp_path):
    """The migrations from 0022 on, upgraded and downgraded again, leave every table, key,
    index and trigger as before: SQLite's copy of the contacts table in 0025's downgrade
    dropped the triggers that keep the contacts' trigram search (0012), so contacts added
    after it were never found by a search."""
    with _scratch_database(app, tmp_path) as url:
        scratch = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
        with scratch.app_context():
            upgrade(revision="0021_careb_surveys")
            with db.engine.connect() as conn:
                before = _schema(conn)
            upgrade()
            downgrade(revision="0021_careb_surveys")
            with db.engine.connect() as conn:
                after = _schema(conn)
            db.engine.dispose()
    assert after == before
