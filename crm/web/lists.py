"""One list specification: model query, filters, sorts, search and columns yield the keyset
page, the capped count, the active filters as removable chips and the sort links. Every list
page renders it with templates/list.html (see "How to add a list page" in the README)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select

from crm.extensions import htmx
from crm.web.pagination import (
    COUNT_CAP,
    SEARCH_COUNT_CAP,
    Page,
    keyset_page,
    sorted_after_search,
)
from crm.web.render import render


@dataclass(frozen=True)
class Filter:
    """A dropdown of the filter bar; an active one shows as a chip that removes it."""

    key: str  # the query argument
    label: object
    options: Callable[[], Iterable]  # (value, text) pairs or a mapping, read once a request
    where: Callable[[str], ColumnElement | None]  # the clause for a valid value (None: no clause)
    any_label: object = None  # the first choice, meaning "no filter"
    default: str = ""  # the value when the argument is absent

    @classmethod
    def equals(cls, key: str, label, options: Callable[[], Iterable], column,
               any_label=None) -> "Filter":
        """The common case: rows whose `column` holds the chosen value."""
        return cls(key, label, options, lambda value: column == value, any_label)


@dataclass(frozen=True)
class Link:
    """A filter that other pages link with (the home page: one owner's deals; the customer
    page: its leads): no dropdown, a chip that removes it; kept while the list is refined."""

    key: str
    chip: Callable[[str], str]  # the chip's text for a value
    where: Callable[[str], ColumnElement]  # the clause; ValueError: the value is ignored
    field: bool = False  # the page's extra_filters hold an input for it (no hidden field)


@dataclass(frozen=True)
class Pick:
    """A type-ahead filter (crm/web/picker.py): a picker in the filter bar for choices that
    grow with the company (people), a chip naming the chosen one. Other pages may link with
    it, like a Link."""

    key: str
    label: object
    name: Callable[[str], str | None]  # the chosen value's name; None: not a value one may pick
    where: Callable[[str], ColumnElement]
    control: Callable[[str, str], str]  # (value, name) -> the picker's markup
    shown: Callable[[], bool] = lambda: True  # whether the filter bar offers it


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    sort: tuple | None = None  # (column, descending): the header becomes a sort link
    # No index gives this order for every role: a big scope is read whole and sorted for each
    # page, and the page says so (tests/test_plans.py checks the orders that claim an index).
    slow_sort: bool = False


SLOW_SORT_ROWS = 1_000  # a scope this big sorted on every page is worth a note


@dataclass(frozen=True)
class ListSpec:
    name: str  # ids "<name>-list" and "<name>-rows" on the page
    query: Callable[[], Select]  # the visible rows (crm.auth.scopes), with their loader options
    id_column: object
    columns: tuple[Column, ...]
    default_sort: str
    filters: tuple[Filter, ...] = ()
    links: tuple[Link, ...] = ()
    picks: tuple[Pick, ...] = ()
    search: Callable[[str], ColumnElement] | None = None
    search_hint: object = None
    count_text: object = None  # e.g. _l("%(n)s customers")
    trigram_sort: bool = False  # sort the few trigram matches of a long term (pagination.py)
    limit: int = 50
    count: bool = True  # False: no total (a table that grows by the hundred thousand)
    # The most rows the total reads ("1,000+"): lower where each row is checked through
    # another table (whose customer it is, whether its clock has run out).
    count_cap: int = COUNT_CAP

    @property
    def labels(self) -> dict:
        """Column labels by key, for the cells' data-label (cards on a phone)."""
        return {c.key: c.label for c in self.columns}

    def run(self, query: Select | None = None) -> "Listing":
        """The page for the current request's arguments; `query` replaces the spec's."""
        values = {"q": request.args.get("q", "").strip() if self.search else ""}
        options = {f.key: _pairs(f.options()) for f in self.filters}
        stmt = query if query is not None else self.query()
        if values["q"]:
            stmt = stmt.where(self.search(values["q"]))
        for f in self.filters:
            value = request.args.get(f.key, f.default)
            values[f.key] = value if value in dict(options[f.key]) else f.default
            clause = f.where(values[f.key]) if values[f.key] else None
            if clause is not None:
                stmt = stmt.where(clause)
        for link in self.links:
            value, clause = request.args.get(link.key, ""), None
            if value:
                try:
                    clause = link.where(value)
                except ValueError:
                    pass
            values[link.key] = value if clause is not None else ""
            if clause is not None:
                stmt = stmt.where(clause)
        names = {}
        for pick in self.picks:
            value = request.args.get(pick.key, "")
            names[pick.key] = (value and pick.name(value)) or ""
            values[pick.key] = value if names[pick.key] else ""
            if values[pick.key]:
                stmt = stmt.where(pick.where(value))
        sorts = {c.key: c.sort for c in self.columns if c.sort}
        values["sort"] = request.args.get("sort", self.default_sort)
        if values["sort"] not in sorts:
            values["sort"] = self.default_sort
        column, descending = sorts[values["sort"]]
        if self.trigram_sort:
            column = sorted_after_search(column, values["q"])
        page = keyset_page(stmt, column, self.id_column, request.args.get("after"),
                           descending=descending, limit=self.limit, count=self.count,
                           count_cap=min(SEARCH_COUNT_CAP if values["q"] else COUNT_CAP,
                                         self.count_cap))
        return Listing(self, page, values, options, descending, names)


