"""A domain registers itself: create_app names no domain, and crm/ never imports jobs/."""

import ast
import subprocess
import sys
from pathlib import Path

from crm.domains import DOMAINS, registry

ROOT = Path(__file__).resolve().parents[1]


def test_crm_imports_without_jobs():
    """Hide the jobs package: building the app and serving a page must not need it."""
    code = (
        "import sys; sys.modules['jobs'] = None\n"
        "from crm import create_app\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'REDIS_URL': ''})\n"
        "assert app.test_client().get('/login').status_code == 200\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_module_of_crm_names_jobs():
    for path in (ROOT / "crm").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "jobs" or n.startswith("jobs.") for n in names), path


def test_create_app_loops_over_the_domains(app):
    source = (ROOT / "crm" / "__init__.py").read_text()
    for name in DOMAINS:
        assert name not in source
    assert {bp.split(".")[0] for bp in app.blueprints} >= {
        "customers", "leads", "deals", "products", "followups", "admin", "audit"}


def test_every_navigation_entry_opens_a_page_and_periodic_jobs_resolve(app):
    from werkzeug.utils import import_string

    entries = registry(app).nav
    assert [e.position for e in entries] == sorted(e.position for e in entries)
    for entry in entries:
        assert entry.endpoint in app.view_functions
    for job in registry(app).periodic:
        assert callable(import_string(job.func))
