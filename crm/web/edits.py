"""One way to submit a create or edit form: validate → stale check (409 with the current
values) → one-time key of a create (a repeat answers with the first result) → save, or 422
with the service's message beside its field → commit and 303.

    result = submit_edit(form, deal, FORM_FIELDS, lambda: services.save_deal(deal, ...))
    if result.done:
        return saved_redirect(_("Changes saved."), url_for("deals.show", deal_id=deal.id))
    return result.render("sales/deals/form.html", form=form, deal=deal)
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, g, redirect

from crm.errors import DomainError
from crm.extensions import db
from crm.web import submissions
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.render import render


class Declined(Exception):  # noqa: N818 - not an error: the save waits for the user
    """Raised by a save that needs the user first (duplicates to confirm): 422, no message;
    what the save wrote before declining (an audited lookup) is kept."""


@dataclass
class Submission:
    done: bool = False  # saved (flushed); saved_redirect commits
    saved: object = None  # what `save` returned
    status: int = 200
    conflicts: list = field(default_factory=list)

    def render(self, template: str, **context):
        """The form page again: 200 on GET, 409 with the conflicts, 422 with the errors."""
        return render(template, status=self.status, conflicts=self.conflicts, **context)


def submit_edit(form, record, fields: list[str], save: Callable[[], object]) -> Submission:
    """`record` is None for a create (or a form that edits no versioned record). `save` calls
    the service and returns what it saved; a DomainError (its message beside its field) or
    Declined means 422. A repeat of a submitted form key ends here with a 303 to where the
    first submission led (crm/web/submissions.py)."""
    if not form.validate_on_submit():
        return Submission(status=422 if form.is_submitted() else 200)
    if record is not None and is_stale(form, record):
        return Submission(status=409, conflicts=reload_with_conflict(form, record, fields))
    if record is None and (earlier := submissions.claim(form)):
        abort(redirect(earlier, 303))
    try:
        saved = save()
    except DomainError as error:
        form.add_error(error.field, error.message)
        return Submission(status=422)
    except Declined:
        submissions.release(form)  # the confirmed submit uses the same key
        db.session.commit()
        return Submission(status=422)
    db.session.flush()
    g.submitted_form = form
    return Submission(True, saved)


def saved_redirect(message: str, url: str):
    """After a successful submit_edit: remember where a create led (for its repeats), commit,
    say so, and 303 to the page that shows the result."""
    if (form := g.pop("submitted_form", None)) is not None:
        submissions.fulfil(form, url)
    db.session.commit()
    flash(message, "success")
    return redirect(url, 303)
