"""Pages for designations, testing disclosures and events."""

import datetime

from django.db.models import Prefetch

from contracts.views import CITATIONS
from disclosures import facets, filters
from disclosures.models import (
    DesignationAgreement,
    DesignationRelation,
    EventLink,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from disclosures.services import disclosure_lag
from registry.pages import RecordCsvView, RecordDetailView, RecordListView


def chronological(events):
    """Events oldest first (same day: in the order recorded), each once; undated last."""
    return sorted(set(events), key=lambda e: (e.occurred_on is None, e.occurred_on or datetime.date.min, e.id))


def kind_of(record):
    """'Agreement', 'Public term', 'Classified addendum marker'…"""
    return record._meta.verbose_name.capitalize()


# --- designations ----------------------------------------------------------------------------

class DesignationList(RecordListView):
    record_type = "designation"
    filterset_class = filters.DesignationFilterSet
    facets = facets.DESIGNATION_FACETS
    template_name = "disclosures/designation_list.html"
    select_related = ("vendor", "issuing_agency")


class DesignationCsv(DesignationList, RecordCsvView):
    pass


class DesignationDetail(RecordDetailView):
    record_type = "designation"
    template_name = "disclosures/designation_detail.html"
    select_related = ("vendor", "issuing_agency")
    prefetch_related = (
        Prefetch("affected", queryset=DesignationAgreement.objects.to_public("agreement", "agreement__awarding_agency")
                 .order_by("id")),
        Prefetch("event_links", queryset=EventLink.objects.to_public("event")),
        Prefetch("related_links", queryset=DesignationRelation.objects.to_public("related").order_by("id")),
        Prefetch("related_from", queryset=DesignationRelation.objects.to_public("designation").order_by("id")),
        CITATIONS,
    )

    def extra_context(self, record):
        """Related designations from both sides of the relation, and the legal history of the whole matter:
        this designation's events and those of its related designations (one query), each marked with the
        related designation it came from when it is not linked to this one."""
        related = list({d.pk: d for d in [*(link.related for link in record.related_links.all()),
                                          *(link.designation for link in record.related_from.all())]}.values())
        own = [link.event for link in record.event_links.all()]
        via = {}
        if related:
            for link in (EventLink.objects.to_public("event", "designation").filter(designation__in=related)
                         .order_by("id")):
                via.setdefault(link.event, []).append(link.designation)
        own_ids = {event.pk for event in own}
        events = chronological([*own, *via])
        for event in events:
            event.via_related = [] if event.pk in own_ids else unique_by_pk(via.get(event, []))
        return {
            "affected_agreements": list(record.affected.all()),
            "related_designations": related,
            "events": events,
        }


def unique_by_pk(records):
    return list({record.pk: record for record in records}.values())


# --- testing disclosures ---------------------------------------------------------------------

class TestingDisclosureList(RecordListView):
    record_type = "testing-disclosure"
    filterset_class = filters.TestingDisclosureFilterSet
    facets = facets.TESTING_FACETS
    template_name = "disclosures/testing_list.html"
    select_related = ("agency",)
    prefetch_related = (Prefetch("vendor_links", queryset=TestingDisclosureVendor.objects.to_public("vendor")
                                 .order_by("vendor__name", "id")),)

    def extra_context(self, page):
        for disclosure in page.items if page else ():
            disclosure.lag = disclosure_lag(disclosure)
        return {}


class TestingDisclosureCsv(TestingDisclosureList, RecordCsvView):
    pass


class TestingDisclosureDetail(RecordDetailView):
    record_type = "testing-disclosure"
    template_name = "disclosures/testing_detail.html"
    select_related = ("agency",)
    prefetch_related = (
        Prefetch("vendor_links", queryset=TestingDisclosureVendor.objects.to_public("vendor").order_by("vendor__name", "id")),
        Prefetch("agreement_links", queryset=TestingDisclosureAgreement.objects.to_public(
            "agreement", "agreement__awarding_agency").order_by("id")),
        CITATIONS,
    )

    def extra_context(self, record):
        # Its events timeline comes from disclosures/pages.py, as on every record page.
        return {
            "lag": disclosure_lag(record),
            "vendors": [link.vendor for link in record.vendor_links.all()],
            "agreements": [link.agreement for link in record.agreement_links.all()],
        }


# --- events -----------------------------------------------------------------------------------

class EventList(RecordListView):
    record_type = "event"
    filterset_class = filters.EventFilterSet
    facets = facets.EVENT_FACETS
    template_name = "disclosures/event_list.html"


class EventCsv(EventList, RecordCsvView):
    pass


class EventDetail(RecordDetailView):
    record_type = "event"
    template_name = "disclosures/event_detail.html"
    prefetch_related = (
        Prefetch("links", queryset=EventLink.objects.to_public_targets().select_related(*EventLink.TARGET_FIELDS)
                 .order_by("role", "id")),
        Prefetch("linked_from", queryset=EventLink.objects.to_public("event")),
        CITATIONS,
    )

    def extra_context(self, record):
        links = list(record.links.all())  # links to public records only: EventLinkQuerySet.to_public_targets
        groups = [(role.label, [(kind_of(link.target), link.target) for link in links if link.role == role])
                  for role in EventLink.Role]
        return {
            "links": links,
            "link_groups": [(label, targets) for label, targets in groups if targets],
            "linked_from": chronological(link.event for link in record.linked_from.all()),
        }

