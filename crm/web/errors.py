"""Error pages in both languages; htmx requests get the message block only.

A 5xx page never touches the database (it may be the reason for the error): no user is loaded,
a static layout is rendered in the language of the session or of the browser, and an htmx
request gets a toast retargeted to the page's toast area. The log gets one line and one
traceback per failed request."""

from flask import current_app, jsonify, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_htmx import make_response as htmx_response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import (
    Conflict,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from crm.extensions import db, htmx
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
    503: (_l("Temporarily unavailable"), _l("The database cannot be reached right now. Nothing "
                                            "was half-saved; try again in a moment.")),
}


def _wants_json() -> bool:
    return request.path == "/healthz" or request.accept_mimetypes.best == "application/json"


def _offline_locale() -> str:
    """The language without asking the database: the session's, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    if session.get("lang") in languages:
        return session["lang"]
    return (request.accept_languages.best_match(languages)
            or current_app.config["BABEL_DEFAULT_LOCALE"])


def server_error_page(code: int):
    """A 5xx answer rendered without the database: no context processors (they load the user),
    the locale forced so Babel does not ask for the user either."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    locale = _offline_locale()
    with force_locale(locale):
        if _wants_json():
            return jsonify(error=str(title)), code
        template = "errors/toast.html" if htmx else "errors/offline.html"
        body = current_app.jinja_env.get_template(template).render(
            code=code, title=title, text=text, locale=locale)
    response = htmx_response(body, code, **({"retarget": "#toasts", "reswap": "beforeend"}
                                             if htmx else {}))
    response.vary.add("HX-Request")
    return response


def database_unreachable(error: Exception) -> bool:
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        return server_error_page(code)
    if code == 409:
        db.session.rollback()  # the page below may query; never on a failed transaction
    title, text = MESSAGES.get(code, MESSAGES[500])
    if code == 400 and error.description and "CSRF" in str(error.description):
        text = _l("The form expired or was sent from elsewhere. Reload the page and try again.")
    if _wants_json():
        return jsonify(error=str(title)), code
    try:
        return render("errors/error.html", status=code, code=code, title=title, text=text)
    except DBAPIError as failure:  # the layout loads the user: the database is gone
        return handle_unexpected(failure)


def handle_stale(_error: StaleDataError):
    """Two saves of one row raced past the form's version check: the later one lost."""
    return handle_http_error(Conflict())


def handle_unexpected(error: Exception):
    failure = ServiceUnavailable if database_unreachable(error) else InternalServerError
    current_app.logger.error("%s %s failed: %s %s", request.method, request.path,
                             failure.code, type(error).__name__, exc_info=error)
    return server_error_page(failure.code)


def register(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(Exception, handle_unexpected)
