"""Templates build row links from cached patterns: the same URLs Flask's url_for gives."""

import pytest
from flask import url_for

from crm.web.urls import template_url_for

CASES = [
    ("customers.show", {"customer_id": 17}),
    ("deals.edit_value", {"deal_id": 5, "field": "close_date"}),
    ("deals.edit_value", {"deal_id": 6, "field": "expected_value"}),
    ("customers.index", {"q": "华为 {x}", "grade": "A"}),  # no id: Flask builds it
    ("customers.show", {"customer_id": 3, "tab": "a b&c"}),  # an id and a query argument
    ("customers.show", {"customer_id": 3, "_anchor": "contacts"}),
    ("customers.index", {"owner": 4, "after": "eyJhIjogMX0=" * 5}),  # a long cursor
]


@pytest.mark.parametrize(("endpoint", "values"), CASES)
def test_cached_row_links_equal_flasks(app, endpoint, values):
    with app.test_request_context("/", base_url="http://crm.example/sub"):
        assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
        assert template_url_for(endpoint, **values) == url_for(endpoint, **values)  # cached


def test_each_row_gets_its_own_id(app):
    with app.test_request_context("/"):
        links = {template_url_for("deals.show", deal_id=i) for i in range(1, 6)}
        assert links == {f"/deals/{i}" for i in range(1, 6)}
