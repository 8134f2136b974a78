"""Companies and the people at them (R-13, R-14); personal data is masked (R-05)."""

from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import Audited, Timestamped, Versioned, index_when_set
from crm.customers.identity import normalise_name, normalise_phone
from crm.extensions import db
from crm.web.search import search_key_of

MANUFACTURING = "manufacturing"
INDUSTRIES = {
    MANUFACTURING: _l("Manufacturing"),
    "it": _l("Information technology"),
    "government": _l("Government"),
    "education": _l("Education"),
    "healthcare": _l("Healthcare"),
    "finance": _l("Finance"),
    "retail": _l("Retail"),
    "construction": _l("Construction"),
    "energy": _l("Energy"),
    "logistics": _l("Logistics"),
    "other": _l("Other"),
}
SOURCES = {
    "campaign": _l("Campaign"),
    "online": _l("Online marketing"),
    "referral": _l("Referral"),
    "dealer": _l("Dealer"),
    "inbound_call": _l("Inbound call"),
    "trade_show": _l("Trade show"),
}
GRADES = ("A", "B", "C")


def grade_choices() -> list[tuple[str, str]]:
    """(grade, "A 级") pairs for dropdowns."""
    return [(g, gettext("Grade %(g)s", g=g)) for g in GRADES]
# Stored as the Chinese name (what people type and import); shown in the user's language.
PROVINCES = {
    "北京": _l("Beijing"), "天津": _l("Tianjin"), "上海": _l("Shanghai"),
    "重庆": _l("Chongqing"), "河北": _l("Hebei"), "山西": _l("Shanxi"), "辽宁": _l("Liaoning"),
    "吉林": _l("Jilin"), "黑龙江": _l("Heilongjiang"), "江苏": _l("Jiangsu"),
    "浙江": _l("Zhejiang"), "安徽": _l("Anhui"), "福建": _l("Fujian"), "江西": _l("Jiangxi"),
    "山东": _l("Shandong"), "河南": _l("Henan"), "湖北": _l("Hubei"), "湖南": _l("Hunan"),
    "广东": _l("Guangdong"), "海南": _l("Hainan"), "四川": _l("Sichuan"),
    "贵州": _l("Guizhou"), "云南": _l("Yunnan"), "陕西": _l("Shaanxi"), "甘肃": _l("Gansu"),
    "青海": _l("Qinghai"), "台湾": _l("Taiwan"), "内蒙古": _l("Inner Mongolia"),
    "广西": _l("Guangxi"), "西藏": _l("Tibet"), "宁夏": _l("Ningxia"), "新疆": _l("Xinjiang"),
    "香港": _l("Hong Kong"), "澳门": _l("Macao"),
}
PERSONAL_FIELDS = frozenset({"mobile", "phone", "email", "wechat"})


class Customer(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "customers"
    __label__ = _l("Customer")
    __field_labels__ = {
        "name": _l("Company name"), "credit_code": _l("Unified social credit code"),
        "industry": _l("Industry"), "annual_revenue": _l("Annual revenue"),
        "province": _l("Province"), "city": _l("City"), "source": _l("Source"),
        "grade": _l("Grade"), "owner_id": _l("Owner"),
        "is_government_tender": _l("Government tender project"),
        "is_target": _l("Target customer"), "phone": _l("Phone"), "email": _l("E-mail"),
        "dealer_id": _l("Dealer"),
    }
    __field_choices__ = {"industry": INDUSTRIES, "source": SOURCES, "province": PROVINCES}
    __audit_exclude__ = Audited.__audit_exclude__ | {"normalised_name", "phone_key"}
    __table_args__ = (
        Index("ix_customers_owner_search", "owner_id", "search_key"),
        Index("ix_customers_search_key", "search_key", "id"),
        # "newest first": everyone's (director, a manager's team filtered on the walk), a rep's
        Index("ix_customers_created", "created_at", "id"),
        Index("ix_customers_owner_created", "owner_id", "created_at", "id"),
        index_when_set("ix_customers_dealer_id", "dealer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(800), default="")
    normalised_name: Mapped[str] = mapped_column(String(200), index=True, default="")
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    industry: Mapped[str | None] = mapped_column(String(20))
    annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    province: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(50))
    source: Mapped[str | None] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(1), default="C")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_government_tender: Mapped[bool] = mapped_column(Boolean, default=False)
    is_target: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    phone_key: Mapped[str | None] = mapped_column(String(30), index=True)
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"))  # sold by

    owner: Mapped[User] = relationship()
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="customer", order_by="Contact.id")

    def refresh_keys(self, target_threshold: Decimal) -> None:
        """Derived columns, recomputed on every save (R-13: the target flag)."""
        self.search_key = search_key_of(self, self.name)
        self.normalised_name = normalise_name(self.name)
        self.phone_key = normalise_phone(self.phone) or None
        self.email = (self.email or "").strip().lower() or None
        manufacturer_above = (self.industry == MANUFACTURING and self.annual_revenue is not None
                              and self.annual_revenue > target_threshold)
        self.is_target = bool(manufacturer_above or self.is_government_tender)


class Contact(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "contacts"
    __label__ = _l("Contact")
    __field_labels__ = {
        "name": _l("Name"), "title": _l("Job title"), "mobile": _l("Mobile"),
        "phone": _l("Phone"), "email": _l("E-mail"), "wechat": _l("WeChat"),
        "customer_id": _l("Customer"),
    }
    __audit_mask__ = PERSONAL_FIELDS
    __audit_exclude__ = Audited.__audit_exclude__ | {"mobile_key", "owner_id"}
    # the list's order: everyone's, and a rep's or a team's own
    __table_args__ = (Index("ix_contacts_search_key", "search_key", "id"),
                      Index("ix_contacts_owner_search", "owner_id", "search_key", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    search_key: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str | None] = mapped_column(String(100))
    mobile: Mapped[str | None] = mapped_column(String(30))
    mobile_key: Mapped[str | None] = mapped_column(String(30), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    wechat: Mapped[str | None] = mapped_column(String(100))
    # the customer's owner, copied by database triggers (migration 0025_plans_contact_owner)
    # whatever moves a contact or hands its customer over: the app never writes it
    owner_id: Mapped[int | None] = mapped_column(Integer)

    customer: Mapped[Customer] = relationship(back_populates="contacts")

    def refresh_keys(self) -> None:
        self.search_key = search_key_of(self, self.name)
        self.mobile_key = normalise_phone(self.mobile) or None
        self.email = (self.email or "").strip().lower() or None
