"""SQLite pragmas: WAL for concurrent readers, foreign keys enforced, a busy timeout."""

from sqlalchemy import event


def enable_wal(app) -> None:
    from crm.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
