"""Template filters for the registry's words: partial dates, money, Markdown, footnotes."""

from django import template
from django.utils.html import format_html_join

from registry.markdown import render_markdown

register = template.Library()


@register.filter
def partial_date(value, empty="unknown"):
    """A PartialDate as pages write it: '14 July 2025', 'July 2025' or '2025'."""
    return value.humanize() if value else empty


@register.filter
def iso(value):
    return value.isoformat() if value else ""


@register.filter
def money(value):
    """Money as '$200,000,000'; None is 'undisclosed', never 0."""
    return value.humanize() if value else "undisclosed"


@register.filter
def markdown(text):
    return render_markdown(text)


@register.simple_tag
def footnotes(citations, claim=None):
    """Superscript links to the footnotes supporting a claim (all of them when claim is None)."""
    numbers = [n for n, citation in citations if claim is None or citation.claim == claim]
    return format_html_join("", '<sup class="fn"><a href="#fn-{}" id="ref-{}-{}" aria-label="source {}">[{}]</a></sup>',
                            ((n, n, claim or "all", n, n) for n in numbers))


@register.filter
def display(record, field):
    """The human label of a choice field: {{ agreement|display:'status' }}."""
    return getattr(record, f"get_{field}_display")()
