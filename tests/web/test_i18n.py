"""简体中文 by default, English selectable, and no string left untranslated."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
CATALOG = ROOT / "crm" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
METHODS = [("crm/**.py", "python"), ("jobs/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_has_a_chinese_translation():
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and not m.fuzzy and all(m.string if isinstance(
                      m.string, tuple) else [m.string])}
    missing = sorted(_source_messages() - translated)
    assert missing == [], "run `make translations` and translate these"


def test_language_switch_is_kept_per_user(login, app):
    rep = login("zhangwei")
    assert "首页" in rep.get("/").get_data(as_text=True)
    assert rep.post("/language", {"lang": "en", "next": "/"}).status_code == 303
    assert "Home" in rep.get("/").get_data(as_text=True)
    again = login("zhangwei")  # a new session remembers the choice
    assert 'lang="en"' in again.get("/").get_data(as_text=True)


def test_anonymous_visitor_can_switch_the_login_page(client):
    client.post("/language", {"lang": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page
