"""What one app shows on another app's pages, registered in its AppConfig.ready() beside
``interchange.register()``.

- A **section** is a part of a record's page (or of the home page) that another app supplies: a
  template, the context it needs, and the prefetches it adds to the host page's one queryset.
  The host template includes its sections where it says:
  ``{% for part in sections %}{% include part.template with data=part.data %}{% endfor %}``.
- A **column** is a cell another app adds to each row of a list (a vendor's designations).
- A **timeline source** gives the dated records (events) shown on a record's page.

So contracts' vendor page shows the vendor's designations without contracts naming disclosures:
disclosures registers them here, and the page asks this registry for the vendor page's sections.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

HOME = "home"  # the page key of the home page; other keys are record type names (their detail page)
CHARTS = "charts"  # the charts page (/charts/): each app adds the charts of its own records


@dataclass(frozen=True, eq=False)
class Section:
    template: str
    context: Callable  # (record, or None on the home page) -> dict for the template
    prefetch: tuple = ()  # Prefetch objects added to the host page's queryset
    order: int = 100


@dataclass(frozen=True, eq=False)
class Column:
    header: str
    template: str  # one cell, rendered with ``record``
    prefetch: tuple = ()


@dataclass(frozen=True, eq=False)
class TimelineSource:
    entries: Callable  # record -> [(PartialDate, dated record)]
    prefetch: tuple = ()


@dataclass(frozen=True)
class SectionPart:
    template: str
    data: dict


@dataclass(frozen=True)
class TimelineEntry:
    when: object  # a PartialDate, or None
    record: object


_SECTIONS = defaultdict(list)
_COLUMNS = defaultdict(list)
_TIMELINES = defaultdict(list)


def add_section(page, section):
    """Show ``section`` on ``page``: HOME, or a record type's name for its detail page."""
    _SECTIONS[page].append(section)
    _SECTIONS[page].sort(key=lambda s: s.order)
    return section


def add_column(record_type, column):
    _COLUMNS[record_type].append(column)
    return column


def add_timeline_source(record_type, source):
    _TIMELINES[record_type].append(source)
    return source


def columns(record_type):
    return list(_COLUMNS[record_type])


def detail_prefetches(record_type):
    """What a record type's detail page reads for the sections and timeline others supply."""
    return tuple(p for part in (*_SECTIONS[record_type], *_TIMELINES[record_type]) for p in part.prefetch)


def list_prefetches(record_type):
    return tuple(p for column in _COLUMNS[record_type] for p in column.prefetch)


def parts(page, record=None):
    """Each section of ``page`` with its data, in order, for the host template to include."""
    return [SectionPart(section.template, section.context(record)) for section in _SECTIONS[page]]


def timeline(record_type, record):
    """The dated records of every timeline source, each once, oldest first (undated last)."""
    seen = {}
    for source in _TIMELINES[record_type]:
        for when, dated in source.entries(record):
            seen.setdefault((type(dated), dated.pk), TimelineEntry(when, dated))
    return sorted(seen.values(), key=lambda e: (e.when is None, e.when.date if e.when else datetime.date.min,
                                                e.record.pk))
