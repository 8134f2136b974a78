"""The customer picker: one type-ahead control for every form that picks a customer. The
field posts the customer's id; the suggestions come from `/customers/suggest` (name, full
pinyin, initials, the company's or a contact's phone; visible customers only)."""

from flask import Blueprint, request, url_for
from flask_babel import lazy_gettext as _l

from crm.auth.access import roles_required
from crm.auth.scopes import visible
from crm.customers.access import CUSTOMER_ROLES
from crm.customers.models import Customer
from crm.customers.views import customer_search
from crm.extensions import db
from crm.web.pagination import sorted_after_search
from crm.web.picker import PickedField
from crm.web.render import render

bp = Blueprint("picker", __name__)

SUGGESTIONS = 8
TERM_MAX = 50


def suggestions(term: str, limit: int = SUGGESTIONS) -> list:
    """The first visible customers that match `term`, by name order: one bounded query
    through the search keys and their indexes, like the customer list's search."""
    term = term.strip()[:TERM_MAX]
    if not term:
        return []
    stmt = (visible(Customer).with_only_columns(Customer.id, Customer.name, Customer.city)
            .where(customer_search(term))
            .order_by(sorted_after_search(Customer.search_key, term), Customer.id).limit(limit))
    return list(db.session.execute(stmt))


@bp.get("/customers/suggest")
@roles_required(*CUSTOMER_ROLES)
def suggest():
    """The picker's options for what was typed (an htmx/fetch fragment)."""
    return render("customers/_suggestions.html", found=suggestions(request.args.get("q", "")))


def _visible_name(customer_id: int | None) -> str:
    if not customer_id:
        return ""
    return db.session.scalar(visible(Customer).with_only_columns(Customer.name)
                             .where(Customer.id == customer_id)) or ""


class CustomerField(PickedField):
    """A customer chosen in the picker: its id, or None. Only a customer the user may see is
    accepted."""

    placeholder = _l("Name, pinyin, initials or phone")
    invalid_message = _l("Choose a customer from the suggestions.")

    def suggest_url(self) -> str:
        return url_for("picker.suggest")

    def allowed_name(self, record_id: int) -> str | None:
        return _visible_name(record_id) or None
