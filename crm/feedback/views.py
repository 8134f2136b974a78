"""/products/<id>/feedback: the product manager's page (R-18): the product's feedback from
calls, complaints, surveys (and every registered source), its complaints and sales in a
period, and marking an item acted on."""

from datetime import timedelta

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404
from crm.base import utcnow
from crm.feedback import services, sources
from crm.feedback.forms import ActedForm
from crm.sales.access import FEEDBACK_READERS
from crm.sales.access import PRODUCT_EDITOR_ROLES as FEEDBACK_EDITORS
from crm.sales.models import Product
from crm.web.edits import saved_redirect, submit_edit
from crm.web.forms import new_form_key
from crm.web.render import render

bp = Blueprint("feedback", __name__)
PERIODS = {"30": _l("Last 30 days"), "90": _l("Last 90 days"), "365": _l("Last 12 months")}
DEFAULT_PERIOD = "90"
# Each item's "mark acted on" form is one blank form rendered once, its ids renamed for the
# item (and its own one-time key): fifty forms built and rendered cost more than the rest of
# the page. Only a form sent back with an error is a form of its own.
BLANK = "blank-item"


def _choice(name: str, allowed, default: str = "") -> str:
    value = request.values.get(name, default)
    return value if value in allowed else default


def _page(product: Product, forms: dict | None = None, status: int = 200):
    days = _choice("days", PERIODS, DEFAULT_PERIOD)
    only = _choice("source", {s.key for s in sources.FEEDBACK_SOURCES})
    start = utcnow() - timedelta(days=int(days))
    shown = sources.items(product.id, start, current_user, only)
    return render("feedback/product.html", status=status, product=product, items=shown,
                  actions=services.actions_for(shown), figures=services.figures(product.id, start),
                  periods=PERIODS, days=days, only=only, sources=sources.FEEDBACK_SOURCES,
                  can_mark=current_user.has_role(*FEEDBACK_EDITORS), forms=forms or {},
                  limit=sources.ITEMS_SHOWN, blank_form=ActedForm(item=BLANK, formdata=None),
                  blank_prefix=f"acted-{BLANK}-", new_form_key=new_form_key)


@bp.get("/products/<int:product_id>/feedback")
@roles_required(*FEEDBACK_READERS)
def product(product_id: int):
    return _page(get_visible_or_404(Product, product_id))


@bp.post("/products/<int:product_id>/feedback/<source>/<int:item_id>")
@roles_required(*FEEDBACK_EDITORS)
def acted(product_id: int, source: str, item_id: int):
    """Mark one item acted on, with a note; the page again with the error beside it."""
    product = get_visible_or_404(Product, product_id)
    each = sources.source(source)
    if each is None:
        abort(404)
    form = ActedForm(item=f"{source}-{item_id}")
    result = submit_edit(form, None, [], lambda: services.mark_acted(
        each, item_id, product.id, form.note.data, current_user))
    if result.done:
        back = url_for("feedback.product", product_id=product.id,
                       days=request.form.get("days") or None,
                       source=request.form.get("source") or None)
        return saved_redirect(_("Marked acted on."), f"{back}#{source}-{item_id}")
    return _page(product, {(source, item_id): form}, status=result.status)
