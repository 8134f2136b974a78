from flask_babel import lazy_gettext as _l
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.base import Audited, Timestamped
from crm.extensions import db
from crm.settings.registry import DEFINITIONS


class Setting(Audited, Timestamped, db.Model):
    """An admin's override of a default in crm.settings.registry; absent means default."""

    __tablename__ = "settings"
    __label__ = _l("Setting")
    __field_labels__ = {"key": _l("Setting"), "value": _l("Value")}
    __name_labels__ = {d.key: d.label for d in DEFINITIONS}  # the audit page names the setting

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[str] = mapped_column(Text)
