"""Kinds of deadline (follow-up, revisit, complaint response, ...): each domain registers its
own with a label and its defaults (duration, calendar or working time, escalation ladder), so
the agenda, alerts and calendar name them without knowing the domain, and admins can change
the defaults on the deadline kinds page (crm.deadlines.rules)."""

from dataclasses import dataclass

CALENDAR, WORKING = "calendar", "working"
BASES = (CALENDAR, WORKING)


@dataclass(frozen=True)
class Step:
    """A level of the escalation ladder beyond the owner's: who, how long after the due time."""

    level: int
    role: str  # manager | director | any role: the nearest holder above the owner
    delay_minutes: int


@dataclass(frozen=True)
class KindSpec:
    key: str
    label: object
    basis: str = CALENDAR
    minutes: int | None = None  # None: the due time is chosen each time (a follow-up's date)
    # None: the standard ladder (the owner's manager after `escalation_delay_hours`).
    ladder: tuple[Step, ...] | None = None
    pausable: bool = False  # may stand still (e.g. a complaint waiting for the customer)
    # A setting that holds the duration instead of `minutes` (archive_hours,
    # complaint_response_minutes), and the minutes in one of its units (60 for hours, 1 for
    # minutes): admins change it on the settings page, the deadline kinds page shows it.
    duration_setting: str | None = None
    setting_unit_minutes: int = 60


_KINDS: dict[str, KindSpec] = {}


def register_kind(key: str, label, *, basis: str = CALENDAR, minutes: int | None = None,
                  ladder: tuple[Step, ...] | None = None, pausable: bool = False,
                  duration_setting: str | None = None, setting_unit_minutes: int = 60) -> None:
    _KINDS[key] = KindSpec(key, label, basis, minutes, ladder, pausable, duration_setting,
                           setting_unit_minutes)


def unregister_kind(key: str) -> None:
    _KINDS.pop(key, None)


def kind_spec(key: str | None) -> KindSpec | None:
    return _KINDS.get(key or "")


def kind_label(key: str | None):
    spec = kind_spec(key)
    return spec.label if spec else (key or "")


def kinds() -> dict[str, object]:
    return {key: spec.label for key, spec in _KINDS.items()}
