"""/: the user's home page: their day, and for managers and directors their team's."""

from flask import Blueprint
from flask_login import current_user, login_required

from crm.dashboard.home import build_home, days_left
from crm.followups.agenda import preview
from crm.sales import funnel
from crm.web.i18n import user_zone
from crm.web.render import render

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def home():
    zone = user_zone()
    return render("dashboard/home.html", agenda=preview(current_user, zone),
                  home=build_home(current_user, zone), stages=funnel.board_stages(),
                  days_left=days_left)
