"""The one judge of every `next` / return URL the app redirects to: only a path of this site.

Browsers read `\\` as `/`, drop tabs and newlines inside URLs and take `//host` as another
site, so anything but a plain local path (one `/`, then no `/` or `\\`) goes to the default."""

from urllib.parse import urlsplit

from flask import url_for

_FORBIDDEN = frozenset("\\") | {chr(c) for c in range(0x21)} | {"\x7f"}


def is_local_path(target: str | None) -> bool:
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return False
    if any(c in _FORBIDDEN for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, endpoint: str = "dashboard.home", **values) -> str:
    """`target` when it is a local path, else the URL of `endpoint`."""
    return target if is_local_path(target) else url_for(endpoint, **values)
