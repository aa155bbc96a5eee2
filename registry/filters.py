"""What every FilterSet shares. One FilterSet per list, used by the pages, the API and CSV.

- ``*_after`` / ``*_before`` take YYYY, YYYY-MM or YYYY-MM-DD and are inclusive (``_before=2025-07``
  includes all of July); NULL dates never match.
- Multi-value filters take repeated keys (``?vendor=a&vendor=b``); ``vendor__in=a,b`` is an alias.
- ``ordering`` is an allow-list of public names; the keyset paginator applies it (NULLs last, then id).
- ``q`` is the registry's search (registry/search.py).
- ``describe()`` says in plain English what the active filters select.
- ``add_filter()`` lets another app add a filter to a FilterSet (disclosures adds the vendors'
  ``has_designation``) in its AppConfig.ready(), so the FilterSet's own app never names it.
"""

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.utils import extend_schema_field

from registry import timeline
from registry.fields import PartialDate
from registry.models import Confidence, Source, TimelineEntry
from registry.pagination import Ordering
from registry.search import search


class PartialDateFormField(forms.CharField):
    default_error_messages = {"invalid": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


PARTIAL_DATE_SCHEMA = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                       "description": "YYYY, YYYY-MM or YYYY-MM-DD."}
SLUG_SCHEMA = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$", "description": "A record's slug."}


@extend_schema_field(PARTIAL_DATE_SCHEMA)
class PartialDateFilter(django_filters.Filter):
    """``lookup_expr`` gte takes the first day of the period, lte the last: both ends inclusive."""

    field_class = PartialDateFormField

    def filter(self, qs, value):
        if value is None:
            return qs
        day = value.last_day if self.lookup_expr == "lte" else value.date
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": day})


@extend_schema_field(PARTIAL_DATE_SCHEMA)
class PartialDateValueFilter(django_filters.Filter):
    """A partial date handed to the FilterSet's ``method`` (e.g. designations' in_effect_on)."""

    field_class = PartialDateFormField


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error, not silently 'any'."""

    widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    default_error_messages = {"invalid": "Use true or false."}
    VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        pass  # optional; to_python already refused anything unreadable


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


# The largest count of days a filter takes: beyond any real lag, and inside every database's integer range.
MAX_DAYS = 1_000_000


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_DAYS})
class DaysFilter(django_filters.NumberFilter):
    """A whole number of days, 0 to MAX_DAYS: '0.5', '1e3' and '-1' are refused with the field named."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_DAYS)
        super().__init__(*args, **kwargs)


def date_range(field_name, label):
    """The (after, before) pair of a partial-date column."""
    return (
        PartialDateFilter(field_name=field_name, lookup_expr="gte", label=f"{label} on or after",
                          help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive."),
        PartialDateFilter(field_name=field_name, lookup_expr="lte", label=f"{label} on or before",
                          help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive of the whole period."),
    )


@extend_schema_field(SLUG_SCHEMA)
class SlugChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Records named by slug, repeatable; unknown slugs are a form error naming them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.SelectMultiple)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, value):
        # Match the chosen record itself, not its slug against the foreign key's id.
        return {self.field_name: value}


@extend_schema_field({"type": "string", "minLength": 1})
class TextFilter(django_filters.CharFilter):
    """Free text. (Documented non-empty: the API refuses empty values; the pages ignore them.)"""


