"""One helper renders a page or, for an htmx request, just the block its target names."""

from functools import lru_cache

from flask import current_app, make_response, render_template
from jinja2 import nodes
from jinja2_fragments import BlockNotFoundError

from crm.extensions import htmx


def _fragment_name(block: str | None) -> str | None:
    if block:
        return block
    if htmx and not htmx.boosted and htmx.target:
        return htmx.target.removesuffix("-more").replace("-", "_")
    return None


@lru_cache(maxsize=256)
def _parent_name(env, name: str) -> str | None:
    """The template `name` extends, if any (read from its source once)."""
    source = env.loader.get_source(env, name)[0]
    extends = env.parse(source).find(nodes.Extends)
    return extends.template.value if extends and isinstance(extends.template, nodes.Const) \
        else None


def render_block(template_name: str, block: str, **context) -> str:
    """One block of a template, whichever template of its `extends` chain defines it, with the
    overrides of the templates below (as rendering the whole page would)."""
    env = current_app.jinja_env
    template = env.get_template(template_name)
    blocks: dict[str, list] = {}
    name: str | None = template_name
    while name:
        for key, func in env.get_template(name).blocks.items():
            blocks.setdefault(key, []).append(func)
        name = _parent_name(env, name)
    if block not in blocks:
        raise BlockNotFoundError(block, template_name)
    current_app.update_template_context(context)
    ctx = template.new_context(context)
    ctx.blocks = blocks
    return env.concat(blocks[block][0](ctx))


def _is_page(template: str) -> bool:
    """A page extends a layout; a partial (the bell, a toast) is its own fragment."""
    return _parent_name(current_app.jinja_env, template) is not None


def render(template: str, status: int = 200, block: str | None = None, **context):
    """Full page for normal and boosted requests; for htmx, the block named by the target id
    (dashes become underscores; a "-more" row of a list asks for the list's block) or the
    explicit `block`. A target that names no block of a page raises in debug and tests (a
    typo would otherwise swap the whole page into the target); a partial answers whole."""
    name = _fragment_name(block)
    try:
        body = render_block(template, name, **context) if name else None
    except BlockNotFoundError:
        if _is_page(template) and (current_app.debug or current_app.testing):
            raise  # an hx-target (or block) that names no block of the page: fix it
        body = None  # a partial answers whole; in production a page still answers
    if body is None:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
