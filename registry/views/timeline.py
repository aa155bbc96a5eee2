"""/timeline/: every dated fact of the public records by year and month, and its Atom feed /timeline/feed/, both
filtered by one FilterSet (registry.filters.TimelineFilterSet: kind, date range, and the vendor, agency, agreement
and designation filters the apps add) and read from the timeline table (registry/timeline.py) in one query.

Dates are placed as precisely as they are known: a day under its month; a month-only date under its month, after
its days, written "July 2025"; a year-only date under its year, after its months, in a group "date within the
year unknown", written "2025". Never as the 1st of the period. Newest first (``ordering=-date``) reverses all of
that, so each period's unknown part comes first.
"""

import calendar
from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse
from django.views import View

from registry import facets
from registry.feeds import SITE_NAME, BadFeedQuery, ChangeFeed, Selection
from registry.fields import DatePrecision
from registry.filters import TimelineFilterSet
from registry.models import TimelineEntry
from registry.pages import filter_fields, filtered_page, typed_records
from registry.pagination import Ordering

PAGE_SIZE = 100
FEED_SIZE = 50


@dataclass
class Group:
    """The entries of one month of a year, or of the year's unknown part (``month`` None)."""

    year: int
    month: int | None
    entries: list = field(default_factory=list)

    @property
    def heading(self):
        return f"{calendar.month_name[self.month]} {self.year}" if self.month else f"Date within {self.year} unknown"

    @property
    def anchor(self):
        return f"t-{self.year}-{self.month:02d}" if self.month else f"t-{self.year}-unknown"


@dataclass
class Year:
    year: int
    groups: list = field(default_factory=list)


def by_year_and_month(entries):
    """[Year] in the entries' order: each year's groups, a month or the year's unknown part, as they come."""
    years = []
    for entry in entries:
        month = None if entry.date_precision == DatePrecision.YEAR else entry.date.month
        if not years or years[-1].year != entry.date.year:
            years.append(Year(entry.date.year))
        groups = years[-1].groups
        if not groups or groups[-1].month != month:
            groups.append(Group(entry.date.year, month))
        groups[-1].entries.append(entry)
    return years


def timeline_filterset(request):
    return TimelineFilterSet(request.GET, queryset=TimelineEntry.objects.all(), request=request)


class TimelineView(View):
    """The page of entries, its count, and (when the form is rendered) the vendor and agency choices."""

    template_name = "registry/timeline.html"

    def get(self, request):
        # The vendor, agency and designation filters as the chosen values and a text field taking any other by
        # name or slug: never a list of every vendor and agency.
        declared = facets.record_facets(TimelineFilterSet)
        text_errors, redirect = typed_records(request, declared, TimelineFilterSet)
        if redirect:
            return redirect
        filterset = timeline_filterset(request)
        page, count, errors = filtered_page(filterset, request, PAGE_SIZE, blocked=bool(text_errors))
        groups = facets.groups(declared, filterset, text_errors, counted=False)
        query = request.GET.copy()
        query.pop("cursor", None)
        newest_first = filterset.keyset_ordering.descending if filterset.is_valid() else False
        by_date = filterset.keyset_ordering.field == "sort_key" if filterset.is_valid() else True
        context = {"filterset": filterset, "page": page, "count": count, "errors": errors,
                   "summary": filterset.describe(), "query": query.urlencode(), "newest_first": newest_first,
                   "by_date": by_date, "years": by_year_and_month(page.items) if page and by_date else [],
                   "entries": page.items if page else [], "text_errors": text_errors,
                   "filter_fields": [field for field in filter_fields(filterset, groups)
                                     if getattr(field, "is_facet", False) or not field.is_hidden]}
        status = 400 if (errors or text_errors or not filterset.is_valid()) else 200
        return render(request, self.template_name, context, status=status)


@dataclass
class FactEntry:
    """A timeline entry as an Atom entry: the fact, updated when the registry recorded it."""

    fact: TimelineEntry
    guid: str

    @property
    def title(self):
        return f"{self.fact.label}: {self.fact.title} — {self.fact.when.humanize()}"

    @property
    def description(self):
        return f"{self.fact.label} on {self.fact.when.humanize()}: {self.fact.title}."


RECORDED = Ordering("recorded_at", descending=True)


class TimelineFeed(ChangeFeed):
    """/timeline/feed/: the dated facts matching the same filters as /timeline/, the most recently recorded first
    (one query, plus one per filter naming records); each entry's ``updated`` is when the registry recorded it."""

    def select(self, request, *args, **kwargs):
        filterset = timeline_filterset(request)
        if not filterset.is_valid():
            raise BadFeedQuery(filterset.errors)
        summary = filterset.describe()
        query = request.GET.urlencode()
        return Selection(title=f"{SITE_NAME}: timeline" + (f" where {'; '.join(summary)}" if summary else ""),
                         link=reverse("timeline") + (f"?{query}" if query else ""),
                         description="Dated facts (announcements, awards, designations and their legal steps, "
                                     "testing and its disclosure, events), the most recently recorded first.",
                         target=filterset)

    def get_object(self, request, *args, **kwargs):
        selection = self.select(request, *args, **kwargs)
        selection.feed_url = request.get_full_path()
        authority = request.get_host().split(":")[0] or "localhost"
        facts = selection.target.qs.order_by(*RECORDED.order_by())[:FEED_SIZE]
        selection.entries = [FactEntry(fact, f"tag:{authority},2026:timeline/{fact.record_type}/{fact.record_id}/"
                                             f"{fact.kind}") for fact in facts]
        return selection

    def item_link(self, entry):
        return entry.fact.get_absolute_url()

    def item_pubdate(self, entry):
        return entry.fact.recorded_at

    def item_updateddate(self, entry):
        return entry.fact.recorded_at

    def item_author_name(self, entry):
        return SITE_NAME

    def item_categories(self, entry):
        return [entry.fact.record_type, entry.fact.kind]
