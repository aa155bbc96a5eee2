"""CSV: one column definition per record type serves the page CSV, the API's ?format=csv and the
bulk CSV (with its datapackage.json). UTF-8, a header row, RFC 4180 quoting (commas, quotes and
newlines survive).

This module holds the machinery (``Column``, ``Export``, the column factories, streaming) and the
core's own columns (sources); each app defines its types' columns in ``<app>/exports.py`` and
registers them with its record types (``interchange.register(..., csv=...)``).

Every column has a type (a Frictionless Table Schema type: string, integer, number, boolean, date,
datetime), worked out from the model field it reads unless the column says it. Two rules follow
from the types (docs/data.md):
- text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return) get a ``'`` prefix, in string columns only: numbers, dates and booleans
  are never altered;
- ``url`` is the record's API address and ``html_url`` its page, both absolute, as in the API.
"""

import csv
import inspect
import re
from dataclasses import dataclass, replace
from functools import cached_property

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.text import slugify

from registry.fields import MoneyAccessor, PartialDateAccessor
from registry.interchange import by_name
from registry.models import Citation, Confidence, Source

CHUNK_SIZE = 500
API_VERSION = settings.REST_FRAMEWORK["DEFAULT_VERSION"]  # the API addresses in the CSV: /api/v1/…

# What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PARTIAL_DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"


def neutralise(text):
    """A text cell a spreadsheet would run as a formula, made inert by a leading apostrophe
    (``=HYPERLINK(…)`` -> ``'=HYPERLINK(…)``). Readers of the CSV strip one leading ``'`` from such cells."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, how to read a record's cell (``read(record) -> str``) and what the
    datapackage.json says of it. ``source`` names the model attribute it reads: the type, the allowed
    values and the description come from that field unless given."""

    header: str
    read: object = None  # record -> str; None for the record's own addresses (``address``)
    type: str = ""  # Table Schema type; "" = from the model field
    source: str = ""  # the model attribute it reads
    description: str = ""
    pattern: str = ""
    enum: tuple = ()
    references: str = ""  # the record type whose slug the column holds (one slug per cell): a foreign key
    required: bool = False
    address: str = ""  # "api" or "page": the record's own absolute address

    @property
    def is_text(self):
        return self.type == "string" and not self.pattern and not self.enum and not self.references

    def table_schema_field(self):
        described = {"name": self.header, "type": self.type, "description": self.description}
        if self.address:
            described["format"] = "uri"
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            described["constraints"] = constraints
        return described


# --- column factories: Column(header, reader, source=…) for the usual kinds of cell -------------

def field(attribute, header=None, **details):
    """A model field as it is: text, a number, a date ("2025-07-14"), a boolean ("true"/"false"),
    a list ("a; b")."""
    def read(record):
        value = getattr(record, attribute)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return Column(header or attribute, read, source=attribute, **details)


def partial(attribute, header=None, **details):
    """A partial date, ISO 8601 reduced precision: "2025", "2025-07" or "2025-07-14"."""
    def read(record):
        value = getattr(record, attribute)
        return value.isoformat() if value else ""
    return Column(header or attribute, read, type="string", source=attribute, pattern=PARTIAL_DATE_PATTERN, **details)


def amount(attribute, header=None, **details):
    """A money field's amount (decimal, two places); empty when undisclosed, never 0."""
    def read(record):
        value = getattr(record, attribute)
        return "" if value is None else f"{value.amount:.2f}"
    return Column(header or f"{attribute}_amount", read, type="number", source=attribute, **details)


def currency_of(attribute, header=None, **details):
    """The currency of a money field, empty when the amount is: a bare "USD" beside no amount would read as
    an amount of unknown size."""
    def read(record):
        value = getattr(record, attribute)
        return "" if value is None else value.currency
    return Column(header or f"{attribute}_currency", read, type="string", pattern="[A-Z]{3}",
                  description=details.pop("description", f"The ISO 4217 currency of {attribute}_amount."), **details)


