"""Active list filters as chips: each says what it filters and links to the list without it."""

from collections.abc import Callable

from flask import request, url_for


def filter_chips(filters: dict, labels: dict[str, Callable]) -> list[tuple[str, str]]:
    """(label, URL of the same list without that filter) for each active filter in `labels`."""
    chips = []
    for key, label in labels.items():
        if filters.get(key):
            args = {k: v for k, v in request.args.items() if k not in (key, "after")}
            chips.append((label(filters[key]), url_for(request.endpoint, **request.view_args,
                                                       **args)))
    return chips
