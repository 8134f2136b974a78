"""One input-cleaning rule for every form (issue 10, defect 4): each form of the app is walked
with NUL, zero-width-only and over-long values; each answers 422 with the field's message,
never 500, and never stores such a value. Run it on PostgreSQL too: NUL is an error there."""

import pytest
from sqlalchemy import String, Text, select
from wtforms import (
    BooleanField,
    FieldList,
    HiddenField,
    PasswordField,
    SelectFieldBase,
    StringField,
)
from wtforms.validators import Length

from crm.campaigns.models import Campaign, CampaignCost
from crm.care.models import Revisit, ServiceArchive
from crm.channel.models import (
    Agreement,
    Dealer,
    DealerContact,
    DealerTraining,
    MaterialHandout,
)
from crm.customers.models import Contact, Customer
from crm.extensions import db
from crm.sales.models import Deal, Lead, Product
from crm.web.text import clean_text
from tests.web.form_catalogue import CHOICES_ONLY, ENTRIES, UPLOADS, ids

INVISIBLE = "\u200b\u200c\u200d\ufeff \u3000"
NOT_TYPED = {"subject_id"}  # carried by the page, not typed: checked by its own tests


def _typed_fields(app, entry) -> list:
    """(name, field) of the fields a user types into."""
    with app.test_request_context():
        form = entry.form_class(meta={"csrf": False})
        return [(field.name, field) for field in form
                if not isinstance(field, HiddenField | SelectFieldBase | BooleanField | FieldList)
                and field.name not in NOT_TYPED and field.name not in entry.omitted]


def _too_long(field) -> str:
    if isinstance(field, StringField):
        return "长" * (field.flags.maxlength + 1)
    return "9" * 40  # numbers past their column, dates and times past any calendar


CASES = {"over-long": None, "zero-width only": INVISIBLE, "NUL only": "\x00",
         "NUL and blanks": " \x00\t"}


def _bad_value(case: str, field) -> str | None:
    """The case's value for the field, or None when the case does not apply to it (an
    optional field takes blanks as empty; a password is taken as typed)."""
    if case == "over-long":
        return _too_long(field)
    if isinstance(field, PasswordField) or not field.flags.required:
        return None
    return CASES[case]


def _stored_text(app) -> list[tuple[str, str, int | None, str]]:
    """(table, column, column length, value) of every text value in the database."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)):  # one query per table
                found += [(table.name, column.name, getattr(column.type, "length", None), value)
                          for column, value in zip(columns, row, strict=True) if value]
    return found


def _assert_nothing_unclean_stored(app) -> None:
    for table, column, length, value in _stored_text(app):
        where = f"{table}.{column}: {value[:40]!r}"
        assert "\x00" not in value, where
        assert clean_text(value, multiline=True), where  # no invisible-only value
        assert length is None or len(value) <= length, where


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.endpoint)
def test_every_form_refuses_bad_values_and_stores_only_clean_text(app, people, login, client,
                                                                  entry):
    records = ids(app)
    user = login(entry.username) if entry.username else client
    _refuses_nul_invisible_and_overlong_values(app, user, entry, records)
    _drops_nul_and_invisible_characters(app, user, entry, records)
    _assert_nothing_unclean_stored(app)


def _refuses_nul_invisible_and_overlong_values(app, user, entry, records) -> None:
    """Each case fills every field it applies to at once: each of them must show its message."""
    token = user.csrf()
    fields = _typed_fields(app, entry)
    for case in CASES:
        bad = {name: (field, value) for name, field in fields
               if (value := _bad_value(case, field)) is not None}
        if not bad:
            continue
        with app.app_context():
            data = entry.data(records) | {name: value for name, (_f, value) in bad.items()}
        response = user.post(entry.url(records), data | {"csrf_token": token})
        where = f"{entry.endpoint} {case}"
        assert response.status_code == 422, f"{where}: {response.status_code}"
        html = response.get_data(as_text=True)
        for name, (field, _value) in bad.items():
            assert entry.error_mark.format(id=field.id) in html, f"{where}: {name}"


def _drops_nul_and_invisible_characters(app, user, entry, records) -> None:
    """A NUL inside a value is dropped, an optional field of invisible characters stays empty:
    the form saves (PostgreSQL refuses NUL outright)."""
    with app.app_context():
        data = entry.data(records)
    for name, field in _typed_fields(app, entry):
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            typed = str(data.get(name, ""))
            data[name] = typed[:1] + "\x00" + typed[1:] if typed else INVISIBLE
    response = user.post(entry.url(records), data)
    assert response.status_code in (200, 303), response.get_data(as_text=True)[:2000]


def test_every_form_route_is_catalogued(app):
    """A new route that takes a form joins the walk (or says it takes choices only)."""
    covered = {e.endpoint for e in ENTRIES} | CHOICES_ONLY | set(UPLOADS)
    with app.test_request_context():
        posting = {rule.endpoint for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and _has_form(app, rule.endpoint)}
    assert posting <= covered, posting - covered


def _has_form(app, endpoint: str) -> bool:
    """Views that build a form class from crm.*.forms (their source names one)."""
    import inspect

    source = inspect.getsource(app.view_functions[endpoint])
    return "Form(" in source or "_form(" in source


# The column each form field is saved to: its length limit may not exceed the column's.
COLUMNS = {"LeadForm": Lead, "DealForm": Deal, "CustomerForm": Customer, "DealerForm": Dealer,
           "AgreementForm": Agreement, "ContactForm": Contact, "ProductForm": Product,
           "CampaignForm": Campaign, "CostForm": CampaignCost, "TrainingForm": DealerTraining,
           "MaterialForm": MaterialHandout, "DealerContactForm": DealerContact,
           "ArchiveForm": ServiceArchive, "RevisitForm": Revisit}


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.form_class.__name__ in COLUMNS],
                         ids=lambda e: e.endpoint)
def test_text_limits_match_their_columns(app, entry):
    model = COLUMNS[entry.form_class.__name__]
    with app.test_request_context():
        form = entry.form_class(meta={"csrf": False})
    for field in form:
        column = model.__table__.columns.get(field.name)
        if column is None or not isinstance(field, StringField) or isinstance(
                field, HiddenField):
            continue
        limits = [v.max for v in field.validators if isinstance(v, Length)]
        assert limits, field.name
        if isinstance(column.type, String) and column.type.length:
            assert max(limits) <= column.type.length, field.name


def test_textareas_keep_newlines_and_tabs_single_lines_do_not(app):
    assert clean_text("第一行\r\n\t第二行\x00\x07", multiline=True) == "第一行\n\t第二行"
    assert clean_text(" 华为\t技术\n\x1b ") == "华为技术"
    assert clean_text("\u200b\ufeff\u200c\u200d \u3000") == ""
    assert clean_text("👨\u200d👩") == "👨\u200d👩"  # a joiner inside text stays


LISTS = ["/customers", "/contacts", "/leads", "/pool", "/deals", "/products", "/admin/users"]


@pytest.mark.parametrize("url", LISTS)
def test_a_search_term_with_nul_or_control_characters_is_cleaned_the_same_way(app, login, url):
    """The same class outside forms: a NUL in a search box reached PostgreSQL (500)."""
    ids(app)
    admin = login("admin")
    for term in ("%00", "a%00b", "%E2%80%8B", "%1B%5B31m"):
        assert admin.get(f"{url}?q={term}").status_code == 200, term
