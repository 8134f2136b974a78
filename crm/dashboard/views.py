"""/: the user's home page; domains add their panels here (agenda, alerts, funnel)."""

from flask import Blueprint
from flask_babel import get_timezone
from flask_login import current_user, login_required

from crm.followups.agenda import preview
from crm.web.render import render

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def home():
    return render("dashboard/home.html", agenda=preview(current_user, get_timezone()))
