"""Headers, CSP without inline script, vendored htmx, health check."""

import hashlib
import re
from pathlib import Path

from flask import url_for

from tests.web.test_access_matrix import ROLE_USERS, _urls

HTMX = Path(__file__).parents[2] / "static" / "vendor" / "htmx-2.0.11.min.js"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
# htmx markup that needs eval, which the CSP forbids (htmx.config.allowEval is off): hx-on,
# hx-vars, js: values and trigger filters such as click[ctrlKey].
NEEDS_EVAL = re.compile(r"""\shx-on[:-]|\shx-vars=|\shx-vals=["']\s*(?:js|javascript):"""
                        r"""|\shx-trigger=["'](?:[^"']*,)?\s*(?:every\s+)?[\w:.-]*\[""", re.I)


def test_vendored_htmx_is_the_pinned_release():
    assert hashlib.sha256(HTMX.read_bytes()).hexdigest() == HTMX_SHA256


def _assert_safe_page(response, where):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"], where
    assert "HX-Request" in response.headers.get("Vary", ""), where
    if response.mimetype != "text/html":  # a download (a stored file, a PDF letter)
        return
    html = response.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html), where
    assert not INLINE_HANDLER.search(html), where
    assert not INLINE_STYLE.search(html), where
    assert not NEEDS_EVAL.search(html), where


def test_markup_that_needs_eval_is_recognised():
    for needs_eval in ('<a hx-on:click="go()">', '<div hx-trigger="click[ctrlKey]">',
                       '<div hx-trigger="load, every 5s[ready]">', "<a hx-vals='js:{a: b()}'>"):
        assert NEEDS_EVAL.search(needs_eval), needs_eval
    assert not NEEDS_EVAL.search(
        '<form hx-trigger="input changed delay:250ms from:input[type=search], submit">')


def test_every_page_of_every_role_has_the_headers_and_no_inline_script(app, login, client):
    _assert_safe_page(client.get("/login"), "/login")
    for role in ("admin", "director", "sales"):
        user = login(ROLE_USERS[role])
        for _endpoint, url in _urls(app, {"GET"}):
            response = user.get(url)
            if response.status_code == 200:
                _assert_safe_page(response, f"{role} {url}")


def test_error_pages_in_both_languages(login):
    rep = login("zhangwei")
    response = rep.get("/no-such-page")
    assert response.status_code == 404
    assert "未找到" in response.get_data(as_text=True)
    assert rep.get("/admin/users").status_code == 403
    rep.post("/language", {"lang": "en"})
    assert "Not found" in rep.get("/no-such-page").get_data(as_text=True)
    assert "Not allowed" in rep.get("/admin/users").get_data(as_text=True)


def test_healthz_reports_database_redis_and_the_missing_job_processes(client):
    report = client.get("/healthz").json
    assert report["database"]["ok"] is True
    assert report["redis"] == {"ok": True, "queued": 0}
    # No cron process, scheduler or worker runs beside the suite: alerts are not flowing.
    assert report["status"] == "degraded" and report["alerts_flowing"] is False
    assert {"cron", "scheduler", "worker", "periodic:deadlines.sweep"} <= set(report["problems"])


def test_static_urls(app):
    with app.test_request_context():
        assert url_for("static", filename="css/app.css") == "/static/css/app.css"