def slug_of(attribute, header=None, **details):
    """The slug of a referenced record (a foreign key to that type's file)."""
    def read(record):
        related = getattr(record, attribute)
        return related.slug if related else ""
    return Column(header or attribute, read, type="string", source=attribute, **details)


def field_confidence(name, header=None):
    """The confidence the research gives one field apart from its record ('' when it gives none)."""
    def read(record):
        return (record.field_confidence or {}).get(name, "")
    return Column(header or f"{name}_confidence", read, type="string", enum=tuple(Confidence.values),
                  description=f"The confidence of {name} when rated apart from the record's own (empty when not).")


def linked(attribute, target, header, **details):
    """The slugs of the records behind a record's links, "; " between them: ``linked("vendor_links", "vendor", …)``."""
    def read(record):
        return "; ".join(getattr(link, target).slug for link in getattr(record, attribute).all())
    return Column(header, read, type="string", **details)


def source_urls(record):
    """Each source's address once, in citation order (a source quoted three times is one source)."""
    return "; ".join(dict.fromkeys(citation.source.url for citation in record.citations.all()))


# --- resolving a column's type from the model ---------------------------------------------------

TYPES_OF_FIELDS = (
    (models.BooleanField, "boolean"), (models.DateTimeField, "datetime"), (models.DateField, "date"),
    (models.DecimalField, "number"), (models.FloatField, "number"), (models.IntegerField, "integer"),
)


def model_field(model, attribute):
    """The model field behind an attribute (a partial date's date column, a money's amount), or None."""
    accessor = inspect.getattr_static(model, attribute, None)
    if isinstance(accessor, PartialDateAccessor):
        attribute = accessor.field
    elif isinstance(accessor, MoneyAccessor):
        attribute = accessor.amount
    try:
        return model._meta.get_field(attribute)
    except FieldDoesNotExist:  # a property (lag_open…): typed by its column
        return None


def resolved(column, model):
    """The column with its type, description, allowed values and reference filled in from the model."""
    found = model_field(model, column.source) if column.source else None
    changes = {}
    if not column.type:
        kind = next((t for cls, t in TYPES_OF_FIELDS if isinstance(found, cls)), "string")
        changes["type"] = kind
    if not column.description:
        text = str(getattr(found, "help_text", "") or "") or column.header.replace("_", " ").capitalize() + "."
        if column.pattern == PARTIAL_DATE_PATTERN:  # the help text speaks of the stored first day of the period
            text = text.split(". ")[0].rstrip(".") + ". A partial date: YYYY, YYYY-MM or YYYY-MM-DD."
        changes["description"] = text
    if found is not None and found.is_relation and getattr(found.related_model, "record_type", None) and not column.references:
        changes["references"] = found.related_model.record_type
    if found is not None and found.choices and not column.enum and not found.is_relation:
        changes["enum"] = tuple(value for value, _ in found.flatchoices if value != "")
    return replace(column, **changes)


# --- an export: the columns of one type --------------------------------------------------------

class Addresses:
    """The absolute addresses of records: from the request for the page and API CSVs, from SITE_URL for the bulk."""

    SLUG_MARK = "0slug0"  # reversed once per type in place of the slug: a row's address is then two concatenations

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.parts = {}

    @classmethod
    def of_request(cls, request):
        return cls(request.build_absolute_uri("/"))

    def api(self, record):
        return self.address("api", record)

    def page(self, record):
        return self.address("page", record)

    def address(self, kind, record):
        parts = self.parts.get((kind, record.record_type))
        if parts is None:
            name, kwargs = f"{record.record_type}-detail", {"slug": self.SLUG_MARK}
            path = reverse(f"api:{name}", kwargs={"version": API_VERSION, **kwargs}) if kind == "api" \
                else reverse(name, kwargs=kwargs)
            parts = self.parts[(kind, record.record_type)] = tuple((self.base + path).split(self.SLUG_MARK, 1))
        return parts[0] + record.slug + parts[1]


