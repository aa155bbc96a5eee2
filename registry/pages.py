"""The page machinery every list and detail page shares: one FilterSet, keyset pagination,
an active-filter summary, links to the CSV and the Atom feed of exactly this query; and the
sections and list columns other apps add (registry/sections.py), and the record's timeline (registry/timeline.py).

Lists show ``.public()`` records. Detail pages show what ``.reachable_by(user)`` allows: a
retracted record keeps its URL, with a notice.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, F, Window
from django.db.models.functions import Lag, RowNumber
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from registry import facets, sections, timeline
from registry.api.caching import latest_change
from registry.claims import claim_label, claims_in_words
from registry.exports import csv_filename, csv_response
from registry.interchange import by_name
from registry.models import ChangeLog, CitedRecord, Notice, Source
from registry.pagination import InvalidCursor, paginate, parse_page_size

PAGE_SIZE = 50
# How many revisions a record's page lists (the newest; the page says how many there are in all).
REVISIONS_SHOWN = 20


class RecordListView(View):
    record_type = None  # "agreement"
    filterset_class = None
    template_name = None
    select_related = ()
    prefetch_related = ()
    # The filters shown as checkbox groups with counts: a filter's name (a column), or a facets.Facet.
    facets = ()

    @property
    def model(self):
        return by_name(self.record_type).model

    def get_queryset(self):
        return (self.model.objects.public().select_related(*self.select_related)
                .prefetch_related(*self.prefetch_related, *sections.list_prefetches(self.record_type)))

    def get_filterset(self, request):
        return self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)

    def get(self, request):
        text_errors, redirect = typed_records(request, self.facets, self.filterset_class)
        if redirect:
            return redirect
        filterset = self.get_filterset(request)
        page, count, errors = filtered_page(filterset, request, blocked=bool(text_errors))
        query = canonical_query(request.GET, self.filterset_class)
        groups = facets.groups(self.facets, filterset, text_errors, counted=count is not None, total=count)
        context = {
            "filterset": filterset, "page": page, "count": count, "errors": errors,
            "summary": filterset.describe(), "record_type": by_name(self.record_type),
            "query": query.urlencode(), "records": page.items if page else [],
            "filter_fields": filter_fields(filterset, groups),
            "chips": chips(filterset, query), "text_errors": text_errors, "facet_scan": facets.SCAN,
            "facets_counted": all(group.counted for group in groups.values()),
            "columns": sections.columns(self.record_type), **self.extra_context(page),
        }
        status = 400 if (errors or text_errors or not filterset.is_valid()) else 200
        return render(request, self.template_name, context, status=status)

    def extra_context(self, page):
        return {}


def typed_records(request, declared, filterset_class):
    """({text field: [errors]}, redirect or None) for the facets' text fields (a vendor or an agency typed by
    name or slug): with no error, a redirect to the same page with the slugs, at an address worth sharing."""
    text_errors, resolved = facets.resolve_texts(declared, request.GET)
    if resolved is None or text_errors:
        return text_errors, None
    query = canonical_query(resolved, filterset_class).urlencode()
    return {}, HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)


def filtered_page(filterset, request, default_size=PAGE_SIZE, *, blocked=False):
    """(page, count, errors): one keyset page of the filterset's rows (``cursor`` and ``page_size`` from the
    query string) and how many rows match in all; no page when the filters are invalid or ``blocked`` (the
    caller has other errors), and a bad page size or cursor is an error message, not an exception.
    The count is over the filtered ids, capped (capped_count): no DISTINCT, no join, no ordering."""
    try:
        page_size = parse_page_size(request.GET.get("page_size"), default_size)
    except ValueError as error:
        return None, None, [str(error)]
    if blocked or not filterset.is_valid():
        return None, None, []
    try:
        page = paginate(filterset.qs, filterset.keyset_ordering, cursor=request.GET.get("cursor"), page_size=page_size)
    except InvalidCursor as error:
        return None, None, [str(error)]
    return page, capped_count(filterset.qs), []


# How far a page counts its results: past this it says "10,000+" (an exact COUNT grows with the registry).
COUNT_LIMIT = 10_000


class Total(int):
    """A page's number of results, counted up to COUNT_LIMIT: ``words`` is "1,234", or "10,000+" past it."""

    more = False

    @property
    def words(self):
        return f"{int(self):,}+" if self.more else f"{int(self):,}"


