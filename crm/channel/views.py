"""/dealers: the dealer list and page (R-60), for the channel roles (crm/channel/access.py)."""

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.auth.access import roles_required
from crm.auth.models import User, UserRole
from crm.auth.scopes import get_visible_or_404, visible
from crm.channel import dealers as services
from crm.channel.access import CHANNEL_ROLES
from crm.channel.forms import DealerForm, StatusForm
from crm.channel.models import DEALER_GRADES, DEALER_STATUSES, REGIONS, Dealer
from crm.errors import DomainError
from crm.extensions import db
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("channel", __name__)

FORM_FIELDS = list(services.DEALER_FIELDS)


@bp.context_processor
def labels() -> dict:
    return {"regions": REGIONS, "dealer_statuses": DEALER_STATUSES,
            "dealer_grades": DEALER_GRADES}


DEALERS = ListSpec(
    name="dealer",
    query=lambda: visible(Dealer),
    id_column=Dealer.id,
    columns=(
        Column("name", _l("Name"), sort=(Dealer.search_key, False)),
        Column("region", _l("Region"), sort=(Dealer.region, False)),
        Column("place", _l("Province / city")),
        Column("grade", _l("Grade"), sort=(Dealer.grade, False)),
        Column("status", _l("Status"), sort=(Dealer.status, False)),
        Column("contact", _l("Contact")),
        Column("joined", _l("Partner since"), sort=(Dealer.joined_on, True)),
    ),
    default_sort="name",
    filters=(
        Filter("region", _l("Region"), lambda: REGIONS, lambda v: Dealer.region == v,
               _l("All regions")),
        Filter("status", _l("Status"), lambda: DEALER_STATUSES, lambda v: Dealer.status == v,
               _l("All statuses")),
        Filter("grade", _l("Grade"), lambda: DEALER_GRADES, lambda v: Dealer.grade == v,
               _l("All grades")),
    ),
    search=lambda term: matches(term, Dealer.search_key),
    search_hint=_l("Name, city or contact, pinyin or initials"),
    count_text=_l("%(n)s dealers"),
)


@bp.get("/dealers")
@roles_required(*CHANNEL_ROLES)
def dealers():
    return render_list("channel/dealers.html", DEALERS.run())


@bp.get("/dealers/<int:dealer_id>")
@roles_required(*CHANNEL_ROLES)
def dealer(dealer_id: int):
    record = get_visible_or_404(Dealer, dealer_id)
    return render("channel/dealer.html", dealer=record, status_form=_status_form(record))


def _status_form(record: Dealer) -> StatusForm:
    form = StatusForm()
    form.status.choices = [(s, DEALER_STATUSES[s]) for s in services.STATUS_MOVES[record.status]]
    return form


@bp.post("/dealers/<int:dealer_id>/status")
@roles_required(*CHANNEL_ROLES)
def change_status(dealer_id: int):
    record = get_visible_or_404(Dealer, dealer_id)
    form = _status_form(record)
    if form.validate_on_submit():
        try:
            services.change_status(record, form.status.data)
        except DomainError as error:
            form.add_error("status", error.message)
        else:
            return saved_redirect(_("Dealer %(name)s is now %(status)s.", name=record.name,
                                    status=DEALER_STATUSES[record.status]),
                                  url_for("channel.dealer", dealer_id=record.id))
    return render("channel/dealer.html", status=422, dealer=record, status_form=form)


@bp.route("/dealers/new", methods=["GET", "POST"], defaults={"dealer_id": None})
@bp.route("/dealers/<int:dealer_id>/edit", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def edit(dealer_id: int | None):
    record = get_visible_or_404(Dealer, dealer_id) if dealer_id else None
    form = DealerForm(obj=record)
    form.manager_id.choices = [("", "—"), *_channel_managers()]
    result = submit_edit(form, record, FORM_FIELDS, lambda: services.save_dealer(
        record, {k: form[k].data for k in FORM_FIELDS}))
    if result.done:
        return saved_redirect(_("Dealer %(name)s saved.", name=result.saved.name),
                              url_for("channel.dealer", dealer_id=result.saved.id))
    return result.render("channel/dealer_form.html", form=form, dealer=record)


def _channel_managers() -> list[tuple[int, str]]:
    stmt = (select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
            .where(User.active, UserRole.role == "channel").order_by(User.search_key))
    return [(user_id, name) for user_id, name in db.session.execute(stmt)]
