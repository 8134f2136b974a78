"""`url_for` in templates, with the links of list rows built from a cached pattern.

A list page links every row to its record (`/customers/17`, `/deals/17/move`...): Flask's
`url_for` costs ≈ 12 µs a call and a board of 150 cards makes 750 of them. Here a route's URL is
built once with marker ids in place of the record ids, and each row fills in its own; anything
else (query arguments, anchors, external URLs) goes to Flask's `url_for` as before."""

from functools import lru_cache

from flask import has_request_context, request, url_for

_MARKER = 9_876_543_210_000  # no record has such an id: where it appears, the real id goes
_SHORT = 40  # a longer text argument (a cursor, say) is not worth a cached pattern


@lru_cache(maxsize=1024)
def _pattern(script_root: str, endpoint: str, ids: tuple[str, ...],
             texts: tuple[tuple[str, str], ...]) -> str | None:
    url = url_for(endpoint, **dict(texts), **{name: _MARKER + i for i, name in enumerate(ids)})
    url = url.replace("{", "{{").replace("}", "}}")
    for i, name in enumerate(ids):
        marker = str(_MARKER + i)
        if url.count(marker) != 1:
            return None
        url = url.replace(marker, f"{{{name}}}")
    return url


def template_url_for(endpoint: str, **values) -> str:
    ids = tuple(sorted(k for k, v in values.items() if type(v) is int))
    texts = tuple(sorted((k, v) for k, v in values.items() if type(v) is str))
    if not ids or not has_request_context() or len(ids) + len(texts) != len(values) or any(
            k.startswith("_") or len(v) > _SHORT for k, v in texts):
        return url_for(endpoint, **values)
    pattern = _pattern(request.script_root, endpoint, ids, texts)
    if pattern is None:
        return url_for(endpoint, **values)
    return pattern.format(**{name: values[name] for name in ids})


def register(app) -> None:
    app.jinja_env.globals["url_for"] = template_url_for
