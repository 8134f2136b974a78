"""Error pages 403/404/409/422/500 speak both languages; demo logins show only in demo mode."""

import pytest
from flask import abort

from crm import create_app
from tests.conftest import Client


@pytest.fixture
def failing_app(app):
    """A second app on the same database with routes that fail on purpose."""
    other = create_app(dict(app.config))
    other.add_url_rule("/boom", "boom", lambda: 1 / 0)
    other.add_url_rule("/stale", "stale", lambda: abort(409))
    other.add_url_rule("/invalid", "invalid", lambda: abort(422))
    return other


@pytest.mark.parametrize(("path", "code", "zh", "en"), [
    ("/boom", 500, "出错了", "Something went wrong"),
    ("/stale", 409, "记录已被修改", "Changed meanwhile"),
    ("/invalid", 422, "请检查输入", "Check your input"),
])
def test_error_pages_in_both_languages(failing_app, path, code, zh, en):
    client = Client(failing_app)
    response = client.get(path)
    assert response.status_code == code
    assert zh in response.get_data(as_text=True)
    client.post("/language", {"lang": "en"})
    assert en in client.get(path).get_data(as_text=True)


def test_json_errors_for_api_clients(failing_app):
    response = Client(failing_app).get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500 and response.json == {"error": "出错了"}


def test_demo_logins_only_in_demo_mode(app, people):
    assert "Demo#2026crm" not in Client(app).get("/login").get_data(as_text=True)
    demo = create_app(dict(app.config, CRM_DEMO=True))
    page = Client(demo).get("/login").get_data(as_text=True)
    assert "Demo#2026crm" in page and "zhangwei" in page and "销售代表" in page
