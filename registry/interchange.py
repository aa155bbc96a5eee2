"""The record types the registry knows, registered by each app so the core never imports them.

Each app's AppConfig.ready() calls ``register(...)``; the loader, the home page, and later the
API root, exports and feeds iterate ``record_types()`` in load order.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class RecordType:
    name: str  # singular, as in the change log and JSON Lines: "addendum-marker"
    plural: str  # key in multi-type files: "addendum_markers"
    label: str  # for people: "Classified-addendum markers"
    model_path: str
    serializer_path: str
    order: int  # load order: referenced types first

    @property
    def path(self):
        """The URL segment of its pages and API: 'addendum-markers'."""
        return self.plural.replace("_", "-")

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_path)

    @property
    def write_serializer(self):
        return import_string(self.serializer_path)


_TYPES = {}


def register(**fields):
    record_type = RecordType(**fields)
    _TYPES[record_type.name] = record_type
    return record_type


def record_types():
    return sorted(_TYPES.values(), key=lambda t: t.order)


def by_name(name):
    return _TYPES[name]
