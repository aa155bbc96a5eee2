"""The facets of the disclosures lists (registry/facets.py), with the meaning each FilterSet's filter gives:
an agency includes its sub-agencies; an event meets a vendor or an agency through any record it links."""

from contracts.facets import AGENCY
from contracts.models import Agreement, Vendor
from disclosures.models import Designation, EventLink, TestingDisclosure, TestingDisclosureAgreement, TestingDisclosureVendor
from registry.facets import Facet, own, pairs


def event_links(*paths):
    def links(ids):
        linked = EventLink.objects.filter(event__in=ids)
        return [pairs(linked, "event", path) for path in paths]
    return links


DESIGNATION_FACETS = (
    Facet("vendor", links=own(Designation, "vendor"), model=Vendor),
    Facet("issuing_agency", links=own(Designation, "issuing_agency"), tree="and_below", **AGENCY),
    "kind", "status", "confidence",
)

TESTING_FACETS = (
    Facet("agency", links=own(TestingDisclosure, "agency"), tree="and_below", **AGENCY),
    Facet("vendor", model=Vendor, links=lambda ids: [
        pairs(TestingDisclosureVendor.objects.filter(disclosure__in=ids), "disclosure", "vendor")]),
    Facet("agreement", model=Agreement, label_fields=("title",), links=lambda ids: [
        pairs(TestingDisclosureAgreement.objects.filter(disclosure__in=ids), "disclosure", "agreement")]),
    "test_kind", "channel", "confirmed", "confidence",
)

EVENT_FACETS = (
    "kind",
    Facet("vendor", model=Vendor, links=event_links(
        "vendor", "agreement__parties__vendor", "designation__vendor", "testing_disclosure__vendor_links__vendor")),
    Facet("agency", tree="and_below", **AGENCY, links=event_links(
        "agency", "agreement__awarding_agency", "agreement__participating__agency", "designation__issuing_agency",
        "testing_disclosure__agency")),
    Facet("agreement", links=event_links("agreement"), model=Agreement, label_fields=("title",)),
    Facet("designation", links=event_links("designation"), model=Designation, label_fields=("title",)),
    "confidence",
)
