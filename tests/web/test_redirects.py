"""One judge of every next/return URL (issue 10, defect 2): only a path of this site."""

from datetime import date

import pytest

from crm.web.redirects import is_local_path

BYPASSES = [
    "https://evil.example/", "http://evil.example", "//evil.example", "///evil.example",
    "////evil.example/", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
    "/\\/evil.example", "https:\\\\evil.example", "https:/evil.example", "http:evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example",
    " //evil.example", "/ /evil.example", "//evil.example@good.example", "@evil.example",
    "evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
    "ftp://evil.example", "/\x00/evil.example", "//\u3002evil.example", "", None,
]
LOCAL = ["/", "/customers", "/customers?q=%E5%BC%A0&grade=A", "/deals/1#sign",
         "/%2F%2Fevil.example", "/.//customers"]


@pytest.mark.parametrize("target", BYPASSES)
def test_the_classic_bypasses_are_not_local(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", LOCAL)
def test_local_paths_are_kept(target):
    assert is_local_path(target)


def _followup(next_url: str) -> dict:
    return {"what": "回电", "due_date": date.today().isoformat(), "next": next_url}


@pytest.mark.parametrize("target", [t for t in BYPASSES if t])
def test_adding_a_followup_never_leaves_the_site(login, target):
    response = login("zhangwei").post("/followups", _followup(target))
    assert response.status_code == 303
    assert response.headers["Location"] == "/followups"


def test_adding_a_followup_returns_to_the_page_it_was_added_on(login):
    response = login("zhangwei").post("/followups", _followup("/customers?grade=A"))
    assert response.headers["Location"] == "/customers?grade=A"


@pytest.mark.parametrize("target", ["https://evil.example/", "/\\evil.example", "/\t/evil"])
def test_login_and_language_switch_use_the_same_judge(client, people, login, target):
    response = client.post(f"/login?next={target}", {"username": "admin",
                                                     "password": "Demo#2026crm"})
    assert response.headers["Location"] == "/"
    response = login("zhangwei").post("/language", {"lang": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_a_very_long_return_path_is_followed_but_not_kept_for_repeats(login):
    target = "/customers?q=" + "a" * 3000
    response = login("zhangwei").post("/followups", _followup(target) | {"form_key": "k" * 22})
    assert response.status_code == 303 and response.headers["Location"] == target