@dataclass(frozen=True, eq=False)
class Export:
    model: type
    columns: tuple  # of Column
    select_related: tuple = ()
    prefetch_related: tuple = ()

    @cached_property
    def fields(self):
        """The columns with their types resolved from the model."""
        return tuple(resolved(column, self.model) for column in self.columns)

    def prepare(self, queryset):
        return queryset.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def headers(self):
        return [column.header for column in self.columns]

    def row(self, record, addresses):
        cells = []
        for column in self.fields:
            if column.address:
                cells.append(getattr(addresses, column.address)(record))
                continue
            value = column.read(record)
            cells.append(neutralise(value) if column.is_text else value)
        return cells


def addresses_of(kind):
    return Column("url" if kind == "api" else "html_url", type="string", required=True, address=kind,
                  description="This record in the API (absolute)." if kind == "api"
                  else "This record's page on the site (absolute).")


COMMON_HEAD = (Column("slug", field("slug").read, type="string", source="slug", required=True,
                      description="The record's stable identifier, unique within its type; never reused."),
               addresses_of("api"), addresses_of("page"))
COMMON_TAIL = (
    field("confidence"),
    field("last_verified_on"),
    field("updated_at"),
    field("retracted_at"),
    field("retraction_reason"),
)
CITED_TAIL = (Column("source_urls", source_urls, type="string",
                     description="The web addresses of the record's sources, once each, in citation order, "
                                 "\"; \" between them."),
              *COMMON_TAIL)
# A record's citations with just their source's address (what source_urls reads), in citation order.
CITATIONS = (models.Prefetch("citations", queryset=Citation.objects.select_related("source").only(
    "id", "target_type_id", "target_id", "position", "source__id", "source__url").order_by("position", "id")),)


def export_for(record_type):
    return by_name(record_type).csv


class Echo:
    """A file-like object whose write returns what it was given, for streaming csv.writer rows."""

    def write(self, value):
        return value


def stream_rows(export, queryset, addresses):
    writer = csv.writer(Echo())  # RFC 4180: QUOTE_MINIMAL, CRLF line endings
    yield writer.writerow(export.headers())
    for record in export.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(export.row(record, addresses))


# The longest file name a page's CSV gets (before ".csv"): filters past it are cut at a word, the date kept.
FILENAME_LIMIT = 120


def csv_filename(kind, filters, day):
    """A file name that says what the CSV holds: ``agreements-vendor-anthropic-status-active-2026-12-06.csv``.
    ``kind``: the plural; ``filters``: [(parameter, [values])] as in the query; ``day``: a date. Only a-z, 0-9
    and hyphens; the filters are cut (at a hyphen, marked "-etc") to keep the name within FILENAME_LIMIT."""
    words = [slugify(f"{name} {' '.join(values)}".replace("_", " ")) for name, values in filters]
    described = re.sub("-+", "-", "-".join(word for word in words if word)).strip("-")
    head, tail = slugify(kind.replace("_", "-")) or "records", day.isoformat()
    room = FILENAME_LIMIT - len(head) - len(tail) - 2
    if len(described) > room:
        described = described[:max(room - 4, 0)].rsplit("-", 1)[0].strip("-") + "-etc"
    return "-".join(part for part in (head, described.strip("-"), tail) if part) + ".csv"


def csv_response(record_type, queryset, filename, request):
    export = export_for(record_type)
    rows = stream_rows(export, queryset, Addresses.of_request(request))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SOURCE_COLUMNS = Export(Source, (
    *COMMON_HEAD, field("url", "source_url", description="The address the registry read (normalised)."),
    field("canonical_url"), field("archived_url"), field("title"),
    field("title_reconstructed"), field("publisher"),
    partial("published"), field("kind"), field("tier"),
    field("tier_reason"), field("verified"),
    field("accessed_on"), *COMMON_TAIL,
))