class RegistryFilterSet(django_filters.FilterSet):
    q = TextFilter(method="filter_search", label="Search", help_text='Words, "exact phrases", OR, and -exclusions.')
    confidence = django_filters.MultipleChoiceFilter(choices=Confidence.choices, label="Confidence",
                                                     widget=forms.SelectMultiple)

    # Public ordering names -> model columns; the first is the default.
    ordering_fields = {}
    default_ordering = None

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(self.expand_in_aliases(data), *args, **kwargs)
        for filter_ in self.filters.values():
            if getattr(filter_, "distinct", False) and not spans_many(self._meta.model, filter_):
                # django-filter's multiple-choice filters add SELECT DISTINCT (over every column, and a COUNT over
                # it) by default; a filter on the record's own columns, or by Exists / IN (every method here),
                # cannot repeat a row.
                filter_.distinct = False
        if self.ordering_fields:
            ordering = django_filters.OrderingFilter(
                fields=[(column, public) for public, column in self.ordering_fields.items()],
                label="Sort by", help_text="Prefix with - for descending; empty values always come last.",
            )
            ordering.model, ordering.parent = self._meta.model, self
            self.filters["ordering"] = ordering

    @classmethod
    def expand_in_aliases(cls, data):
        """``vendor__in=a,b`` means ``vendor=a&vendor=b``."""
        if data is None or not any(key.endswith("__in") for key in data):
            return data
        data = data.copy()
        for key in [k for k in data if k.endswith("__in")]:
            name = key[: -len("__in")]
            if name in cls.base_filters:
                values = [v.strip() for raw in data.getlist(key) for v in raw.split(",") if v.strip()]
                data.setlist(name, data.getlist(name) + values)
        return data

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    @property
    def keyset_ordering(self):
        """The paginator's ordering (column, descending) from ``ordering`` or the default; then id."""
        chosen = self.form.cleaned_data.get("ordering") if self.is_bound and self.form.is_valid() else None
        return self.ordering_of(chosen)

    def ordering_of(self, chosen):
        """The keyset ordering of the first name in ``chosen`` (the cleaned ``ordering``, a list), else the default.
        Empty entries are skipped, as django-filter's OrderingFilter skips them: ``?ordering=,title`` is by title,
        ``?ordering=,`` the default (they used to raise KeyError: a 500)."""
        public = next((name for name in chosen or () if name), None) or self.default_ordering
        return Ordering(self.ordering_fields[public.lstrip("-")], public.startswith("-"))

    def describe(self):
        """Plain English for the active filters, e.g. ['Vendor is OpenAI or Palantir', …]."""
        if not (self.is_bound and self.form.is_valid()):
            return []
        parts = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()) or name == "ordering" or (hasattr(value, "exists") and not value):
                continue
            label = self.form.fields[name].label or name.replace("_", " ").capitalize()
            parts.append(f"{label}: {self.describe_value(name, value)}")
        return parts

    def applied(self):
        """The active filters one value at a time, for the page's removable chips and the CSV's file name:
        ``(name, label, value, words)``, where ``value`` is the parameter's value that selects it (None: the
        parameter's only value) and ``words`` says it in English ("Anthropic", "Active", "July 2025")."""
        if not (self.is_bound and self.form.is_valid()):
            return []
        entries = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()) or name == "ordering" or (hasattr(value, "exists") and not value):
                continue
            label = self.form.fields[name].label or name.replace("_", " ").capitalize()
            if is_records(value):
                entries += [(name, label, record.slug, str(record)) for record in value]
            elif isinstance(value, (list, tuple)):
                choices = dict(getattr(self.form.fields[name], "choices", []) or [])
                entries += [(name, label, item, str(choices.get(item, item))) for item in value]
            else:
                entries.append((name, label, None, self.describe_value(name, value)))
        return entries

    def describe_value(self, name, value):
        if is_records(value):  # the chosen records: never read the whole choice list
            return " or ".join(str(record) for record in value)
        if isinstance(value, PartialDate):
            return value.humanize()
        if isinstance(value, bool):
            return "yes" if value else "no"
        choices = dict(getattr(self.form.fields[name], "choices", []) or [])
        if isinstance(value, (list, tuple)):
            return " or ".join(str(choices.get(v, v)) for v in value)
        return f"“{value}”" if name == "q" else str(choices.get(value, value))


def spans_many(model, filter_):
    """Whether a filter without a method follows a to-many relation (``agreement__parties__vendor``), the one case
    in which its rows may repeat and DISTINCT is needed."""
    if getattr(filter_, "method", None) is not None or not filter_.field_name:
        return False
    for part in filter_.field_name.split("__"):
        try:
            field_ = model._meta.get_field(part)
        except FieldDoesNotExist:  # a lookup (``__in``), not a field: the path ends here
            return False
        if field_.many_to_many or field_.one_to_many:
            return True
        if not field_.is_relation:
            return False
        model = field_.related_model
    return False


def is_records(value):
    """A cleaned record filter's value: a queryset, or (django-filter's ModelMultipleChoiceField) a list of records."""
    return hasattr(value, "model") or (isinstance(value, (list, tuple)) and bool(value)
                                        and all(isinstance(item, models.Model) for item in value))


def add_filter(filterset_class, name, filter_):
    """Add ``filter_`` (with a callable ``method``) to a FilterSet: pages, API, CSV and feeds all get it."""
    if name in filterset_class.base_filters:
        raise ValueError(f"{filterset_class.__name__} already has a filter named {name!r}.")
    if filter_.field_name is None:
        filter_.field_name = name
    filterset_class.base_filters[name] = filter_
    return filter_


class SourceFilterSet(RegistryFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices, label="Kind", widget=forms.SelectMultiple)
    tier = django_filters.MultipleChoiceFilter(choices=Source.Tier.choices, label="Tier", widget=forms.SelectMultiple)
    verified = StrictBooleanFilter(label="Read by the registry")
    publisher = TextFilter(lookup_expr="icontains", label="Publisher contains")
    published_after, published_before = date_range("published_on", "Published")

    ordering_fields = {"title": "title", "published": "published_on", "updated": "updated_at"}
    default_ordering = "title"

    class Meta:
        model = Source
        fields = []



class TimelineFilterSet(RegistryFilterSet):
    """/timeline/ and its feed. The vendor, agency and agreement filters are added by contracts, the designation
    filter by disclosures (``add_filter``): they select the entries whose subjects include those records."""

    q = None  # entries are not searched: their records are
    confidence = None
    kind = django_filters.MultipleChoiceFilter(choices=timeline.kind_choices, label="Kind of fact", distinct=False,
                                               widget=forms.SelectMultiple)
    after = PartialDateFilter(field_name="date", lookup_expr="gte", label="On or after",
                              help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive. A date known only to a month or a "
                                        "year counts from the first day of that period.")
    before = PartialDateFilter(field_name="date", lookup_expr="lte", label="On or before",
                               help_text="YYYY, YYYY-MM or YYYY-MM-DD; inclusive of the whole period.")

    ordering_fields = {"date": "sort_key", "recorded": "recorded_at"}
    default_ordering = "date"

    class Meta:
        model = TimelineEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ordering = self.filters["ordering"]
        ordering.extra.update(help_text="")
        ordering.extra["choices"] = [("date", "Date, oldest first"), ("-date", "Date, newest first"),
                                     ("recorded", "When recorded, earliest first"),
                                     ("-recorded", "When recorded, latest first")]

    def describe_value(self, name, value):
        if name == "kind":
            return " or ".join(timeline.label_of(kind) for kind in value)
        return super().describe_value(name, value)
