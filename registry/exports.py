"""One CSV column definition per record type: the page CSV, the API's ?format=csv and the bulk
CSV all use it. UTF-8, a header row, RFC 4180 quoting (commas, quotes and newlines survive)."""

import csv
from dataclasses import dataclass

from django.http import StreamingHttpResponse

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


def source_urls(record):
    return "; ".join(citation.source.url for citation in record.citations.all())


@dataclass(frozen=True)
class Export:
    record_type: str
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

EXPORTS = {}


def register(export):
    EXPORTS[export.record_type] = export
    return export


def export_for(record_type):
    return EXPORTS[record_type]


class Echo:
    """A file-like object whose write returns what it was given, for streaming csv.writer rows."""

    def write(self, value):
        return value


def stream_rows(export, queryset):
    writer = csv.writer(Echo())  # RFC 4180: QUOTE_MINIMAL, CRLF line endings
    yield writer.writerow(export.headers())
    for record in export.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(export.row(record))


def csv_response(record_type, queryset, filename):
    export = export_for(record_type)
    response = StreamingHttpResponse(stream_rows(export, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def parties(record):
    return "; ".join(f"{party.vendor.slug} ({party.role})" for party in record.parties.all())


def participating(record):
    return "; ".join(link.agency.slug for link in record.participating.all())


def linked(attribute, target):
    def read(record):
        return "; ".join(getattr(link, target).slug for link in getattr(record, attribute).all())
    return read


def event_links(record):
    return "; ".join(f"{link.role}:{type(link.target).record_type}:{link.target.slug}" for link in record.links.all())


register(Export("source", (
    *COMMON_HEAD, ("url", field("url")), ("canonical_url", field("canonical_url")),
    ("archived_url", field("archived_url")), ("title", field("title")),
    ("title_reconstructed", field("title_reconstructed")), ("publisher", field("publisher")),
    ("published", partial("published")), ("kind", field("kind")), ("verified", field("verified")),
    ("accessed_on", field("accessed_on")), *COMMON_TAIL,
)))

register(Export("agency", (
    *COMMON_HEAD, ("name", field("name")), ("acronym", field("acronym")), ("aliases", field("aliases")),
    ("kind", field("kind")), ("parent", slug_of("parent")), ("country", field("country")),
    ("website", field("website")), *CITED_TAIL,
), select_related=("parent",), prefetch_related=CITATIONS))

register(Export("vendor", (
    *COMMON_HEAD, ("name", field("name")), ("aliases", field("aliases")), ("kind", field("kind")),
    ("website", field("website")), ("country", field("country")), ("uei", field("uei")),
    ("cage_code", field("cage_code")), *CITED_TAIL,
), prefetch_related=CITATIONS))

register(Export("agreement", (
    *COMMON_HEAD, ("title", field("title")), ("awarding_agency", slug_of("awarding_agency")),
    ("participating_agencies", participating), ("vendors", parties), ("vehicle", field("vehicle")),
    ("vehicle_note", field("vehicle_note")), ("parent", slug_of("parent")), ("piid", field("piid")),
    ("usaspending_award_id", field("usaspending_award_id")), ("federal_data_status", field("federal_data_status")),
    ("announced", partial("announced")), ("awarded", partial("awarded")), ("start", partial("start")),
    ("end", partial("end")), ("ceiling_amount", amount("ceiling")), ("ceiling_currency", field("ceiling_currency")),
    ("obligated_amount", amount("obligated")), ("obligated_currency", field("obligated_currency")),
    ("value_note", field("value_note")), ("status", field("status")), ("status_note", field("status_note")),
    ("terms_disclosure", field("terms_disclosure")), ("summary", field("summary")), *CITED_TAIL,
), select_related=("awarding_agency", "parent"),
   prefetch_related=("parties__vendor", "participating__agency", *CITATIONS)))

register(Export("term", (
    *COMMON_HEAD, ("title", field("title")), ("agreement", slug_of("agreement")), ("agency", slug_of("agency")),
    ("vendor", slug_of("vendor")), ("category", field("category")), ("effect", field("effect")),
    ("text", field("text")), ("text_form", field("text_form")), ("binding", field("binding")),
    ("status", field("status")), ("effective", partial("effective")), ("supersedes", slug_of("supersedes")),
    *CITED_TAIL,
), select_related=("agreement", "agency", "vendor", "supersedes"), prefetch_related=CITATIONS))

register(Export("addendum-marker", (
    *COMMON_HEAD, ("title", field("title")), ("agreement", slug_of("agreement")), ("existence", field("existence")),
    ("classification", field("classification")), ("described_subject", field("described_subject")),
    ("known_since", partial("known")), *CITED_TAIL,
), select_related=("agreement",), prefetch_related=CITATIONS))

register(Export("designation", (
    *COMMON_HEAD, ("title", field("title")), ("vendor", slug_of("vendor")),
    ("issuing_agency", slug_of("issuing_agency")), ("issuing_official", field("issuing_official")),
    ("kind", field("kind")), ("authority_cited", field("authority_cited")), ("status", field("status")),
    ("status_note", field("status_note")), ("announced", partial("announced")),
    ("determined", partial("determined")), ("noticed", partial("noticed")), ("effective", partial("effective")),
    ("ended", partial("ended")), ("scope", field("scope")), ("public_reason", field("public_reason")),
    ("affected_agreements", linked("affected", "agreement")), *CITED_TAIL,
), select_related=("vendor", "issuing_agency"), prefetch_related=("affected__agreement", *CITATIONS)))

register(Export("testing-disclosure", (
    *COMMON_HEAD, ("title", field("title")), ("agency", slug_of("agency")),
    ("vendors", linked("vendor_links", "vendor")), ("agreements", linked("agreement_links", "agreement")),
    ("models_tested", field("models_tested")), ("model_version", field("model_version")),
    ("test_kind", field("test_kind")), ("tested_from", partial("tested_start")), ("tested_to", partial("tested_end")),
    ("disclosed", partial("disclosed")), ("channel", field("channel")),
    ("confirmed_by_agency", field("confirmed_by_agency")), ("summary", field("summary")), *CITED_TAIL,
), select_related=("agency",), prefetch_related=("vendor_links__vendor", "agreement_links__agreement", *CITATIONS)))

register(Export("event", (
    *COMMON_HEAD, ("title", field("title")), ("kind", field("kind")), ("occurred", partial("occurred")),
    ("court", field("court")), ("case_number", field("case_number")), ("docket_url", field("docket_url")),
    ("links", event_links), ("summary", field("summary")), *CITED_TAIL,
), prefetch_related=("links__agency", "links__vendor", "links__agreement", "links__term", "links__addendum_marker",
                     "links__designation", "links__testing_disclosure", "links__related_event", *CITATIONS)))
