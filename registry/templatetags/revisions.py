"""Template helpers of the history pages: a version's facts in words (registry/readable.py ``Piece``s), and the
citation of the record a page shows (registry/citing.py)."""

from django import template
from django.utils.html import format_html, format_html_join

from registry.citing import cite
from registry.markdown import render_markdown

register = template.Library()


@register.filter
def pieces(item):
    """An item of a fact (a list of Pieces) as HTML: links for records, <q> for a source's exact words,
    the registry's Markdown through the sanitiser, the rest as escaped text."""
    parts = []
    for piece in item:
        if piece.markdown:
            parts.append(render_markdown(piece.text))  # sanitised HTML
        elif piece.quote:
            parts.append(format_html(" <q>{}</q>", piece.text))
        elif piece.url:
            parts.append(format_html('<a href="{}">{}</a>', piece.url, piece.text))
        else:
            parts.append(format_html("{}", piece.text))
    return format_html_join("", "{}", ((part,) for part in parts))


@register.simple_tag(takes_context=True)
def record_citation(context):
    """The citation the page gives: the one its view made (a revision's page cites that revision), else the
    record's current revision (the newest of ``revisions``, registry.pages.record_revisions)."""
    if context.get("cite") is not None:
        return context["cite"]
    revisions = context.get("revisions")
    newest = revisions.rows[0] if revisions and revisions.rows else None
    return cite(context.get("request"), context["record"], context["record_type"], newest,
                revisions.total if newest else None)
