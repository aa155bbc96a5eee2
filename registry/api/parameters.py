"""The query parameters each kind of API endpoint takes, declared once.

Each kind of endpoint (a list, a record, the change feed) has one form. The same declaration
validates a request (``parse_list``, ``parse_record``, ``parse_changes``), documents it in the OpenAPI
document (``openapi_parameters``) and builds the guide's table (``parameter_table``). A list also
takes its FilterSet's filters, among them every list's ``q`` and ``ordering``.

One parse per request: the form's errors, the FilterSet's, and unknown or empty parameters are
merged into one 400 naming every bad parameter.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from registry.api.errors import ParameterError
from registry.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, InvalidCursor, decode_cursor

NON_EMPTY = {"type": "string", "minLength": 1}
PAGE_SIZE_MESSAGE = f"Use a whole number from 1 to {MAX_PAGE_SIZE}."
MOMENT_MESSAGE = "Use an RFC 3339 time (2026-03-01T12:00:00Z) or a date (2026-03-01)."
UNKNOWN_MESSAGE = "Unknown parameter."
EMPTY_MESSAGE = "This parameter may not be empty: leave it out instead."

# The record types, in the order the API root lists them; the change feed's `type` takes them.
RECORD_TYPES = ["agreement", "term", "addendum-marker", "agency", "vendor", "designation", "testing-disclosure",
                "event", "source"]

# Every list's FilterSet (RegistryFilterSet) takes these too: they are validated and documented with its
# other filters, and listed with the shared parameters in the guide's table.
FILTERSET_SHARED = {
    "q": 'Search: words, "exact phrases", OR, and -exclusions.',
    "ordering": "Sort by one of the list's names (each list's `ordering` in the OpenAPI document); `-` first for "
                "descending. Empty values come last.",
}


# --- parameters --------------------------------------------------------------------------------

class Parameter(forms.Field):
    """An optional query parameter with its OpenAPI schema; ``help_text`` is its documentation."""

    schema = NON_EMPTY

    def __init__(self, help_text, *, schema=None):
        super().__init__(required=False, help_text=help_text)
        if schema is not None:
            self.schema = schema

    def to_python(self, value):
        return value or None


class WholeNumber(Parameter):
    def __init__(self, help_text, *, minimum, maximum, invalid, out_of_range=None, schema=None):
        super().__init__(help_text, schema=schema or {"type": "integer", "minimum": minimum, "maximum": maximum})
        self.minimum, self.maximum = minimum, maximum
        self.invalid, self.out_of_range = invalid, out_of_range or invalid

    def to_python(self, value):
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise forms.ValidationError(self.invalid) from None
        if not self.minimum <= number <= self.maximum:
            raise forms.ValidationError(self.out_of_range)
        return number


class Boolean(Parameter):
    schema = {"type": "boolean"}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if not value:
            return False
        try:
            return self.VALUES[value.lower()]
        except KeyError:
            raise forms.ValidationError("Use true or false.") from None


class Choice(Parameter):
    def __init__(self, help_text, *, choices, invalid, schema=None):
        super().__init__(help_text, schema=schema or {"type": "string", "enum": sorted(choices)})
        self.choices, self.invalid = list(choices), invalid

    def to_python(self, value):
        if value and value not in self.choices:
            raise forms.ValidationError(self.invalid)
        return value or None


class Moment(Parameter):
    """An RFC 3339 time, or a date: its end (``end_of_day``) or its start, UTC."""

    def __init__(self, help_text, *, end_of_day, schema):
        super().__init__(help_text, schema=schema)
        self.end_of_day = end_of_day

    def to_python(self, value):
        if not value:
            return None
        moment = parse_moment(value, end_of_day=self.end_of_day)
        if moment is None:
            raise forms.ValidationError(MOMENT_MESSAGE)
        return moment


class Names(Parameter):
    """Comma-separated names (checked against the serializer by the form)."""

    def to_python(self, value):
        if not value:
            return None
        return [part.strip() for part in value.split(",") if part.strip()]


def parse_moment(text, *, end_of_day):
    """An RFC 3339 time, or a date (its end when end_of_day, else its start), as an aware datetime."""
    try:
        if len(text) == 10:  # a date alone: its start or its end, UTC
            day = parse_date(text)
            if day is None:
                return None
            clock = datetime.time.max if end_of_day else datetime.time.min
            return datetime.datetime.combine(day, clock, tzinfo=datetime.UTC)
        moment = parse_datetime(text)
        if moment is None or timezone.is_naive(moment):
            return None  # RFC 3339 requires an offset
        return moment.astimezone(datetime.UTC)  # overflows here, not later in the database
    except (ValueError, OverflowError):
        return None


# --- the three kinds of endpoint ----------------------------------------------------------------

ALWAYS_RETURNED = ("slug", "url")


class RecordShaping(forms.Form):
    """fields= / omit= / include=, applied to the serializer's default fields: ``chosen_fields``."""

    in_lists = False  # lists leave the serializer's optional_in_lists out unless included

    fields = Names("Comma-separated fields to return (others are not read from the database), e.g. "
                   "`title,ceiling`; `slug` and `url` are always returned.")
    omit = Names("Comma-separated fields to leave out (`slug` and `url` are always returned).")
    include = Names("Optional parts to add: `citations` (always on details).",
                    schema={"type": "string", "enum": ["citations"]})

    def __init__(self, data, serializer_class):
        super().__init__(data)
        self.serializer_class = serializer_class

    def clean(self):
        data, optional = self.cleaned_data, self.serializer_class.optional_in_lists
        every = self.serializer_class.all_field_names()
        chosen = [f for f in every if not self.in_lists or f not in optional]
        include = data.get("include") or []
        unknown = [name for name in include if name not in optional]
        if unknown:
            self.add_error("include", f"Unknown: {', '.join(unknown)}. Allowed: {', '.join(optional)}.")
        chosen += [f for f in include if f not in chosen and f in every]
        for name in ("fields", "omit"):
            names = data.get(name)
            unknown = [n for n in names or [] if n not in every]
            if unknown:
                self.add_error(name, f"Unknown field(s): {', '.join(unknown)}.")
        for name in ("fields", "omit", "include"):  # only commas or spaces: never what a client means
            if name in self.data and not data.get(name) and name not in self.errors:
                self.add_error(name, "Name at least one field." if name != "include" else "Name a part to include.")
        # A record always keeps its slug and url (all its response schema requires: registry/api_docs.py).
        if data.get("fields"):
            chosen = [f for f in every if f in data["fields"] or f in ALWAYS_RETURNED]
        if data.get("omit"):
            chosen = [f for f in chosen if f not in data["omit"] or f in ALWAYS_RETURNED]
        data["chosen_fields"] = chosen
        return data


