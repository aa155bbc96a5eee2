"""The API guide's parameter table, built from the API's own parameter declarations."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from registry.api.parameters import parameter_table

register = template.Library()


def inline_code(text):
    """`name` in a parameter's description as <code>name</code>; everything else escaped."""
    parts = escape(text).split("`")
    return mark_safe("".join(f"<code>{part}</code>" if n % 2 else part for n, part in enumerate(parts)))  # noqa: S308 - escaped first; only <code> added


@register.simple_tag
def api_parameter_table():
    """(kinds, rows): each row (name, [its description on each kind of endpoint, or None])."""
    kinds, rows = parameter_table()
    return kinds, [(name, [inline_code(text) if text else None for text in cells]) for name, cells in rows]
