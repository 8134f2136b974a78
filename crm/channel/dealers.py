"""Use cases of dealers (R-60): company data, main contact, region and status. No commits."""

from flask_babel import gettext as _
from sqlalchemy import or_, select

from crm.auth.scopes import visible
from crm.channel.models import DEALER_STATUSES, Dealer, DealerContact
from crm.errors import DomainError
from crm.extensions import db

DEALER_FIELDS = ("name", "credit_code", "province", "city", "address", "grade", "contact_name",
                 "contact_title", "contact_phone", "experience_years", "warehouse_m2", "capital",
                 "manager_id", "note")

# The region a province belongs to (华东, 华南, ...): dealers are filtered and scored by it.
PROVINCE_REGIONS = {
    **dict.fromkeys(("上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "台湾"), "east"),
    **dict.fromkeys(("广东", "广西", "海南", "香港", "澳门"), "south"),
    **dict.fromkeys(("北京", "天津", "河北", "山西", "内蒙古"), "north"),
    **dict.fromkeys(("河南", "湖北", "湖南"), "central"),
    **dict.fromkeys(("重庆", "四川", "贵州", "云南", "西藏"), "southwest"),
    **dict.fromkeys(("陕西", "甘肃", "青海", "宁夏", "新疆"), "northwest"),
    **dict.fromkeys(("辽宁", "吉林", "黑龙江"), "northeast"),
}

# Status moves a person makes on the dealer page; warnings and terminations also come from the
# quarterly scoring.
STATUS_MOVES = {"applicant": (), "active": ("warned", "terminated"),
                "warned": ("active", "terminated"), "terminated": ()}


def save_dealer(dealer: Dealer | None, values: dict) -> Dealer:
    dealer = dealer or Dealer(status="applicant")
    for key in DEALER_FIELDS:
        if key in values:
            value = values[key]
            setattr(dealer, key, (value.strip() or None) if isinstance(value, str) else value)
    if not dealer.name:
        raise DomainError(_("Enter the dealer's company name."), "name")
    if dealer.province not in PROVINCE_REGIONS:
        raise DomainError(_("Choose the province."), "province")
    dealer.city = dealer.city or ""
    dealer.region = PROVINCE_REGIONS[dealer.province]
    _refuse_duplicate_name(dealer)
    dealer.refresh_keys()
    db.session.add(dealer)
    db.session.flush()
    return dealer


def _refuse_duplicate_name(dealer: Dealer) -> None:
    same = db.session.scalar(select(Dealer.id).where(Dealer.name == dealer.name,
                                                     Dealer.id != (dealer.id or 0)))
    if same:
        raise DomainError(_("A dealer of this name already exists."), "name")


def change_status(dealer: Dealer, status: str) -> None:
    if status not in STATUS_MOVES.get(dealer.status, ()):
        raise DomainError(_("A dealer %(from)s cannot become %(to)s.",
                            **{"from": DEALER_STATUSES[dealer.status],
                               "to": DEALER_STATUSES.get(status, status)}))
    dealer.status = status


def dealer_choices(current_id: int | None = None) -> list[tuple]:
    """The dealers a lead, customer or deal may come from (R-19), for its form: the active and
    warned ones (their names only), plus the one already chosen; first "no dealer"."""
    stmt = (select(Dealer.id, Dealer.name)
            .where(or_(Dealer.status.in_(("active", "warned")), Dealer.id == (current_id or 0)))
            .order_by(Dealer.search_key))
    return [("", _("None (direct)")), *((i, name) for i, name in db.session.execute(stmt))]


def visible_dealer_name(dealer_id: int | None) -> str | None:
    """The dealer's name on a customer or deal page, when the user may see that dealer (a rep:
    the dealers of their own deals)."""
    if dealer_id is None:
        return None
    return db.session.scalar(visible(Dealer).with_only_columns(Dealer.name)
                             .where(Dealer.id == dealer_id))


CONTACT_FIELDS = ("name", "title", "phone", "email", "note")


def save_contact(contact: DealerContact | None, dealer: Dealer, values: dict) -> DealerContact:
    """A further contact person of the dealer (the main one is on the dealer's row)."""
    contact = contact or DealerContact(dealer_id=dealer.id)
    for key in CONTACT_FIELDS:
        value = values.get(key)
        setattr(contact, key, (value.strip() or None) if isinstance(value, str) else value)
    if not contact.name:
        raise DomainError(_("Enter the contact's name."), "name")
    db.session.add(contact)
    db.session.flush()
    return contact