class ListParameters(RecordShaping):
    kind = "Lists"
    in_lists = True

    cursor = Parameter("Opaque cursor from `next` or `previous`; an invalid cursor is a 400.")
    page_size = WholeNumber(f"Rows per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).", minimum=1,
                            maximum=MAX_PAGE_SIZE, invalid=PAGE_SIZE_MESSAGE)
    count = Boolean("`true` adds the total number of matching records.")
    include_retracted = Boolean("`true` adds retracted records (with their retraction) to the list.")
    updated_after = Moment("Only records changed after this RFC 3339 time (or date: its start, UTC).",
                           end_of_day=False, schema={"type": "string", "format": "date-time"})
    format = Choice("`csv` streams every matching row with the site's CSV columns.", choices=["json", "csv"],
                    invalid="Use json or csv.")


class RecordParameters(RecordShaping):
    kind = "Records"

    as_of = Moment("The record as the registry stated it then: an RFC 3339 time, or a date (the end of that day, "
                   "UTC). 404 if it did not exist publicly yet.", end_of_day=True,
                   schema={"type": "string",
                           "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"})
    format = Choice("Only `json`: a record has no CSV.", choices=["json"], invalid="A record is json.")


class ChangeParameters(forms.Form):
    kind = "Change feed"

    after = WholeNumber("Only changes with a larger id.", minimum=0, maximum=2**63 - 1,
                        invalid="Use a whole number.", out_of_range="Use a change id, 0 or more.",
                        schema={"type": "integer", "minimum": 0})
    page_size = WholeNumber(f"Changes per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).", minimum=1,
                            maximum=MAX_PAGE_SIZE, invalid=PAGE_SIZE_MESSAGE)
    type = Choice("Only changes to this type of record.", choices=RECORD_TYPES,
                  invalid=f"Unknown record type. Use one of: {', '.join(RECORD_TYPES)}.")
    format = Choice("Only `json`: the feed has no CSV.", choices=["json"], invalid="The change feed is json.")


