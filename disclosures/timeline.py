"""What designations, testing disclosures and events put on the timeline (registry/timeline.py), registered in
disclosures/apps.py. A designation's dated legal steps concern its vendor, its issuing agency and the agreements
it affects; testing concerns the agency, the vendors and the agreements; an event concerns the public records it
is linked to and, through them, what they concern (the vendors and agencies of a linked agreement, designation
or testing), as ``EventQuerySet.with_vendor`` and ``with_agency`` read them."""

from collections import defaultdict

from contracts.models import Agency, Agreement, AgreementAgency, AgreementParty, ClassifiedAddendumMarker, PublicTerm, Vendor
from contracts.timeline import facts_of, labels
from disclosures.models import Designation, Event, EventLink, TestingDisclosure, TestingDisclosureVendor
from registry import timeline
from registry.timeline import Fact

DESIGNATION_KINDS = {
    "designation.announced": ("announced", "Designation announced"),
    "designation.determined": ("determined", "Designation determined"),
    "designation.noticed": ("noticed", "Designation notice to the vendor"),
    "designation.effective": ("effective", "Designation took effect"),
    "designation.ended": ("ended", "Designation ended"),
}
TESTING_KINDS = {
    "testing-disclosure.tested_from": ("tested_start", "Testing began"),
    "testing-disclosure.tested_to": ("tested_end", "Testing ended"),
    "testing-disclosure.disclosed": ("disclosed", "Testing disclosed"),
}
# An event's kind is its own kind: "event.court_order" reads "Court order".
EVENT_KINDS = {f"event.{value}": label for value, label in Event.Kind.choices}
EVENT_KINDS["event.other"] = "Other event"


def designation_facts(queryset):
    for designation in queryset.prefetch_related("affected"):
        subjects = {("vendor", designation.vendor_id), ("agency", designation.issuing_agency_id),
                    *(("agreement", link.agreement_id) for link in designation.affected.all())}
        yield from facts_of(designation, DESIGNATION_KINDS, subjects)


def testing_facts(queryset):
    for disclosure in queryset.prefetch_related("vendor_links", "agreement_links"):
        subjects = {("agency", disclosure.agency_id),
                    *(("vendor", link.vendor_id) for link in disclosure.vendor_links.all()),
                    *(("agreement", link.agreement_id) for link in disclosure.agreement_links.all())}
        yield from facts_of(disclosure, TESTING_KINDS, subjects)


def event_facts(queryset):
    """Each event on its date, concerning its linked public records and what they concern: a few queries for
    the whole batch (the links, then the parties and agencies of the linked agreements and the vendors of the
    linked testing)."""
    events = list(queryset)
    links = list(EventLink.objects.to_public_targets().filter(event__in=events)
                 .select_related("designation", "testing_disclosure"))
    agreements = {link.agreement_id for link in links if link.agreement_id}
    disclosures = {link.testing_disclosure_id for link in links if link.testing_disclosure_id}
    around = defaultdict(set)  # (type, id) of a linked record -> what else it concerns
    if agreements:
        for agreement_id, vendor_id in AgreementParty.objects.filter(agreement__in=agreements).values_list(
                "agreement_id", "vendor_id"):
            around["agreement", agreement_id].add(("vendor", vendor_id))
        for agreement_id, agency_id in AgreementAgency.objects.filter(agreement__in=agreements).values_list(
                "agreement_id", "agency_id"):
            around["agreement", agreement_id].add(("agency", agency_id))
        for agreement_id, agency_id in Agreement.objects.filter(pk__in=agreements).values_list(
                "pk", "awarding_agency_id"):
            around["agreement", agreement_id].add(("agency", agency_id))
    if disclosures:
        for disclosure_id, vendor_id in TestingDisclosureVendor.objects.filter(disclosure__in=disclosures).values_list(
                "disclosure_id", "vendor_id"):
            around["testing-disclosure", disclosure_id].add(("vendor", vendor_id))
    subjects = defaultdict(set)
    for link in links:
        target = link_target(link)
        if target is None:
            continue
        subjects[link.event_id] |= {target, *around[target]}
        if link.designation_id:
            subjects[link.event_id] |= {("vendor", link.designation.vendor_id),
                                        ("agency", link.designation.issuing_agency_id)}
        if link.testing_disclosure_id:
            subjects[link.event_id].add(("agency", link.testing_disclosure.agency_id))
    for event in events:
        if event.occurred is not None:
            yield Fact(event, f"event.{event.kind}", event.occurred, frozenset(subjects[event.pk]))


# The record type of each kind of link target (a linked event is not a subject: it has its own entry).
LINK_TYPES = {"agency": "agency", "vendor": "vendor", "agreement": "agreement", "term": "term",
              "addendum_marker": "addendum-marker", "designation": "designation",
              "testing_disclosure": "testing-disclosure"}


def link_target(link):
    for name, record_type in LINK_TYPES.items():
        pk = getattr(link, f"{name}_id")
        if pk is not None:
            return record_type, pk
    return None


def linked_events(field):
    """The events linked to records through ``field`` of EventLink, whatever their visibility: when such a
    record changes (its parties, its publication), the events' subjects are written again."""
    def dependents(pks):
        return {Event: list(EventLink.objects.filter(**{f"{field}__in": pks}).values_list("event_id", flat=True)
                            .distinct())}
    return dependents


def register():
    timeline.add_producer(Designation, designation_facts, labels(DESIGNATION_KINDS))
    timeline.add_producer(TestingDisclosure, testing_facts, labels(TESTING_KINDS))
    timeline.add_producer(Event, event_facts, EVENT_KINDS)
    for model, field in ((Agreement, "agreement"), (Designation, "designation"),
                         (TestingDisclosure, "testing_disclosure"), (Vendor, "vendor"), (Agency, "agency"),
                         (PublicTerm, "term"), (ClassifiedAddendumMarker, "addendum_marker")):
        timeline.add_dependents(model, linked_events(field))
    timeline.show_on("designation")
    timeline.show_on("testing-disclosure")


def filter_designation(queryset, name, value):
    return queryset.concerning("designation", [designation.pk for designation in value]) if value else queryset
