"""One search box over every public record type (registry/search.py does the searching)."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import F
from django.views.generic import TemplateView

from registry.interchange import in_page_order
from registry.pages import Total
from registry.search import (
    StoredSearchVector,
    clean_query,
    highlight,
    mentions,
    parse_query,
    search,
    search_query,
    total_of,
    with_total,
)

SEARCH_RESULTS_PER_TYPE = 10
# On PostgreSQL the first ten of a type are the best ranked among this many of its latest matches.
RANKED_CANDIDATES = 1000
# Each type's count stops here ("1,000+"); its list page, linked from the group, counts further.
SEARCH_COUNT_LIMIT = 1000


@dataclass
class SearchHit:
    record: object
    title: str  # escaped, with <mark>
    excerpt: str  # escaped, with <mark>


@dataclass
class SearchGroup:
    record_type: object
    count: int
    hits: list


def searchable_text(record, field_name):
    value = getattr(record, field_name)
    if isinstance(value, list):  # aliases
        return "Also known as " + "; ".join(str(v) for v in value) if value else ""
    return str(value or "")


def search_excerpt(record, query, words):
    """The first searched field (after the title) that holds a searched word, the record's own text before
    its registry notes; else the first non-empty field that is not the notes. Notes (Markdown) are shown as
    plain words."""
    title_field = "title" if "title" in record.search_fields else "name"
    fields = [f for f in record.search_fields if f not in (title_field, "notes")]
    texts = [(f, searchable_text(record, f)) for f in fields]
    if "notes" in record.search_fields:
        texts.append(("notes", plain_words(record.notes)))
    in_title = mentions(searchable_text(record, title_field), query)
    found = next((text for f, text in texts if mentions(text, query) and not (in_title and f == "notes")), None)
    if found is None:  # the match is in the title, or a stem only PostgreSQL saw: describe, skip registry notes
        found = next((text for f, text in texts if text and f != "notes"), "")
    return highlight(found, query)


MARKDOWN_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)")
MARKDOWN_MARKS = re.compile(r"\*\*|^- |\\(?=[\\`*\[\]<>])", re.MULTILINE)


def plain_words(markdown_text):
    """Markdown notes as the words a reader sees: link texts without addresses, no emphasis marks or escapes."""
    text = (markdown_text or "").split("**Primary sources not yet read:**")[0]  # a list of addresses, not prose
    text = MARKDOWN_LINK.sub(lambda match: match.group(1), text)
    return " ".join(MARKDOWN_MARKS.sub("", text).split())


class SearchView(TemplateView):
    """One search box over every public record type, grouped by type: the first ten of each."""

    template_name = "registry/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET.get("q", ""))
        groups = parse_query(query)
        words = [term.text for group in groups for term in group if not term.negated]
        results = []
        if groups:
            for record_type in in_page_order():
                results.append(self.search_type(record_type, query, groups, words))
        total = Total(sum(group.count for group in results))
        total.more = any(group.count.more for group in results)
        context.update(query=query, searched=bool(groups), results=results, total=total,
                       matched=[group for group in results if group.count])
        return context

    def search_type(self, record_type, query, groups, words):
        """One query per type: the first ten matches, each carrying the count of all (up to SEARCH_COUNT_LIMIT, then
        "1,000+"). On PostgreSQL the ten are the best ranked among the RANKED_CANDIDATES latest matches: a word
        in every record would otherwise rank every one of them (490,000 public terms at 100,000 agreements:
        1.5 s); a search with fewer matches ranks them all, as before."""
        matches = search(record_type.model.objects.public(), query)
        if connection.vendor == "postgresql":
            candidates = matches.order_by("-pk").values("pk")[:RANKED_CANDIDATES]
            found = (record_type.model.objects.filter(pk__in=candidates)
                     .annotate(total=total_of(matches, SEARCH_COUNT_LIMIT))
                     .alias(search_document=StoredSearchVector())
                     .annotate(rank=SearchRank(F("search_document"), search_query(groups)))
                     .order_by("-rank", "-updated_at", "id"))
        else:
            found = with_total(matches, limit=SEARCH_COUNT_LIMIT).order_by("-updated_at", "id")
        records = list(found[:SEARCH_RESULTS_PER_TYPE])
        hits = [SearchHit(record, highlight(str(record), query, width=300), search_excerpt(record, query, words))
                for record in records]
        count = Total(min(records[0].total, SEARCH_COUNT_LIMIT) if records else 0)
        count.more = bool(records) and records[0].total > SEARCH_COUNT_LIMIT
        return SearchGroup(record_type, count, hits)
