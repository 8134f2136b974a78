"""/: the user's home page; domains add their panels here (agenda, alerts, funnel)."""

from flask import Blueprint
from flask_login import login_required

from crm.web.render import render

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def home():
    return render("dashboard/home.html")
