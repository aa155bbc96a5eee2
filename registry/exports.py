"""CSV: one column definition per record type serves the page CSV, the API's ?format=csv and the
bulk CSV. UTF-8, a header row, RFC 4180 quoting (commas, quotes and newlines survive).

This module holds the machinery (``Export``, the column readers, streaming) and the core's own
columns (sources); each app defines its types' columns in ``<app>/exports.py`` and registers them
with its record types (``interchange.register(..., csv=...)``).
"""

import csv
import re
from dataclasses import dataclass

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from registry.interchange import by_name

CHUNK_SIZE = 500


def partial(attribute):
    def read(record):
        value = getattr(record, attribute)
        return value.isoformat() if value else ""
    return read


def amount(attribute):
    def read(record):
        value = getattr(record, attribute)
        return "" if value is None else f"{value.amount:.2f}"
    return read


def currency_of(attribute):
    """The currency of a money field, empty when the amount is: a bare "USD" beside no amount would read as
    an amount of unknown size."""
    def read(record):
        value = getattr(record, attribute)
        return "" if value is None else value.currency
    return read


def slug_of(attribute):
    def read(record):
        related = getattr(record, attribute)
        return related.slug if related else ""
    return read


def field(attribute):
    def read(record):
        value = getattr(record, attribute)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return read


def field_confidence(name):
    """The confidence the research gives one field apart from its record ('' when it gives none)."""
    def read(record):
        return (record.field_confidence or {}).get(name, "")
    return read


def source_urls(record):
    """Each source's address once, in citation order (a source quoted three times is one source)."""
    return "; ".join(dict.fromkeys(citation.source.url for citation in record.citations.all()))


@dataclass(frozen=True)
class Export:
    columns: tuple  # (header, reader)
    select_related: tuple = ()
    prefetch_related: tuple = ()

    def prepare(self, queryset):
        return queryset.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def headers(self):
        return [header for header, _ in self.columns]

    def row(self, record):
        return [reader(record) for _, reader in self.columns]


COMMON_HEAD = (("slug", field("slug")),)
COMMON_TAIL = (
    ("confidence", field("confidence")),
    ("last_verified_on", field("last_verified_on")),
    ("updated_at", field("updated_at")),
    ("retracted_at", field("retracted_at")),
    ("retraction_reason", field("retraction_reason")),
)
CITED_TAIL = (("source_urls", source_urls), *COMMON_TAIL)
CITATIONS = ("citations__source",)

def linked(attribute, target):
    """The slugs of the records behind a record's links: ``linked("vendor_links", "vendor")``."""
    def read(record):
        return "; ".join(getattr(link, target).slug for link in getattr(record, attribute).all())
    return read


def export_for(record_type):
    return by_name(record_type).csv


class Echo:
    """A file-like object whose write returns what it was given, for streaming csv.writer rows."""

    def write(self, value):
        return value


def stream_rows(export, queryset):
    writer = csv.writer(Echo())  # RFC 4180: QUOTE_MINIMAL, CRLF line endings
    yield writer.writerow(export.headers())
    for record in export.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(export.row(record))


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


def csv_response(record_type, queryset, filename):
    export = export_for(record_type)
    response = StreamingHttpResponse(stream_rows(export, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SOURCE_COLUMNS = Export((
    *COMMON_HEAD, ("url", field("url")), ("canonical_url", field("canonical_url")),
    ("archived_url", field("archived_url")), ("title", field("title")),
    ("title_reconstructed", field("title_reconstructed")), ("publisher", field("publisher")),
    ("published", partial("published")), ("kind", field("kind")), ("tier", field("tier")),
    ("tier_reason", field("tier_reason")), ("verified", field("verified")),
    ("accessed_on", field("accessed_on")), *COMMON_TAIL,
))
