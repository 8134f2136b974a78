"""Search keys: Chinese names become findable by full pinyin and by initials."""

import re
from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg
from sqlalchemy import Integer, bindparam, column, or_
from sqlalchemy import text as sql_text

from crm.web.text import clean_text

_NON_WORD = re.compile(r"[\s\-_·.,，。()（）]+")


_KEPT = "\x00"  # marks a run pypinyin leaves as it is (latin, digits): its "initial" is all of it


@lru_cache(maxsize=65_536)
def _syllables(word: str) -> tuple[str, ...]:
    """Pinyin of one segment. Names repeat their parts (cities, 有限公司), so segments are
    converted once: a company name takes ≈ 40 µs instead of ≈ 400 µs."""
    return tuple(lazy_pinyin(word, errors=lambda run: [_KEPT + run]))


def pinyin_key(*texts: str | None) -> str:
    """'张三' -> 'zhangsan zs 张三': full pinyin first, so sorting by the key sorts by pinyin
    (the order Chinese users expect); stored lowercased so LIKE finds any part."""
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        compact = _NON_WORD.sub("", text).lower()
        items = [syllable for word in seg(compact) for syllable in _syllables(word)]
        full = "".join(item.lstrip(_KEPT) for item in items)
        initials = "".join(item[1:] if item[0] == _KEPT else item[0] for item in items)
        parts.extend(dict.fromkeys([full.lower(), initials.lower(), compact]))
    return " ".join(parts)


def search_key_of(record, *texts: str | None) -> str:
    """The record's search key: `pinyin_key` cut to its column (the pinyin of a long name is
    longer than the name)."""
    return pinyin_key(*texts)[:type(record).search_key.type.length]


def like_term(term: str) -> str:
    escaped = clean_text(term).lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


TRIGRAM = 3  # a term this long is looked up in a trigram index (pg_trgm, SQLite's FTS5)

# SQLite's trigram indexes: table -> (FTS5 table, its rowid column, the columns it holds).
# Migration 0012 creates them and the triggers that keep them in step with their table;
# PostgreSQL has pg_trgm indexes on the same columns (0004, 0005, 0007).
FTS_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "customers": ("fts_customers", "id", ("search_key", "credit_code", "phone_key")),
    "contacts": ("fts_contacts", "id", ("search_key", "mobile_key")),
    "lead_search_keys": ("fts_lead_search_keys", "lead_id", ("search_key",)),
    "deals": ("fts_deals", "id", ("search_key",)),
}


NORMALISED = {"search_key", "phone_key", "mobile_key"}  # stored lowercased or digits only


def matches(term: str, *columns):
    """A WHERE clause: any column contains the term (case-insensitive, wildcards escaped).
    Search and phone keys are stored lowercased or as digits, so they take LIKE, which
    PostgreSQL checks about three times faster than ILIKE when a short term leaves no trigram
    to look up. On SQLite a term of three characters or more is looked up in the table's FTS5
    trigram index instead."""
    compact = _NON_WORD.sub("", term)
    if (found := _trigram_lookup(compact, columns)) is not None:
        return found
    pattern = like_term(compact)
    return or_(*((col.like if col.key in NORMALISED else col.ilike)(pattern, escape="\\")
                 for col in columns))


def _trigram_lookup(term: str, columns):
    """`id IN (rows of the FTS5 trigram index whose columns contain the term)` on SQLite, for
    a term long enough to have a trigram; None where that index does not answer."""
    from crm.extensions import db

    table = columns[0].table
    fts = FTS_TABLES.get(table.name)
    term = clean_text(term)
    if (fts is None or len(term) < TRIGRAM or db.session.get_bind().dialect.name != "sqlite"
            or not {col.key for col in columns} <= set(fts[2])):
        return None
    name, rowid, _held = fts
    listed, quoted = " ".join(col.key for col in columns), term.replace('"', '""')
    phrase = f'{{{listed}}} : "{quoted}"'
    rows = sql_text(f"SELECT rowid FROM {name} WHERE {name} MATCH :fts_phrase").bindparams(
        bindparam("fts_phrase", phrase, unique=True))
    return table.c[rowid].in_(rows.columns(column("rowid", Integer)))
