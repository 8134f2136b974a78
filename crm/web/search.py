"""Search keys: Chinese names become findable by full pinyin and by initials."""

import re

from pypinyin import Style, lazy_pinyin
from sqlalchemy import or_

_NON_WORD = re.compile(r"[\s\-_·.,，。()（）]+")


def pinyin_key(*texts: str | None) -> str:
    """'张三' -> 'zhangsan zs 张三': full pinyin first, so sorting by the key sorts by pinyin
    (the order Chinese users expect); stored lowercased so LIKE finds any part."""
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        compact = _NON_WORD.sub("", text).lower()
        full = "".join(lazy_pinyin(compact)).lower()
        initials = "".join(lazy_pinyin(compact, style=Style.FIRST_LETTER)).lower()
        parts.extend(dict.fromkeys([full, initials, compact]))
    return " ".join(parts)


def like_term(term: str) -> str:
    escaped = term.strip().lower().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def matches(term: str, *columns):
    """A WHERE clause: any column contains the term (case-insensitive, wildcards escaped)."""
    pattern = like_term(_NON_WORD.sub("", term))
    return or_(*(col.ilike(pattern, escape="\\") for col in columns))
