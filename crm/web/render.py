"""One helper renders a page or, for an htmx request, just the block its target names."""

from flask import make_response, render_template
from jinja2_fragments import BlockNotFoundError
from jinja2_fragments.flask import render_block

from crm.extensions import htmx


def _fragment_name(block: str | None) -> str | None:
    if block:
        return block
    if htmx and not htmx.boosted and htmx.target:
        return htmx.target.removesuffix("-more").replace("-", "_")
    return None


def render(template: str, status: int = 200, block: str | None = None, **context):
    """Full page for normal and boosted requests; for htmx, the block named by the target id
    (dashes become underscores; a "-more" row of a list asks for the list's block) or the
    explicit `block`."""
    name = _fragment_name(block)
    try:
        body = render_block(template, name, **context) if name else None
    except BlockNotFoundError:
        body = None
    if body is None:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
