"""CSV columns of designations, testing disclosures and events (registered with their record types
in disclosures/apps.py; the machinery is registry/exports.py)."""

from django.db.models import Prefetch

from disclosures.models import DesignationRelation
from registry.exports import CITATIONS, CITED_TAIL, COMMON_HEAD, Export, field, field_confidence, linked, partial, slug_of


def event_links(record):
    return "; ".join(f"{link.role}:{type(link.target).record_type}:{link.target.slug}" for link in record.links.all())


DESIGNATION_COLUMNS = Export((
    *COMMON_HEAD, ("title", field("title")), ("vendor", slug_of("vendor")),
    ("issuing_agency", slug_of("issuing_agency")), ("issuing_official", field("issuing_official")),
    ("kind", field("kind")), ("authority_cited", field("authority_cited")), ("status", field("status")),
    ("status_note", field("status_note")), ("announced", partial("announced")),
    ("determined", partial("determined")), ("determined_confidence", field_confidence("determined")),
    ("noticed", partial("noticed")), ("effective", partial("effective")),
    ("ended", partial("ended")), ("scope", field("scope")), ("public_reason", field("public_reason")),
    ("affected_agreements", linked("affected", "agreement")),
    ("related_designations", linked("related_links", "related")), *CITED_TAIL,
), select_related=("vendor", "issuing_agency"), prefetch_related=(
    "affected__agreement", Prefetch("related_links", queryset=DesignationRelation.objects.to_public("related")
                                    .order_by("id")), *CITATIONS))

TESTING_DISCLOSURE_COLUMNS = Export((
    *COMMON_HEAD, ("title", field("title")), ("agency", slug_of("agency")),
    ("vendors", linked("vendor_links", "vendor")), ("agreements", linked("agreement_links", "agreement")),
    ("models_tested", field("models_tested")), ("model_version", field("model_version")),
    ("test_kind", field("test_kind")), ("tested_from", partial("tested_start")), ("tested_to", partial("tested_end")),
    ("disclosed", partial("disclosed")), ("lag_min_days", field("lag_min_days")),
    ("lag_max_days", field("lag_max_days")), ("lag_open", field("lag_open")), ("channel", field("channel")),
    ("confirmed_by_agency", field("confirmed_by_agency")), ("summary", field("summary")), *CITED_TAIL,
), select_related=("agency",), prefetch_related=("vendor_links__vendor", "agreement_links__agreement", *CITATIONS))

EVENT_COLUMNS = Export((
    *COMMON_HEAD, ("title", field("title")), ("kind", field("kind")), ("occurred", partial("occurred")),
    ("court", field("court")), ("case_number", field("case_number")), ("docket_url", field("docket_url")),
    ("links", event_links), ("summary", field("summary")), *CITED_TAIL,
), prefetch_related=("links__agency", "links__vendor", "links__agreement", "links__term", "links__addendum_marker",
                     "links__designation", "links__testing_disclosure", "links__related_event", *CITATIONS))
