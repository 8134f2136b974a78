"""Reading and saving settings. Reads are cached per process and per request; the cache is
invalidated by a stamp row in the database, so every web instance and worker sees a save."""

from collections.abc import Callable

from flask import g, has_app_context
from sqlalchemy import select

from crm.extensions import db
from crm.settings.models import Setting
from crm.settings.registry import BY_KEY, DEFINITIONS, SettingDef

STAMP_KEY = "_stamp"
_process_cache: dict[str, tuple[str | None, dict]] = {}
CHECKS: list[Callable[[dict], None]] = []


def _parse(definition: SettingDef, raw: str):
    if definition.kind is bool:
        return raw == "1"
    return definition.kind(raw)


def _serialise(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _load(stamp: str | None) -> dict:
    values = {d.key: d.default for d in DEFINITIONS}
    for key, raw in db.session.execute(select(Setting.key, Setting.value)):
        if key in BY_KEY:
            values[key] = _parse(BY_KEY[key], raw)
    _process_cache[str(db.engine.url)] = (stamp, values)
    return values


def all_settings() -> dict:
    """Current values of every setting; one small query per request at most."""
    if has_app_context() and "crm_settings" in g:
        return g.crm_settings
    stamp = db.session.scalar(select(Setting.value).where(Setting.key == STAMP_KEY))
    cached_stamp, values = _process_cache.get(str(db.engine.url), (object(), {}))
    if cached_stamp != stamp:
        values = _load(stamp)
    g.crm_settings = values
    return values


def get_setting(key: str):
    return all_settings()[key]


def register_check(check: Callable[[dict], None]) -> None:
    """A rule across settings (e.g. weights that sum to 100): check(values) raises DomainError
    naming the field, so the settings form shows it there and saves nothing."""
    CHECKS.append(check)


def save_settings(changes: dict) -> list[str]:
    """Store validated values (the form checked bounds); returns the keys that changed."""
    current = all_settings()
    for check in CHECKS:
        check(current | changes)
    changed = [key for key, value in changes.items() if value != current[key]]
    rows = {s.key: s for s in db.session.scalars(select(Setting).where(Setting.key.in_(
        [*changed, STAMP_KEY])))}
    for key in changed:
        row = rows.get(key) or Setting(key=key)
        row.value = _serialise(changes[key])
        db.session.add(row)
    if changed:
        stamp = rows.get(STAMP_KEY) or Setting(key=STAMP_KEY, value="0")
        stamp.value = str(int(stamp.value) + 1)
        db.session.add(stamp)
        g.pop("crm_settings", None)
    return changed

