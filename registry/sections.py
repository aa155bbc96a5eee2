"""What one app shows on another app's pages, registered in its AppConfig.ready() beside
``interchange.register()``.

- A **section** is a part of a record's page (or of the home page) that another app supplies: a
  template, the context it needs, and the prefetches it adds to the host page's one queryset.
  The host template includes its sections where it says:
  ``{% for part in sections %}{% include part.template with data=part.data %}{% endfor %}``.
- A **column** is a cell another app adds to each row of a list (a vendor's designations).

A record's page reads its timeline from the timeline table (registry/timeline.py: ``show_on``), not from here.

So contracts' vendor page shows the vendor's designations without contracts naming disclosures:
disclosures registers them here, and the page asks this registry for the vendor page's sections.
"""

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


@dataclass(frozen=True)
class SectionPart:
    template: str
    data: dict


_SECTIONS = defaultdict(list)
_COLUMNS = defaultdict(list)


def add_section(page, section):
    """Show ``section`` on ``page``: HOME, or a record type's name for its detail page."""
    _SECTIONS[page].append(section)
    _SECTIONS[page].sort(key=lambda s: s.order)
    return section


def add_column(record_type, column):
    _COLUMNS[record_type].append(column)
    return column


def columns(record_type):
    return list(_COLUMNS[record_type])


def detail_prefetches(record_type):
    """What a record type's detail page reads for the sections others supply."""
    return tuple(p for part in _SECTIONS[record_type] for p in part.prefetch)


def list_prefetches(record_type):
    return tuple(p for column in _COLUMNS[record_type] for p in column.prefetch)


def parts(page, record=None):
    """Each section of ``page`` with its data, in order, for the host template to include."""
    return [SectionPart(section.template, section.context(record)) for section in _SECTIONS[page]]

