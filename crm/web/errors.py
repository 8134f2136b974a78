"""Error pages in both languages; htmx requests get the message block only."""

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from crm.extensions import db
from crm.web.render import render

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and "
                                "try again.")),
    403: (_l("Not allowed"), _l("Your roles do not give access to this page.")),
    404: (_l("Not found"), _l("This page or record does not exist, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    409: (_l("Changed meanwhile"), _l("Someone else saved this record after you opened it. "
                                      "Reload to see the current values.")),
    422: (_l("Check your input"), _l("Some values were not accepted.")),
    429: (_l("Too many attempts"), _l("Wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("The error was logged. Nothing was half-saved; try "
                                          "again in a moment.")),
}


def _wants_json() -> bool:
    return request.path == "/healthz" or request.accept_mimetypes.best == "application/json"


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500 or code == 409:
        db.session.rollback()  # the page below may query; never on a failed transaction
    title, text = MESSAGES.get(code, MESSAGES[500])
    if code == 400 and error.description and "CSRF" in str(error.description):
        text = _l("The form expired or was sent from elsewhere. Reload the page and try again.")
    if _wants_json():
        return jsonify(error=str(title)), code
    return render("errors/error.html", status=code, code=code, title=title, text=text)


def handle_stale(_error: StaleDataError):
    """Two saves of one row raced past the form's version check: the later one lost."""
    return handle_http_error(Conflict())


def handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    return handle_http_error(InternalServerError(original_exception=error))


def register(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(Exception, handle_unexpected)
