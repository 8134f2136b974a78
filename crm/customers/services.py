"""Use cases for customers and contacts: save, find duplicates, merge, timeline (R-13, R-14).
Services never commit; the view owns the transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Column, Table, func, select, true, union, union_all, update
from sqlalchemy.orm import joinedload

from crm.audit.display import AuditValues
from crm.audit.hooks import current_actor_id
from crm.audit.models import AuditEntry
from crm.auth.scopes import visible_filter
from crm.base import utcnow
from crm.customers.identity import clean_credit_code, normalise_name, normalise_phone
from crm.customers.models import Contact, Customer
from crm.deadlines.subjects import subject_keys
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting

TIMELINE_LIMIT = 50
LOOKUP = "lookup"  # the audit action of a duplicate check that hit someone else's customer
MIN_NAME_KEY, MIN_PHONE_KEY = 2, 7
# What belongs on a customer's timeline, by kind: each domain registers its sources with
# register_timeline_source (one query each). What a merge moves is derived instead.
TIMELINE_SOURCES: dict[str, "TimelineSource"] = {}
# ... and the records listed on its page: functions customer_id -> RelatedList, or None when
# the user may not open such records (one query each).
RELATED_SOURCES: list = []
# ... what a merge must settle before it moves rows (a unique key that would clash): functions
# (keep_id, drop_id) called first.
MERGE_HOOKS: list = []
# ... and the flags beside its name (a referral candidate): functions customer_id -> [str].
FLAG_SOURCES: list = []
CUSTOMER_FIELDS = ("name", "credit_code", "industry", "annual_revenue", "province", "city",
                   "source", "grade", "owner_id", "is_government_tender", "phone", "email",
                   "dealer_id")
CONTACT_FIELDS = ("name", "title", "mobile", "phone", "email", "wechat")


@dataclass
class TimelineEvent:
    at: datetime
    kind: str  # the kind of its source: audit | stage | deal | contract | call ...
    text: str
    user: str | None = None
    url: str | None = None
    key: int = 0  # the record's id: orders events of one kind at the same instant

    @property
    def order(self) -> tuple:
        return self.at, self.kind, self.key


@dataclass(frozen=True)
class TimelineSource:
    """`fetch(customer_id, before=None, limit=TIMELINE_LIMIT) -> list[TimelineEvent]`: the
    customer's `limit` newest events of `kind` strictly before `before` (an aware datetime),
    newest first, in one query."""

    kind: str
    label: object  # the filter chip's text, e.g. _l("Calls")
    fetch: Callable


def newest_before(stmt, at, key, before: datetime | None, limit: int):
    """A timeline source's page: `stmt` newest first by (`at`, `key`), at most `limit` rows,
    only those strictly before `before` (the cursor) when there is one."""
    stmt = stmt.order_by(at.desc(), key.desc()).limit(limit)
    return stmt if before is None else stmt.where(at < before)


def register_timeline_source(kind: str, label, fetch: Callable) -> None:
    """Add (or replace: create_app runs once per test) the source of `kind`."""
    TIMELINE_SOURCES[kind] = TimelineSource(kind, label, fetch)


@dataclass
class RelatedRow:
    title: str
    url: str
    stage: str | None = None
    amount: Decimal | None = None
    on: object = None  # a date or a time
    owner: str | None = None


@dataclass
class RelatedList:
    """Records of one kind that are about the customer (its leads, deals, contracts)."""

    title: str
    date_label: str
    rows: list[RelatedRow]
    more_url: str | None = None  # the full list, when there are more than shown


@dataclass
class Duplicate:
    """A customer that looks like the one typed. Of a customer the user may not see, only that
    it exists and who owns it are told: `name` is None, and so is `owner_name` once the user
    has made more such lookups within the hour than the setting allows."""

    customer_id: int
    name: str | None
    owner_name: str | None
    reasons: list[str]
    keys: list[str]  # the typed fields that matched: name, credit_code, phone, email


def save_customer(customer: Customer | None, values: dict) -> Customer:
    customer = customer or Customer()
    for key in CUSTOMER_FIELDS:
        if key in values:
            value = values[key]
            setattr(customer, key, (value.strip() or None) if isinstance(value, str) else value)
    customer.credit_code = clean_credit_code(customer.credit_code) or None
    if not customer.name:
        raise DomainError(_("Enter the company name."), "name")
    customer.refresh_keys(Decimal(get_setting("target_revenue_threshold")))
    db.session.add(customer)
    db.session.flush()
    return customer


def save_contact(contact: Contact | None, customer_id: int, values: dict) -> Contact:
    contact = contact or Contact(customer_id=customer_id)
    for key in CONTACT_FIELDS:
        if key in values:
            setattr(contact, key, (values[key] or "").strip() or None)
    if not contact.name:
        raise DomainError(_("Enter the contact's name."), "name")
    contact.refresh_keys()
    db.session.add(contact)
    db.session.flush()
    return contact


def _duplicate_checks(name, credit_code, phone, email) -> list[tuple[str, str, list]]:
    """(typed field, reason, the customers' ids it finds by index lookups): exact matches of
    the normalised key only, and only for keys long enough to name one company."""
    checks = []
    if len(norm := normalise_name(name)) >= MIN_NAME_KEY:
        checks.append(("name", _("same name"), [select(Customer.id).where(
            Customer.normalised_name == norm)]))
    if code := clean_credit_code(credit_code):
        checks.append(("credit_code", _("same credit code"), [select(Customer.id).where(
            Customer.credit_code == code)]))
    if len(phone_key := normalise_phone(phone)) >= MIN_PHONE_KEY:
        checks.append(("phone", _("same phone"), [
            select(Customer.id).where(Customer.phone_key == phone_key),
            select(Contact.customer_id).where(Contact.mobile_key == phone_key)]))
    if "@" in (mail := (email or "").strip().lower()):
        checks.append(("email", _("same e-mail"), [
            select(Customer.id).where(Customer.email == mail),
            select(Contact.customer_id).where(Contact.email == mail)]))
    return checks


def find_duplicates(*, name: str | None, credit_code: str | None = None,
                    phone: str | None = None, email: str | None = None,
                    exclude_id: int | None = None, user=None) -> list[Duplicate]:
    """Customers that look like the same company (R-14): same normalised name, credit code,
    phone or e-mail (the company's or a contact's). Searches every customer, not only the
    visible ones: a duplicate owned by a colleague is still a duplicate (撞单). For `user`,
    the customers they may not see come without their name."""
    checks = _duplicate_checks(name, credit_code, phone, email)
    if not checks:
        return []
    # The candidates are gathered first (each lookup an index probe) and the customers joined
    # to them: an OR over the lookups would scan every customer.
    candidates = union(*(lookup for *_what, lookups in checks for lookup in lookups)).subquery()
    seen = true() if user is None else visible_filter(Customer, user)
    columns = [Customer.id.in_(union(*lookups)).label(f"m{i}")
               for i, (*_what, lookups) in enumerate(checks)]
    stmt = (select(Customer, seen.label("seen"), *columns)
            .join(candidates, candidates.c.id == Customer.id)
            .options(joinedload(Customer.owner)).order_by(Customer.id).limit(20))
    if exclude_id:
        stmt = stmt.where(Customer.id != exclude_id)
    found = []
    for customer, visible, *hits in db.session.execute(stmt):
        matched = [checks[i] for i, hit in enumerate(hits) if hit]
        found.append(Duplicate(customer.id, customer.name if visible else None,
                               customer.owner.name, [reason for _key, reason, _lookups in matched],
                               [key for key, _reason, _lookups in matched]))
    return found


def audit_duplicate_lookups(found: list[Duplicate], typed: dict, user_id: int,
                            now: datetime) -> None:
    """R-14/R-04: a lookup that hits customers the user may not see is written to the audit
    trail (what was typed, which customer it hit), so a manager sees who probed what; past
    `duplicate_lookups_per_hour` such lookups in the last hour, the owner is not told."""
    hidden = [d for d in found if d.name is None]
    if not hidden:
        return
    made = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.at > now - timedelta(hours=1), AuditEntry.user_id == user_id,
        AuditEntry.action == LOOKUP))
    if made >= get_setting("duplicate_lookups_per_hour"):
        for duplicate in hidden:
            duplicate.owner_name = None
    db.session.execute(AuditEntry.__table__.insert(), [
        {"at": now, "user_id": user_id, "model": "customers", "record_id": d.customer_id,
         "action": LOOKUP, "field": d.keys[0], "old": None, "new": typed.get(d.keys[0])}
        for d in hidden])


def merge_customers(keep: Customer, drop: Customer) -> Customer:
    """Move everything of `drop` to `keep` and delete `drop` (R-14), in the caller's
    transaction, with an audit entry on `keep` naming the merged record."""
    if keep.id == drop.id:
        raise DomainError(_("Choose two different customers."), "drop_id")
    for key in ("credit_code", "industry", "annual_revenue", "province", "city", "phone",
                "email", "source"):
        if getattr(keep, key) in (None, "") and getattr(drop, key) not in (None, ""):
            setattr(keep, key, getattr(drop, key))
    keep.is_government_tender = keep.is_government_tender or drop.is_government_tender
    keep.refresh_keys(Decimal(get_setting("target_revenue_threshold")))
    db.session.flush()
    for hook in MERGE_HOOKS:
        hook(keep.id, drop.id)
    for table, column in customer_references():
        _repoint(table, column == drop.id, {column.name: keep.id})
    keys = subject_keys(Customer)
    for table in subject_tables():
        _repoint(table, table.c.subject_type.in_(keys) & (table.c.subject_id == drop.id),
                 {"subject_id": keep.id})
    note = f"{drop.name} (#{drop.id})"
    db.session.expire_all()  # moved rows: reload them from the database, not from memory
    db.session.delete(drop)
    db.session.flush()
    db.session.execute(AuditEntry.__table__.insert(), [{
        "at": utcnow(), "user_id": current_actor_id(), "model": "customers",
        "record_id": keep.id, "action": "update", "field": "merged_from", "old": None,
        "new": note}])
    return keep


def customer_references() -> list[tuple[Table, Column]]:
    """Every column with a foreign key to customers.id, read from the schema: a domain that
    adds one is merged without saying so."""
    target = Customer.__table__.c.id
    return [(table, fk.parent) for table in db.metadata.sorted_tables
            for fk in table.foreign_keys if fk.column is target]


def subject_tables() -> list[Table]:
    """Every table whose rows are about a subject (follow-ups, deadlines, notifications,
    approvals and what later domains add): its subject_type/subject_id pair may name a
    customer."""
    return [table for table in db.metadata.sorted_tables
            if {"subject_type", "subject_id"} <= set(table.c.keys())]


def _repoint(table: Table, where, values: dict) -> None:
    """Point the matching rows elsewhere; a versioned row's version moves on, so a form
    opened on it before the merge is stale."""
    if "version" in table.c:
        values = values | {"version": table.c.version + 1}
    db.session.execute(update(table).where(where).values(values))


def audit_events(customer_id: int, before: datetime | None = None,
                 limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    """The latest audited changes of the customer and its contacts: one bounded query (and
    one per table the values name); the field rows of one save become one event."""
    limit = limit * 4
    contact_ids = select(Contact.id).where(Contact.customer_id == customer_id)
    # Each record type its own walk of (model, record_id, id), newest first: with one OR the
    # planner may walk the whole trail by id instead, looking for the customer's rows.
    walks = [select(AuditEntry.id).where(AuditEntry.model == model, record,
                                         AuditEntry.action != LOOKUP,
                                         true() if before is None else AuditEntry.at < before)
             .order_by(AuditEntry.id.desc()).limit(limit).subquery()
             for model, record in (("customers", AuditEntry.record_id == customer_id),
                                   ("contacts", AuditEntry.record_id.in_(contact_ids)))]
    latest = union_all(*(select(walk.c.id) for walk in walks)).subquery()
    stmt = (select(AuditEntry).options(joinedload(AuditEntry.user))
            .join(latest, latest.c.id == AuditEntry.id)
            .order_by(AuditEntry.id.desc()).limit(limit))
    saves: dict[tuple, list[AuditEntry]] = {}
    for entry in db.session.scalars(stmt):
        saves.setdefault((entry.at, entry.model, entry.record_id, entry.action), []).append(entry)
    values = AuditValues([entry for rows in saves.values() for entry in rows])
    return [TimelineEvent(rows[0].at, "audit", _audit_text(rows, values),
                          rows[0].user.name if rows[0].user else None, None, rows[-1].id)
            for rows in saves.values()]


def _audit_text(rows: list[AuditEntry], values: AuditValues) -> str:
    """新建联系人 王芳 · 联系人 王芳 · 职务: 采购经理 → 总经理 · 客户 · 行业: 制造业 → 零售"""
    first = rows[0]
    model = Customer if first.model == "customers" else Contact
    what = str(model.__label__)
    if first.field == "merged_from":
        return _("Merged with %(name)s", name=first.new)
    named = {e.field: e for e in rows}.get("name")
    name = (named.new or named.old if named else None) or values.name_of(first) or ""
    if first.action == "insert":
        return _("%(what)s %(name)s created", what=what, name=name)
    if first.action == "delete":
        return _("%(what)s %(name)s deleted", what=what, name=name)
    changes = "; ".join(f"{model.__field_labels__.get(e.field, e.field)}: "
                        f"{values.value(e, e.old) or '—'} → {values.value(e, e.new) or '—'}"
                        for e in reversed(rows))
    about = what if model is Customer else f"{what} {name}"
    return f"{about} · {changes}"


def related(customer_id: int) -> list[RelatedList]:
    """The customer's leads, deals, contracts... as the domains register them."""
    return [found for source in RELATED_SOURCES if (found := source(customer_id))]


@dataclass
class TimelinePage:
    events: list[TimelineEvent]
    kinds: list[str]  # the kinds chosen (none: every kind)
    older: str | None  # the cursor of the next page (the oldest event shown), if any


@dataclass(frozen=True)
class TimelineCursor:
    """Where a page ended: its oldest event's order, and how many events of that very instant
    the pages so far have shown (a source is asked for that many more, so that events tied
    with the cursor are neither skipped nor shown twice)."""

    at: datetime
    kind: str
    key: int
    ties: int

    @property
    def order(self) -> tuple:
        return self.at, self.kind, self.key

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.kind}~{self.key}~{self.ties}"

    @classmethod
    def parse(cls, text: str | None) -> "TimelineCursor | None":
        try:
            at, kind, key, ties = (text or "").split("~")
            moment = datetime.fromisoformat(at)
            return cls(moment, kind, int(key), int(ties)) if moment.tzinfo else None
        except ValueError:
            return None


