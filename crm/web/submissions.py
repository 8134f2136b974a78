"""A double submit makes one record: every create form carries a one-time key (`form_key`,
crm/web/forms.py), and the first submission of a key claims it in the same transaction as the
record it makes. A repeat, even one sent at the same moment, answers with the first result.

crm/web/edits.py's submit_edit does this for every create form; by hand, in a view:
            if earlier := claim(form): return redirect(earlier, 303)
            ... create ...;  return created(form, url_of_the_record, message)
(or fulfil(form, url) before the view's own commit)."""

from datetime import datetime, timedelta

from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from crm.base import UTCDateTime, utcnow
from crm.extensions import db

KEPT_FOR = timedelta(days=1)
URL_MAX = 500


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    result_url: Mapped[str | None] = mapped_column(String(URL_MAX))


def _key(form) -> str | None:
    """The key the browser sent (a request without one is not de-duplicated)."""
    key = request.form.get("form_key") and form.form_key.data
    return key if key and len(key) <= 40 else None


def _earlier(key: str) -> str:
    url = db.session.scalar(select(FormSubmission.result_url).where(
        FormSubmission.user_id == current_user.id, FormSubmission.key == key))
    return url or url_for("dashboard.home")


def claim(form) -> str | None:
    """None when this is the first submission of the form's key (the key is now held by this
    transaction); else the URL the first submission led to, and this transaction is rolled
    back. A twin sent at the same moment waits here for the first one to commit."""
    key = _key(form)
    if key is None:
        return None
    if db.session.scalar(select(FormSubmission.key).where(
            FormSubmission.user_id == current_user.id, FormSubmission.key == key)):
        return _earlier(key)
    db.session.execute(delete(FormSubmission).where(
        FormSubmission.user_id == current_user.id,
        FormSubmission.created_at < utcnow() - KEPT_FOR))
    db.session.add(FormSubmission(user_id=current_user.id, key=key))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return _earlier(key)
    return None


def release(form) -> None:
    """Give the key back: the submission was refused after it was claimed."""
    if key := _key(form):
        db.session.execute(delete(FormSubmission).where(
            FormSubmission.user_id == current_user.id, FormSubmission.key == key))


def fulfil(form, url: str) -> None:
    """Remember where the first submission led, for its repeats."""
    if key := _key(form):
        row = db.session.get(FormSubmission, (current_user.id, key))
        if row is not None and len(url) <= URL_MAX:
            row.result_url = url


def created(form, target: str, message: str):
    """The end of a create: remember where it led for repeats, commit, say so, go there."""
    fulfil(form, target)
    db.session.commit()
    flash(message, "success")
    return redirect(target, 303)
