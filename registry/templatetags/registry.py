"""Template filters for the registry's words: partial dates, money, Markdown, footnotes."""

import re

from django import template
from django.utils.html import format_html, format_html_join

from registry.claims import claim_label, claims_in_words
from registry.markdown import render_markdown

register = template.Library()


@register.filter
def partial_date(value, empty="unknown"):
    """A PartialDate as pages write it: '14 July 2025', 'July 2025' or '2025'."""
    return value.humanize() if value else empty


@register.filter
def date_text(value):
    """A partial date string ('2026-03-04') as pages write it ('4 March 2026'); other text as it is."""
    from registry.fields import PartialDate

    try:
        return PartialDate.parse(value).humanize()
    except ValueError:
        return value


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


@register.simple_tag(takes_context=True)
def footnotes(context, citations, claim=None):
    """Superscript links to the footnotes whose ``claims`` name ``claim`` (a claim key: "ceiling",
    "amount:ceiling_increase", "term:<slug>"); without a claim, to the general sources (no claims),
    which support the record as a whole. Beside a field of the page's record on which sources differ
    (its ``disputed_facts``), also the "sources differ" flag: every such field shows it, not only those
    a template names."""
    numbers = [n for n, citation in citations
               if (claim in citation.claims if claim is not None else not citation.claims)]
    markers = format_html_join("", '<sup class="fn"><a href="#fn-{}" id="ref-{}-{}" aria-label="source {}">[{}]</a></sup>',
                               ((n, n, claim or "general", n, n) for n in numbers))
    return format_html("{}{}", markers, sources_differ(context.get("record"), claim)) if claim else markers


@register.simple_tag
def confidence_flag(record, field):
    """“(low confidence)” beside a field the research rates apart from the record, when it does."""
    level = (getattr(record, "field_confidence", None) or {}).get(field)
    if not level:
        return ""
    return format_html('<span class="flag field-confidence" data-field="{}" title="The research rates this value '
                       '{} confidence, apart from the record as a whole.">({} confidence)</span>', field, level, level)


@register.filter
def field_confidence_words(record):
    """'the contract number (PIID): low' for each field the research rates apart from the record."""
    levels = getattr(record, "field_confidence", None) or {}
    return "; ".join(f"{claim_label(field)}: {level}" for field, level in levels.items())


@register.filter
def supports(citation):
    """What a footnote supports, in words (set by the page, with term titles), else from its claim keys."""
    words = getattr(citation, "supports", None)
    return words if words is not None else claims_in_words(citation.claims)


@register.simple_tag(takes_context=True)
def agency_name(context, agency):
    """An agency's name; at its first mention on the page, with how it is also called ("U.S. Department of
    Defense (called Department of War since 5 September 2025 (executive order))"). Quotes are never changed:
    this is only for the registry's own words."""
    if agency is None:
        return ""
    request = context.get("request")
    named = getattr(request, "_agencies_named", None)
    if named is None:
        named = set()
        if request is not None:
            request._agencies_named = named
    if agency.name_note and agency.pk not in named:
        named.add(agency.pk)
        return format_html("{}<span class=\"name-note\">, {}</span>", agency.name, agency.name_note)
    named.add(agency.pk)
    return agency.name


@register.simple_tag
def sources_differ(record, field):
    """' — sources differ' beside a field on which the record keeps several sourced values."""
    if any(fact.get("field") == field for fact in getattr(record, "disputed_facts", None) or []):
        return format_html(' <a class="flag" href="{}">sources differ: see every value</a>', "#disputed-heading")
    return ""


@register.filter
def display(record, field):
    """The human label of a choice field: {{ agreement|display:'status' }}."""
    return getattr(record, f"get_{field}_display")()


@register.filter
def authority_short(text):
    """A designation's authority as a short name for links ("41 U.S.C. § 4713 (FASCSA)"): the text before
    its caveat (" — …", " (per …)", " (from …)"), which its own page shows in full."""
    short = re.split(r" — | \((?:per|from|as) ", text or "", maxsplit=1)[0].strip()
    return short or text
