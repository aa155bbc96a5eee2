"""The record types the registry knows, registered by each app so the core never imports them.

Each app's AppConfig.ready() calls ``register(...)`` with what the core needs to know of its types:
the model, its write serializer, its CSV columns (``<app>/exports.py``), where it comes in load,
page and API order, what its vocabulary values mean (for the about page) and which records the
vendor and agency feeds follow (``related_by``). The loader, the home, search and about pages,
exports, feeds and sitemaps iterate ``record_types()``. Sections that one app adds to another's
pages are registered beside this, in ``registry/sections.py``.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string


@dataclass(frozen=True, eq=False)
class RecordType:
    name: str  # singular, as in the change log and JSON Lines: "addendum-marker"
    plural: str  # key in multi-type files: "addendum_markers"
    label: str  # for people: "Classified-addendum markers"
    model: type  # the model class
    serializer_path: str  # its <Model>WriteSerializer (<app>/write_serializers.py)
    order: int  # load order: referenced types first
    page_order: int  # where the home, search, about and data pages list it
    api_order: int  # where the API root lists it
    csv: object = None  # its registry.exports.Export (<app>/exports.py)
    # {model: {field: {value: meaning}}}: a sentence more for the values whose label alone does not say enough.
    meanings: dict = field(default_factory=dict)
    # Record types X whose feed (a vendor's, an agency's) includes this type's records through the
    # QuerySet method ``with_<X>(records)``.
    related_by: tuple = ()

    @property
    def path(self):
        """The URL segment of its pages and API: 'addendum-markers'."""
        return self.plural.replace("_", "-")

    @property
    def write_serializer(self):
        return import_string(self.serializer_path)


_TYPES = {}


def register(**fields):
    record_type = RecordType(**fields)
    _TYPES[record_type.name] = record_type
    return record_type


def record_types():
    """In load order (referenced types first)."""
    return sorted(_TYPES.values(), key=lambda t: t.order)


def in_page_order():
    """As the home, search, about and data pages list them."""
    return sorted(_TYPES.values(), key=lambda t: t.page_order)


def in_api_order():
    """As the API root lists them."""
    return sorted(_TYPES.values(), key=lambda t: t.api_order)


def by_name(name):
    return _TYPES[name]
