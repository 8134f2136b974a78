"""The app a job runs in: created once per worker process, on first use (never at import)."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

_app: Flask | None = None


def worker_app() -> Flask:
    global _app
    if _app is None:
        from crm import create_app

        _app = create_app()
    return _app


def use_app(app: Flask | None) -> None:
    """Run jobs in this process against `app` (in-process workers in tests)."""
    global _app
    _app = app


@contextmanager
def app_context() -> Iterator[Flask]:
    app = worker_app()
    with app.app_context():
        yield app
