"""CSV columns of designations, testing disclosures and events (registered with their record types
in disclosures/apps.py; the machinery is registry/exports.py)."""

from django.db.models import Prefetch

from disclosures.models import (
    Designation,
    DesignationAgreement,
    DesignationRelation,
    Event,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.exports import (
    CITATIONS,
    CITED_TAIL,
    COMMON_HEAD,
    Column,
    Export,
    field,
    field_confidence,
    linked,
    partial,
    slug_of,
)


def in_order(relation, model, *related):
    """A prefetch of links in the order they were written: these link models have no ordering of their own, and
    PostgreSQL returns rows in any order (the same file must come out of every database)."""
    return Prefetch(relation, queryset=model.objects.select_related(*related).order_by("id"))


def event_links(record):
    return "; ".join(f"{link.role}:{type(link.target).record_type}:{link.target.slug}" for link in record.links.all())


DESIGNATION_COLUMNS = Export(Designation, (
    *COMMON_HEAD, field("title"), slug_of("vendor"),
    slug_of("issuing_agency"), field("issuing_official"),
    field("kind"), field("authority_cited"), field("status"),
    field("status_note"), partial("announced"),
    partial("determined"), field_confidence("determined"),
    partial("noticed"), partial("effective"),
    partial("ended"), field("scope"), field("public_reason"),
    linked("affected", "agreement", "affected_agreements",
           description="The slugs of the agreements the designation affects, \"; \" between them."),
    linked("related_links", "related", "related_designations",
           description="The slugs of designations of the same matter (as written on this record's side), "
                       "\"; \" between them."),
    *CITED_TAIL,
), select_related=("vendor", "issuing_agency"), prefetch_related=(
    in_order("affected", DesignationAgreement, "agreement"),
    Prefetch("related_links", queryset=DesignationRelation.objects.to_public("related").order_by("id")), *CITATIONS))

TESTING_DISCLOSURE_COLUMNS = Export(TestingDisclosure, (
    *COMMON_HEAD, field("title"), slug_of("agency"),
    linked("vendor_links", "vendor", "vendors", description="The slugs of the vendors whose models were tested."),
    linked("agreement_links", "agreement", "agreements", description="The slugs of the agreements the testing was under."),
    field("models_tested"), field("model_version"),
    field("test_kind"), partial("tested_start", "tested_from"), partial("tested_end", "tested_to"),
    partial("disclosed"), field("lag_min_days"),
    field("lag_max_days"),
    field("lag_open", type="boolean", description="Whether the testing is not disclosed yet (the lag is still open)."),
    field("channel"),
    field("confirmed_by_agency"), field("summary"), *CITED_TAIL,
), select_related=("agency",), prefetch_related=(
    in_order("vendor_links", TestingDisclosureVendor, "vendor"),
    in_order("agreement_links", TestingDisclosureAgreement, "agreement"), *CITATIONS))

EVENT_COLUMNS = Export(Event, (
    *COMMON_HEAD, field("title"), field("kind"), partial("occurred"),
    field("court"), field("case_number"), field("docket_url"),
    Column("links", event_links, type="string",
           description="The records the event concerns as “role:type:slug”, \"; \" between them."),
    field("summary"), *CITED_TAIL,
), prefetch_related=("links__agency", "links__vendor", "links__agreement", "links__term", "links__addendum_marker",
                     "links__designation", "links__testing_disclosure", "links__related_event", *CITATIONS))
