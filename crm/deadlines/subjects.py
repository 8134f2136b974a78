"""What a follow-up, deadline or notification can be about: domains register their records.

A subject is (subject_type, subject_id). Each domain registers its type once with the model
(visibility comes from crm.auth.scopes), a label, and the endpoint that shows one record, so
links and visibility work for every clock without this package knowing the domains. A row
without a subject (a personal to-do) has subject_type None.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import abort, url_for
from sqlalchemy import select

from crm.auth.scopes import visible_filter
from crm.extensions import db


@dataclass(frozen=True)
class SubjectType:
    key: str
    model: type
    label: object
    endpoint: str
    id_arg: str
    title: Callable[[object], str]
    # Called with (subject_id, at) when a follow-up about the record is added or done.
    touched: Callable[[int, object], None] | None = None


@dataclass(frozen=True)
class SubjectRef:
    """How a subject reads on a page: its type's label, its title and its URL."""

    label: object
    title: str
    url: str | None


_TYPES: dict[str, SubjectType] = {}


def register_subject(key: str, model: type, label, endpoint: str, id_arg: str,
                     title: Callable[[object], str] = str,
                     touched: Callable[[int, object], None] | None = None) -> None:
    _TYPES[key] = SubjectType(key, model, label, endpoint, id_arg, title, touched)


def touch(key: str | None, subject_id: int | None, at) -> None:
    """Tell the subject's domain that someone followed it up (e.g. R-12's pool clock)."""
    kind = subject_type(key)
    if kind and kind.touched and subject_id is not None:
        kind.touched(subject_id, at)


def unregister_subject(key: str) -> None:
    _TYPES.pop(key, None)


def subject_keys(model: type) -> list[str]:
    """The subject types that name rows of `model`."""
    return [key for key, kind in _TYPES.items() if kind.model is model]


def subject_type(key: str | None) -> SubjectType | None:
    return _TYPES.get(key) if key else None


def subject_url(key: str | None, subject_id: int | None) -> str | None:
    kind = subject_type(key)
    if kind is None or subject_id is None:
        return None
    return url_for(kind.endpoint, **{kind.id_arg: subject_id})


def get_visible_subject_or_404(key: str, subject_id: int | None):
    """The record a new follow-up is about, if the user may see it; else 404."""
    kind = subject_type(key)
    if kind is None or subject_id is None:
        abort(404)
    record = db.session.scalar(
        select(kind.model).where(kind.model.id == subject_id, visible_filter(kind.model))
    )
    if record is None:
        abort(404)
    return record


def load_refs(pairs: Iterable[tuple[str | None, int | None]], user=None) -> dict[tuple, SubjectRef]:
    """Titles and links of many subjects: one query per subject type, rows visible to `user`
    (default: the current user) only; one they cannot see keeps its label, without title or
    link."""
    wanted: dict[str, set[int]] = {}
    for key, subject_id in pairs:
        if subject_type(key) and subject_id is not None:
            wanted.setdefault(key, set()).add(subject_id)
    refs: dict[tuple, SubjectRef] = {}
    for key, ids in wanted.items():
        kind = _TYPES[key]
        rows = db.session.scalars(
            select(kind.model).where(kind.model.id.in_(ids), visible_filter(kind.model, user))
        )
        for row in rows:
            refs[(key, row.id)] = SubjectRef(kind.label, kind.title(row), subject_url(key, row.id))
        for missing in ids - {sid for k, sid in refs if k == key}:
            refs[(key, missing)] = SubjectRef(kind.label, "", None)
    return refs