def _pairs(options) -> list[tuple[str, str]]:
    items = options.items() if hasattr(options, "items") else options
    return [(str(o), str(o)) if isinstance(o, str) else (str(o[0]), str(o[1])) for o in items]


@dataclass
class Listing:
    """What templates/list.html shows: rows, count, filter values and choices, chips, sorts."""

    spec: ListSpec
    page: Page
    values: dict
    options: dict
    descending: bool
    names: dict  # the chosen names of the picks

    @cached_property
    def labels(self) -> dict:
        """The column labels translated and escaped once a request: every row's cells name
        them (a lazy label was translated again in each of 50 rows × 7 cells)."""
        return {key: escape(str(label)) for key, label in self.spec.labels.items()}

    @property
    def rows(self) -> list:
        return self.page.rows

    def _url(self, **changes) -> str:
        args = {k: v for k, v in request.args.items() if k != "after"}
        args.update(changes)
        args = {k: v for k, v in args.items() if v is not None}
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    def chips(self) -> list[tuple[str, str]]:
        """The active filters as (text, URL without that filter)."""
        return [(_("%(filter)s: %(value)s", filter=f.label, value=dict(self.options[f.key])[value]),
                 self._url(**{f.key: None}))
                for f in self.spec.filters
                if (value := self.values[f.key]) and value != f.default] + [
            (link.chip(value), self._url(**{link.key: None}))
            for link in self.spec.links if (value := self.values[link.key])] + [
            (_("%(filter)s: %(value)s", filter=pick.label, value=self.names[pick.key]),
             self._url(**{pick.key: None}))
            for pick in self.spec.picks if self.values[pick.key]]

    def pick_controls(self) -> list[str]:
        """The pickers of the filter bar; a pick the page does not offer stays a hidden field."""
        return [pick.control(self.values[pick.key], self.names[pick.key]) if pick.shown()
                else Markup('<input type="hidden" name="{}" value="{}">').format(
                    pick.key, self.values[pick.key])
                for pick in self.spec.picks if pick.shown() or self.values[pick.key]]

    def links(self) -> dict[str, str]:
        """The active link filters, kept as hidden fields of the filter bar."""
        return {link.key: self.values[link.key] for link in self.spec.links
                if self.values[link.key] and not link.field}

    def slow_sort_note(self) -> str | None:
        """Why this order is slower, when it sorts a big scope."""
        column = next(c for c in self.spec.columns if c.key == self.values["sort"])
        if not column.slow_sort or (self.page.total < SLOW_SORT_ROWS and self.spec.count):
            return None
        return _("Sorting by %(column)s reads all %(n)s rows for each page, so it is slower "
                 "than the other orders.", column=column.label,
                 n=f"{self.page.total:,}{'+' if self.page.total_capped else ''}")

    def sort_url(self, key: str) -> str:
        return self._url(sort=key)

    def block_for(self, target: str | None) -> str | None:
        """The block an htmx target of this list asks for."""
        return {f"{self.spec.name}-list": "list", f"{self.spec.name}-rows": "rows",
                f"{self.spec.name}-rows-more": "rows"}.get(target or "")


def render_list(template: str, listing: Listing, **context):
    """The list page, or for htmx the list (filters changed) or its rows ("more")."""
    block = listing.block_for(htmx.target) if htmx and not htmx.boosted else None
    return render(template, block=block, listing=listing, **context)
