"""Every route but a short public list needs a login (R-02). New routes are covered at once."""

import pytest

PUBLIC = {"auth.login", "auth.set_language", "static", "favicon", "health.healthz",
          "followups.agenda_ics"}
SAMPLE_ARGS = {"int": 1, "string": "x", "path": "x", "default": "x"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        args = {name: SAMPLE_ARGS.get(type(conv).__name__.replace("Converter", "").lower(), 1)
                for name, conv in rule._converters.items()}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, args


def test_every_non_public_route_sends_anonymous_users_to_login(app, client):
    checked = 0
    with app.test_request_context():
        from flask import url_for

        for rule, method, args in _routes(app):
            url = url_for(rule.endpoint, **args)
            for htmx in (False, True):
                if method == "GET":
                    response = client.get(url, htmx=htmx)
                else:
                    response = client.post(url, htmx=htmx)
                where = f"{method} {url} htmx={htmx}"
                if htmx:
                    assert response.status_code == 401, where
                    assert response.headers["HX-Redirect"].startswith("/login"), where
                else:
                    assert response.status_code == 303, where
                    assert response.headers["Location"].startswith("/login"), where
                checked += 1
    assert checked >= 20


def test_json_clients_get_401(client):
    response = client.get("/admin/users", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json == {"error": "login required"}


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/css/app.css", "/favicon.ico"])
def test_public_routes_answer_anonymous_users(client, path):
    assert client.get(path).status_code == 200