def as_of_latest_change(name, compute):
    """``compute()`` once per public change: kept in the cache under the latest public change id, so that a count
    over every record (which grows with the registry) runs once per change, not per request, and a change shows
    on the very next request. One query on a hit (the latest id; the responses cache is Redis or memory)."""
    latest, _ = latest_change()
    return caches["responses"].get_or_set(f"{name}:{latest}", compute, timeout=settings.RESPONSE_CACHE_SECONDS)


def capped_count(queryset, limit=COUNT_LIMIT):
    """How many rows ``queryset`` selects, counting at most ``limit`` + 1 of their ids (no DISTINCT, no join,
    no ordering): a Total, ``more`` when there are more than ``limit``."""
    counted = queryset.order_by().values("pk")[: limit + 1].count()
    total = Total(min(counted, limit))
    total.more = counted > limit
    return total


def filter_fields(filterset, groups):
    """The form's fields in order, each facet as its group; confidence and the sort order last."""
    fields = [groups.get(field.name, field) for field in filterset.form]
    return sorted(fields, key=lambda field: {"confidence": 1, "ordering": 2}.get(field.name, 0))


def canonical_query(query, filterset_class):
    """The list's query without the cursor, empty values and the facets' text fields, with ``x__in=a,b``
    aliases written as repeated keys: the address of the same list, for links, chips and file names."""
    expanded = filterset_class.expand_in_aliases(query) if query is not None else QueryDict()
    canonical = QueryDict(mutable=True)
    for key, values in expanded.lists():
        base = key[: -len("__in")] if key.endswith("__in") else None
        if key == "cursor" or key.endswith("_text") or (base and base in filterset_class.base_filters):
            continue
        for value in values:
            if value.strip() and value not in canonical.getlist(key):
                canonical.appendlist(key, value)
    return canonical


@dataclass
class Chip:
    """An applied filter: its words and the address of the same list without it."""

    label: str
    words: str
    href: str

    @property
    def accessible_name(self):
        label = self.label[:1].lower() + self.label[1:] if self.label[1:2].islower() else self.label
        return f"Remove filter: {label} {self.words}"


def chips(filterset, query):
    result = []
    for name, label, value, words in filterset.applied():
        rest = query.copy()
        if value is None:
            rest.pop(name, None)
        else:
            rest.setlist(name, [kept for kept in rest.getlist(name) if kept != value])
        encoded = rest.urlencode()
        result.append(Chip(label, words, f"?{encoded}" if encoded else "?"))
    return result


class RecordCsvView(RecordListView):
    """All matching rows of the list, streamed, in the shared column definitions, in a file named after
    its type, its filters and the day."""

    def get(self, request):
        filterset = self.get_filterset(request)
        if not filterset.is_valid():
            return render(request, "registry/bad_query.html", {"filterset": filterset}, status=400)
        ordering = filterset.keyset_ordering
        queryset = self.model.objects.public().filter(pk__in=filterset.qs.values("pk")).order_by(*ordering.order_by())
        return csv_response(self.record_type, queryset, self.filename(filterset), request)

    def filename(self, filterset):
        query = canonical_query(filterset.data, self.filterset_class)
        names = [name for name in filterset.form.fields if name not in ("ordering",) and query.getlist(name)]
        return csv_filename(by_name(self.record_type).plural, [(name, query.getlist(name)) for name in names],
                            timezone.localdate())


class RecordDetailView(View):
    record_type = None
    template_name = None
    select_related = ()
    prefetch_related = ()

    @property
    def model(self):
        return by_name(self.record_type).model

    def get_queryset(self):
        return (self.model.objects.reachable_by(self.request.user).select_related(*self.select_related)
                .prefetch_related(*self.prefetch_related, *sections.detail_prefetches(self.record_type)))

    def get(self, request, slug):
        record = self.get_queryset().filter(slug=slug).first()
        if record is None:
            raise Http404(f"No {self.record_type} has the slug “{slug}”.")
        citations = numbered_citations(record)
        context = {"record": record, "record_type": by_name(self.record_type),
                   "citations": citations, "newest_source": newest_source(record),
                   "disputed_facts": disputed_facts(record),
                   "weak_sourcing": weak_sourcing(citations if isinstance(record, CitedRecord) else []),
                   "sections": sections.parts(self.record_type, record),
                   "timeline": timeline.for_page(self.record_type, record),
                   "notices": record_notices(record), "revisions": record_revisions(record),
                   **self.extra_context(record)}
        return render(request, self.template_name, context)

    def extra_context(self, record):
        return {}