# --- one parse per request ---------------------------------------------------------------------

def parse_list(request, serializer_class, filterset_class):
    """A list's parameters and its FilterSet, validated together: (cleaned data, filterset, ordering)."""
    query = request.query_params
    filterset = filterset_class(query, request=request)
    form = ListParameters(query, serializer_class)
    errors = {**filterset.errors, **form.errors}
    ordering = keyset_ordering(filterset)
    cursor = form.cleaned_data.get("cursor")
    if cursor and ordering is not None:  # a cursor is read in its list's ordering
        try:
            decode_cursor(cursor, filterset._meta.model, ordering)
        except InvalidCursor as error:
            errors["cursor"] = [str(error)]
    errors.update(presence_errors(query, set(form.fields) | set(filterset.filters), set(filterset.base_filters)))
    raise_if(errors)
    return form.cleaned_data, filterset, ordering


def parse_record(request, serializer_class):
    form = RecordParameters(request.query_params, serializer_class)
    raise_if({**form.errors, **presence_errors(request.query_params, set(form.fields))})
    return form.cleaned_data


def parse_changes(request):
    form = ChangeParameters(request.query_params)
    raise_if({**form.errors, **presence_errors(request.query_params, set(form.fields))})
    return form.cleaned_data


def presence_errors(query, allowed, in_aliases=()):
    """Unknown parameters and empty values are errors: an API client never means them (the schema
    says so with minLength / patterns). The pages, whose forms send empty fields, ignore them.
    ``name__in=a,b`` is allowed for the names in ``in_aliases`` (a list's filters)."""
    errors = {}
    for name in query:
        base = name.removesuffix("__in")
        if name not in allowed and (base == name or base not in in_aliases):
            errors[name] = [UNKNOWN_MESSAGE]
        elif "" in query.getlist(name):
            errors[name] = [EMPTY_MESSAGE]
    return errors


def raise_if(errors):
    if errors:
        raise ParameterError({name: [str(message) for message in messages] for name, messages in errors.items()})


def keyset_ordering(filterset):
    """The ordering the list is paged in, or None when ``ordering`` itself is bad."""
    if "ordering" in filterset.errors:
        return None
    if not filterset.errors:
        return filterset.keyset_ordering
    # other filters are bad: still read the cursor
    return filterset.ordering_of(filterset.form.cleaned_data.get("ordering"))


# --- the same declarations, for the OpenAPI document and the guide --------------------------------

KINDS = [ListParameters, RecordParameters, ChangeParameters]


def openapi_parameters(form_class):
    from drf_spectacular.utils import OpenApiParameter

    return [OpenApiParameter(name, field.schema, description=field.help_text)
            for name, field in form_class.base_fields.items()]


def parameter_table():
    """The guide's table: (kinds, rows), each row (name, [what it does on each kind, or None])."""
    texts = [{name: field.help_text for name, field in form_class.base_fields.items()} for form_class in KINDS]
    texts[0].update(FILTERSET_SHARED)
    names = list(dict.fromkeys(name for kind in texts for name in kind))
    return [form_class.kind for form_class in KINDS], [(name, [kind.get(name) for kind in texts]) for name in names]
