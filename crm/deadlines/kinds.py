"""Kinds of deadline (follow-up, revisit, complaint response, ...): each domain registers its
own with a label, so the agenda, alerts and calendar name them without knowing the domain."""

_KINDS: dict[str, object] = {}


def register_kind(key: str, label) -> None:
    _KINDS[key] = label


def kind_label(key: str | None):
    return _KINDS.get(key or "", key or "")


def kinds() -> dict[str, object]:
    return dict(_KINDS)

