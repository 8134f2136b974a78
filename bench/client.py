"""A small HTTP client for the benchmark: keep-alive, cookies, CSRF, timings."""

import gzip
import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Reply:
    status: int
    seconds: float
    body: bytes
    queries: int | None

    @property
    def gzip_bytes(self) -> int:
        return len(gzip.compress(self.body, 6))


class Session:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None,
                htmx_target: str | None = None) -> Reply:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if htmx_target:
            headers |= {"HX-Request": "true", "HX-Target": htmx_target}
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = quote(path, safe="/?=&%")
        began = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException):
            # a worker died mid-request: counted as an error (status 0), the run goes on
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return Reply(0, time.perf_counter() - began, b"", None)
        seconds = time.perf_counter() - began
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if found := CSRF_META.search(data.decode("utf-8", "replace")):
            self.csrf = found.group(1)
        queries = response.headers.get("X-Query-Count")
        return Reply(response.status, seconds, data, int(queries) if queries else None)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/login")
        reply = self.request("POST", "/login", {"username": username, "password": password})
        if reply.status != 303:
            raise RuntimeError(f"login as {username} failed: {reply.status}")
        self.request("GET", "/")  # fetch a CSRF token bound to the logged-in session
