"""What the benchmark requests. Each later page is one entry: who asks, what, and how."""

from dataclasses import dataclass
from typing import Literal

Role = Literal["rep", "manager", "director", "admin"]

LOGINS: dict[str, str] = {  # role -> demo username (crm/auth/demo.py)
    "rep": "zhangwei",
    "manager": "wangqiang",
    "director": "zhaomin",
    "admin": "admin",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    role: Role
    path: str
    htmx_target: str | None = None  # set: an htmx fragment request
    method: str = "GET"
    form: dict | None = None
    first_load: bool = False  # count CSS/JS too: a page opened from scratch
    target_p95_ms: float = 50.0


SCENARIOS: list[Scenario] = [
    Scenario("home", "rep", "/", first_load=True),
    Scenario("users list", "admin", "/admin/users", first_load=True),
    Scenario("users search (pinyin)", "admin", "/admin/users?q=zw", htmx_target="user-list"),
    Scenario("audit page", "director", "/audit", first_load=True),
    Scenario("audit next page (fragment)", "director", "/audit?record=3",
             htmx_target="audit-list"),
    Scenario("language switch (write)", "rep", "/language", method="POST",
             form={"lang": "zh", "next": "/"}),
]

STATIC_ASSETS = ["/static/vendor/htmx-2.0.11.min.js", "/static/css/app.css", "/static/js/app.js"]