def record_notices(record):
    """The record's public notices (corrections and retractions), newest first: one query."""
    return list(Notice.objects.filter(record_type=record.record_type, slug=record.slug).order_by("-at", "-id"))


@dataclass
class Revisions:
    """The newest public changes of a record (``rows``) and how many it has in all (``total``)."""

    rows: list
    total: int

    @property
    def more(self):
        return self.total - len(self.rows)


def record_revisions(record, limit=REVISIONS_SHOWN):
    """The record's public ChangeLog rows, newest first, at most ``limit``, with the total: one query
    (the total, each row's revision number and the public id of the revision before it, for its diff, are
    window functions over the same rows). Each row gets ``as_of``: the moment to ask the API for the record
    as it stood just after that change."""
    ordered = F("public_id").asc()
    rows = list(ChangeLog.objects.public().filter(record_type=record.record_type, slug=record.slug)
                .annotate(total=Window(Count("pk")), number=Window(RowNumber(), order_by=ordered),
                          previous_id=Window(Lag("public_id"), order_by=ordered))
                .order_by("-public_id")[:limit])
    for row in rows:
        row.as_of = as_of_moment(row.at)
    return Revisions(rows, rows[0].total if rows else 0)


def as_of_moment(at):
    """An RFC 3339 time in UTC with microseconds and ``Z`` (no ``+`` to escape in a query string)."""
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def weak_sourcing(citations):
    """What rests only on weak sources (Source.WEAK_TIERS: republishers and aggregators, commentary, low-quality
    or generated pages, and sources not assessed), computed from the record's citations:
    ``{"record": bool, "claims": [claim keys], "labels": [the same in words]}``. ``record`` is true when every
    citation is weak; a claim key (a citation's ``claims``, when citations carry them) is listed when every
    citation supporting it is weak, and the page names it in words ("the start date"), never by its key.
    Separate from the record's confidence, which stays as the research rated it."""
    if not citations:
        return {"record": False, "claims": [], "labels": []}
    by_claim = {}
    for _, citation in citations:
        for claim in getattr(citation, "claims", None) or ():
            by_claim.setdefault(claim, []).append(citation.source.is_weak)
    claims = [claim for claim, weak in by_claim.items() if all(weak)]
    return {"record": all(citation.source.is_weak for _, citation in citations), "claims": claims,
            "labels": [claim_label(claim) for claim in claims]}


def newest_source(record):
    """The publication date of the record's newest dated source (its own date, for a source), from the
    prefetched citations: what the record's facts are current to."""
    if not hasattr(record, "citations"):
        return getattr(record, "published", None)
    dates = [citation.source.published for citation in record.citations.all() if citation.source.published]
    return max(dates, key=lambda date: date.last_day) if dates else None


def disputed_facts(record):
    """The record's facts on which sources differ, each value with its sources (one query, only when
    there is such a fact)."""
    facts = getattr(record, "disputed_facts", None) or []
    if not facts:
        return []
    slugs = {c["source"] for fact in facts for value in fact.get("values", []) for c in value.get("citations", [])}
    sources = {source.slug: source for source in Source.objects.public().filter(slug__in=slugs)}
    return [{**fact, "values": [{**value, "citations": [{**c, "source": sources.get(c["source"])}
                                                         for c in value.get("citations", [])]}
                                for value in fact.get("values", [])]} for fact in facts]


def numbered_citations(record, term_titles=None):
    """The record's citations as footnotes 1, 2, 3… (prefetched with their sources): first those that
    support named facts (claims), then the general sources of the record, each in its own order.
    Each says what it supports, in words (``citation.supports``)."""
    if not hasattr(record, "citations"):
        return []
    citations = list(record.citations.all())
    ordered = [c for c in citations if c.claims] + [c for c in citations if not c.claims]
    for citation in ordered:
        citation.supports = claims_in_words(citation.claims, term_titles)
    return list(enumerate(ordered, start=1))