def timeline(customer_id: int, kinds: list[str] | None = None, before: str | None = None,
             limit: int = TIMELINE_LIMIT) -> TimelinePage:
    """One page of everything about the customer, newest first: each selected source's
    newest events up to the cursor (one query each, whatever the customer's history), merged
    in Python. The cursor is the oldest event shown; its kind and id break ties between
    events of the same instant. Unselected kinds are not queried."""
    selected = [k for k in TIMELINE_SOURCES if k in (kinds or ())]
    chosen = selected or list(TIMELINE_SOURCES)
    cursor = TimelineCursor.parse(before)
    # Asked up to the cursor's instant included: the events tied with it come too.
    until = cursor.at + timedelta(microseconds=1) if cursor else None
    ask = limit + 1 + (cursor.ties if cursor else 0)
    events, full = [], False
    for kind in chosen:
        found = TIMELINE_SOURCES[kind].fetch(customer_id, before=until, limit=ask)
        full = full or len(found) >= ask
        events.extend(e for e in found if cursor is None or e.order < cursor.order)
    events.sort(key=lambda e: e.order, reverse=True)
    shown = events[:limit]
    older = None
    if shown and (len(events) > limit or full):
        last = shown[-1]
        ties = sum(1 for e in shown if e.at == last.at)
        if cursor and cursor.at == last.at:
            ties += cursor.ties
        older = str(TimelineCursor(last.at, last.kind, last.key, ties))
    return TimelinePage(shown, selected, older)


def flags(customer_id: int) -> list[str]:
    return [flag for source in FLAG_SOURCES for flag in source(customer_id)]
