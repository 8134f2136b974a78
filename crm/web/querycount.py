"""Optional X-Query-Count response header (CRM_QUERY_COUNT=1): the benchmark reads it to show
how many SQL statements each page runs."""

from flask import g, has_request_context
from sqlalchemy import event


def _count(*_args) -> None:
    if has_request_context():
        g.crm_queries = g.get("crm_queries", 0) + 1


def _header(response):
    response.headers["X-Query-Count"] = str(g.get("crm_queries", 0))
    return response


def enable(app) -> None:
    from crm.extensions import db

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count)
    app.after_request(_header)
