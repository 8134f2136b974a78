"""The rows of the scoring table as HTML, written in Python with markupsafe escaping: Jinja
with a call per cell took seconds for 3,000 rows. The markup is the same for the page and for
one row (htmx). Rows stay small (no per-cell labels: the table scrolls sideways on a phone; the
Adjust button is wired by static/js/scores.js from its data-adjust id).

A row's HTML depends only on its values, the locale and the pass mark, so it is cached by them:
a page load renders only the rows whose values changed since (an adjustment, a new quarter's
scoring); the 3k-row page otherwise joins cached strings. The page itself reads only each
row's id and versions (`scorecards.row_versions`), and the figures of the rows it has not
rendered yet: 3k rows of a dozen figures cost more to fetch and convert than to show. The
labels, badges and the URL pattern are built once per locale and pass mark, the sparkline's
SVG once per trend."""

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from crm.channel import scorecards
from crm.channel.figures import Quarter
from crm.channel.models import REGIONS
from crm.channel.scorecards import spark_points, state

ROW_CACHE = 10_000  # rows, shared by every sort and filter of a quarter: 3k dealers in zh, en

def _money(value: float | Decimal) -> str:
    return f"¥{value:,.2f}"


@lru_cache(maxsize=4_096)
def _spark(trend: str, pass_y: str) -> str:
    """The sparkline of the last 8 quarters with the pass mark's line (server-rendered SVG)."""
    return (f'<svg class="spark" viewBox="-2 -2 84 24" aria-hidden="true">'
            f'<line class="spark-pass" x1="0" x2="80" y1="{pass_y}" y2="{pass_y}"/>'
            f'<polyline points="{spark_points(trend)}"/></svg>')


@lru_cache(maxsize=8)
def _renderer(locale: str, pass_mark: int, dealer_url: str) -> Callable[[object], str]:
    """A cached function row -> HTML for one locale (its labels translated here, once) and pass
    mark; `dealer_url` is the dealer page's URL with "{}" for the id."""
    pass_y = f"{20 - pass_mark / 5:.1f}"
    l_adjust = escape(_("Adjust"))
    regions = {key: escape(str(label)) for key, label in REGIONS.items()}
    badges = {"terminated": f'<span class="badge danger">{escape(_("Terminated"))}</span>',
              "warned": f'<span class="badge warn">{escape(_("Warned: rectify"))}</span>',
              "ok": f'<span class="badge ok">{escape(_("In good standing"))}</span>'}
    at_risk = {streak: '<span class="badge at-risk">{}</span>'.format(
        escape(_("At risk: failed %(n)s", n=streak))) for streak in range(1, 13)}
    verdicts = {passed: (css, f'<span class="small">{escape(text)}</span>')
                for passed, css, text in ((True, "pass", _("pass")), (False, "fail", _("fail")))}
    adjusted_text = _("adjusted from %(s)s", s="{}")

    cache: dict[tuple, tuple[str, str]] = {}

    def render(row) -> tuple[str, str]:
        row_state = state(row)
        badge = badges.get(row_state) or at_risk.get(row.failing_streak) or escape(
            _("At risk: failed %(n)s", n=row.failing_streak))
        verdict, verdict_text = verdicts[row.passed]
        score = row.score if row.adjusted_score is None else row.adjusted_score
        adjusted = "" if row.adjusted_score is None else (
            f'<br><span class="badge adjusted" title="{escape(row.adjustment_reason or "")}">'
            f'{escape(adjusted_text.format(f"{row.score:.1f}"))}</span>')
        html = (
            f'<tr id="score-{row.id}" class="score-row state-{row_state}" tabindex="0">'
            f'<td><a href="{dealer_url.format(row.dealer_id)}">{escape(row.name)}</a></td>'
            f'<td>{regions[row.region]}</td><td>{badge}</td>'
            f'<td class="num">{_money(row.target)}</td><td class="num">{_money(row.revenue)}</td>'
            f'<td class="num">{row.attainment:.1f}%</td><td class="num">{row.new_customers}</td>'
            f'<td class="num">{row.complaint_rate:.1f}%</td>'
            f'<td class="num"><strong class="{verdict}">{score:.1f}</strong> {verdict_text}'
            f'{adjusted}</td><td class="num">{float(row.rebate_percent):g}%</td>'
            f'<td>{_spark(row.trend, pass_y)}</td><td><button type="button" '
            f'class="button small" data-adjust="{row.id}">{l_adjust}</button></td></tr>')
        return html, row_state

    def cached(row) -> tuple[str, str]:
        key = tuple(row)  # hashed in C: floats, not Decimals (scorecards.score_rows)
        found = cache.get(key)
        if found is None:
            if len(cache) >= ROW_CACHE:
                cache.clear()
            found = cache[key] = render(row)
        return found

    return cached


def _dealer_url() -> str:
    return url_for("channel.dealer", dealer_id=999_999_999).replace("999999999", "{}")


def rows_html(rows: list, pass_mark: int) -> tuple[Markup, list[tuple[object, str]]]:
    """The rows' HTML, and the rows not in good standing with their state (the warning list)."""
    rendered = list(map(_renderer(str(get_locale()), pass_mark, _dealer_url()), rows))
    flagged = [(row, row_state) for row, (_html, row_state) in zip(rows, rendered, strict=True)
               if row_state != "ok"]
    return Markup("".join([html for html, _state in rendered])), flagged


class Flagged(NamedTuple):
    """What the warning list shows of a row not in good standing."""
    id: int
    name: str
    failing_streak: int


@lru_cache(maxsize=8)
def _by_version(locale: str, pass_mark: int, dealer_url: str) -> dict:
    """`scorecards.row_versions` -> (html, state, Flagged), per renderer."""
    return {}


def table_rows(quarter: Quarter, pass_mark: int, **view) -> tuple[bytes, list, int]:
    """The quarter's table rows (filtered and sorted by `view`) as UTF-8, the warning list and
    how many rows: two queries, the second fetching only the rows changed or not seen before.
    Rows are kept encoded: 2 MB of text joined, wrapped as Markup and encoded on every request
    cost more than the rest of the page."""
    keys = [tuple(key) for key in scorecards.row_versions(quarter, **view)]
    locale, dealer_url = str(get_locale()), _dealer_url()
    known = _by_version(locale, pass_mark, dealer_url)
    entries = dict(zip([key[0] for key in keys], map(known.get, keys), strict=True))
    render_row = _renderer(locale, pass_mark, dealer_url)
    missing = [i for i, entry in entries.items() if entry is None]
    for row in scorecards.rows_by_id(quarter, missing, region=view.get("region", ""),
                                     status=view.get("status", "")):
        if entries.get(row.id, False) is not None:  # rendered already, or not on this page
            continue
        html, row_state = render_row(row)
        entries[row.id] = entry = (html.encode(), row_state,
                                   Flagged(row.id, row.name, row.failing_streak))
        if len(known) >= ROW_CACHE:
            known.clear()
        known[(row.id, row.score_version, row.dealer_version, row.dealer_changed)] = entry
    shown = [entry for entry in map(entries.get, entries) if entry is not None]
    flagged = [(flag, row_state) for _html, row_state, flag in shown if row_state != "ok"]
    return b"".join([html for html, _state, _flag in shown]), flagged, len(shown)
