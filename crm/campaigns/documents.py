"""Campaign documents (R-50): uploaded through crm.storage, named by the rule
项目名称-日期-版本号 (e.g. 春季促销-2026-01V1: the campaign's name, the year and month, V and the
version). The form proposes the next name; a name that breaks the rule, or a version that
exists, is refused with the expected pattern; every version stays readable. Nothing here
commits."""

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.auth.models import User
from crm.auth.scopes import visible
from crm.campaigns.models import Campaign, CampaignDocument
from crm.errors import DomainError
from crm.extensions import db
from crm.storage import store_upload

NAME_RULE = re.compile(r"^(?P<project>.+)-(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])"
                       r"V(?P<version>[1-9]\d{0,3})$")
PATTERN = "项目名称-YYYY-MMV版本号"


def _next_version(campaign_id: int, stem: str) -> int:
    latest = db.session.scalar(select(func.max(CampaignDocument.version)).where(
        CampaignDocument.campaign_id == campaign_id, CampaignDocument.stem == stem))
    return (latest or 0) + 1


def proposed_name(campaign: Campaign, today: date) -> str:
    """The next version of this month's document of the campaign."""
    stem = f"{campaign.name}-{today:%Y-%m}"
    return f"{stem}V{_next_version(campaign.id, stem)}"


def checked_name(campaign: Campaign, name: str) -> tuple[str, int]:
    """(stem, version) of a name that follows the rule and names the campaign."""
    found = NAME_RULE.match(name.strip())
    if found is None or found["project"] != campaign.name:
        raise DomainError(_("Name it by the rule %(pattern)s, e.g. %(example)s.",
                            pattern=PATTERN, example=f"{campaign.name}-2026-01V1"), "name")
    stem = name.strip()[:found.start("version") - 1]
    expected = _next_version(campaign.id, stem)
    if int(found["version"]) != expected:
        raise DomainError(_("The next version of %(stem)s is V%(version)s.", stem=stem,
                            version=expected), "name")
    return stem, expected


def upload(campaign: Campaign, name: str, upload_file, is_contract: bool,
           by: User) -> CampaignDocument:
    stem, version = checked_name(campaign, name)
    stored = store_upload(upload_file, encrypted=is_contract)  # sealed at rest
    document = CampaignDocument(
        campaign_id=campaign.id, name=f"{stem}V{version}", stem=stem, version=version,
        is_contract=is_contract, storage_key=stored.key, original_name=stored.original_name,
        content_type=stored.content_type, size=stored.size, uploaded_by_id=by.id)
    db.session.add(document)
    db.session.flush()
    return document


def documents_of(campaign_id: int) -> list[CampaignDocument]:
    """The campaign's documents the user may read, each name's versions newest first."""
    stmt = (visible(CampaignDocument).where(CampaignDocument.campaign_id == campaign_id)
            .order_by(CampaignDocument.stem, CampaignDocument.version.desc()))
    return list(db.session.scalars(stmt))
