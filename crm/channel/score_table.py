"""The rows of the scoring table as HTML, written in Python: 3,000 rows a page are rendered in
tens of milliseconds (Jinja with a call per cell took seconds). The labels are translated once
a request; names are escaped; the markup is the same for the page and for one row (htmx).
Rows stay small (no per-cell labels: the table scrolls sideways on a phone; the Adjust button
is wired by static/js/scores.js from its data-adjust id)."""

from collections.abc import Callable
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from crm.channel.models import REGIONS
from crm.channel.scorecards import effective_score, spark_points, state

ROW = (
    '<tr id="score-{id}" class="score-row state-{state}" tabindex="0">'
    '<td><a href="{dealer_url}">{name}</a></td><td>{region}</td><td>{badge}</td>'
    '<td class="num">{target}</td><td class="num">{revenue}</td>'
    '<td class="num">{attainment}%</td><td class="num">{new_customers}</td>'
    '<td class="num">{complaint_rate}</td>'
    '<td class="num"><strong class="{verdict}">{score}</strong> {verdict_text}{adjusted}</td>'
    '<td class="num">{rebate}%</td>'
    '<td><svg class="spark" viewBox="-2 -2 84 24" aria-hidden="true">{pass_line}'
    '<polyline points="{spark}"/></svg></td>'
    '<td><button type="button" class="button small" data-adjust="{id}">{l_adjust}</button></td>'
    '</tr>'
)


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def row_renderer(pass_mark: int, complaints_tracked: bool) -> Callable[[object], str]:
    """A function row -> HTML, with everything that does not depend on the row done once."""
    y = f"{20 - pass_mark / 5:.1f}"
    fixed = {"l_adjust": escape(_("Adjust")),
             "pass_line": f'<line class="spark-pass" x1="0" x2="80" y1="{y}" y2="{y}"/>'}
    regions = {key: escape(str(label)) for key, label in REGIONS.items()}
    badges = {"terminated": f'<span class="badge danger">{escape(_("Terminated"))}</span>',
              "warned": f'<span class="badge warn">{escape(_("Warned: rectify"))}</span>',
              "ok": f'<span class="badge ok">{escape(_("In good standing"))}</span>'}
    at_risk = '<span class="badge at-risk">{}</span>'
    verdicts = {passed: (css, f'<span class="small">{escape(text)}</span>')
                for passed, css, text in ((True, "pass", _("pass")), (False, "fail", _("fail")))}
    dealer_url = url_for("channel.dealer", dealer_id=999_999_999).replace("999999999", "{}")
    adjusted_text = _("adjusted from %(s)s", s="{}")

    def render(row) -> str:
        row_state = state(row)
        badge = badges.get(row_state) or at_risk.format(
            escape(_("At risk: failed %(n)s", n=row.failing_streak)))
        verdict, verdict_text = verdicts[row.passed]
        adjusted = "" if row.adjusted_score is None else (
            f'<br><span class="badge adjusted" title="{escape(row.adjustment_reason or "")}">'
            f'{escape(adjusted_text.format(row.score))}</span>')
        return ROW.format(
            id=row.id, state=row_state, name=escape(row.name),
            dealer_url=dealer_url.format(row.dealer_id), region=regions[row.region],
            badge=badge, target=_money(row.target), revenue=_money(row.revenue),
            attainment=row.attainment, new_customers=row.new_customers,
            complaint_rate=f"{row.complaint_rate}%" if complaints_tracked else "—",
            verdict=verdict, score=effective_score(row), verdict_text=verdict_text,
            adjusted=adjusted, rebate=row.rebate_percent.normalize(), spark=spark_points(row.trend),
            **fixed)

    return render


def rows_html(rows: list, pass_mark: int, complaints_tracked: bool) -> Markup:
    render = row_renderer(pass_mark, complaints_tracked)
    return Markup("".join(render(row) for row in rows))
