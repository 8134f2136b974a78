"""Language and time zone of the current user: 简体中文 by default, English selectable."""

from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from flask import current_app, g, session
from flask_babel import Babel, Domain, get_timezone
from flask_login import current_user
from markupsafe import Markup


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        if session.get("lang") != current_user.locale:
            session["lang"] = current_user.locale  # error pages read it without the database
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def zoneinfo(zone) -> ZoneInfo:
    """Babel may hand out pytz zones, which `datetime.combine(tzinfo=...)` gets wrong (LMT)."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def user_zone(user=None) -> ZoneInfo:
    """The user's time zone: the one helper for "the user's day". Without `user`, the current
    user's (the default zone before login), looked up once per request (lists format hundreds
    of times); with one (a calendar feed read by its token), that user's."""
    if user is not None:
        return zoneinfo(user.timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if (zone := g.get("crm_zone")) is None:
        zone = g.crm_zone = zoneinfo(get_timezone())
    return zone


def local_time(value: datetime) -> datetime:
    """`value` (stored in UTC; naive means UTC) in the current user's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(user_zone())


def translated(labels: dict) -> dict:
    """Labels (lazy strings) translated once for the request's templates: a list's rows look
    them up fifty times, and a lazy string is translated again each time."""
    return {key: str(label) for key, label in labels.items()}


def this_month() -> tuple[date, date]:
    """The first and last day of the current month in the user's zone."""
    today = local_time(datetime.now(UTC)).date()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class RequestCachedDomain(Domain):
    """flask_babel resolves the catalogue on every gettext call (≈ 30 µs), and a list page makes
    hundreds. Here it is resolved once per request and kept beside the locale it was resolved
    for, so `force_locale` (e-mails, calendar feeds) still switches language."""

    def get_translations(self):
        try:
            state = g._flask_babel
            kept = state.crm_catalogue
            if kept[0] is state.babel_locale:
                return kept[1]
        except (AttributeError, RuntimeError):  # not chosen yet, or outside an app context
            pass
        found = super().get_translations()
        if g:
            state = g._flask_babel
            state.crm_catalogue = (getattr(state, "babel_locale", None), found)
        return found


class CrmBabel(Babel):
    @cached_property
    def domain_instance(self):
        return RequestCachedDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: self.catalogue().ugettext(s),
            ngettext=lambda s, p, n: self.catalogue().ungettext(s, p, n),
            pgettext=lambda c, s: self.catalogue().upgettext(c, s),
            npgettext=lambda c, s, p, n: self.catalogue().unpgettext(c, s, p, n),
            newstyle=True,
        )
        app.jinja_env.globals["_"] = self.template_gettext

    def catalogue(self):
        return self.domain_instance.get_translations()

    def template_gettext(self, string: str, **variables) -> Markup:
        """`_()` in templates, as Jinja's newstyle gettext (the translation is trusted, the
        variables are escaped), with each message kept as Markup beside its catalogue: a list
        page asks for the same column labels on every row."""
        catalogue = self.catalogue()
        try:
            kept = catalogue.crm_markup
        except AttributeError:
            kept = catalogue.crm_markup = {}
        if (message := kept.get(string)) is None:
            message = kept[string] = Markup(catalogue.ugettext(string))
        return message % variables if variables else message
