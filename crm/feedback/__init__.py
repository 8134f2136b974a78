"""Feedback per product (R-18): suggestions and problems from calls, complaints and surveys
(revisits add themselves to sources.FEEDBACK_SOURCES), read by the product manager, who marks
what was acted on."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def _builtin_sources() -> list:
    from flask import url_for

    from crm.care.models import Revisit
    from crm.feedback.sources import FeedbackSource
    from crm.satisfaction.models import Survey
    from crm.service.models import Call, Complaint

    return [
        FeedbackSource("call", _l("Call"), Call, Call.at, lambda c: c.notes,
                       lambda c: url_for("calls.index", customer=c.customer_id) + f"#call-{c.id}",
                       where=Call.notes != ""),
        FeedbackSource("complaint", _l("Complaint"), Complaint, Complaint.created_at,
                       lambda c: _("%(summary)s: %(feedback)s", summary=c.summary,
                                   feedback=c.feedback) if c.feedback else c.summary,
                       lambda c: url_for("complaints.show", complaint_id=c.id)),
        FeedbackSource("survey", _l("Satisfaction survey"), Survey, Survey.answered_at,
                       lambda s: _("NPS %(nps)s, CSAT %(csat)s: %(text)s", nps=s.nps,
                                   csat=s.csat, text=s.feedback),
                       lambda s: url_for("surveys.show", survey_id=s.id),
                       where=Survey.feedback != ""),
        FeedbackSource("revisit", _l("Revisit"), Revisit, Revisit.done_at, lambda r: r.feedback,
                       lambda r: url_for("revisits.show", revisit_id=r.id),
                       where=Revisit.feedback != ""),
    ]


def init_app(app) -> None:
    from crm.feedback.sources import FEEDBACK_SOURCES
    from crm.feedback.views import bp

    known = {s.key for s in FEEDBACK_SOURCES}
    FEEDBACK_SOURCES.extend(s for s in _builtin_sources() if s.key not in known)
    app.register_blueprint(bp)
