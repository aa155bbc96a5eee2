"""API responses for designations, testing disclosures and events."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import Agency, Vendor
from disclosures.models import (
    Designation,
    DesignationAgreement,
    DesignationRelation,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.api_serializers import (
    PartialDateReadField,
    RecordSerializer,
    ReferenceField,
    ReferenceListField,
    links_to,
    partial_columns,
    reference,
    reference_requirement,
)


class DesignationSerializer(RecordSerializer):
    vendor = ReferenceField(help_text="The vendor designated.")
    issuing_agency = ReferenceField(help_text="The agency that issued it.")
    affected_agreements = serializers.SerializerMethodField(help_text="Agreements affected, with a note each.")
    related_designations = ReferenceListField(source="related_links", target="related",
                                              help_text="Designations of the same matter (another statutory track).")
    announced = PartialDateReadField(help_text="When it was announced.")
    determined = PartialDateReadField(help_text="When the formal determination was made.")
    noticed = PartialDateReadField(help_text="When formal notice reached the vendor.")
    effective = PartialDateReadField(help_text="When it took effect.")
    ended = PartialDateReadField(help_text="When it ended.")

    requirements_map = {
        "vendor": reference_requirement("vendor", Vendor.objects.all()),
        "issuing_agency": reference_requirement("issuing_agency", Agency.objects.all()),
        "affected_agreements": ([], [Prefetch("affected", queryset=links_to(DesignationAgreement, "agreement"))]),
        "related_designations": ([], [Prefetch("related_links",
                                               queryset=links_to(DesignationRelation, "related"))]),
        **{name: partial_columns(f"{name}_on") for name in ("announced", "determined", "noticed", "effective", "ended")},
    }
    history_parts = {"affected": (DesignationAgreement, "designation_id"),
                     "related_links": (DesignationRelation, "designation_id")}

    class Meta:
        model = Designation
        fields = [*RecordSerializer.common_fields, "title", "vendor", "issuing_agency", "issuing_official", "kind",
                  "authority_cited", "status", "status_note", "announced", "determined", "noticed", "effective",
                  "ended", "scope", "public_reason", "affected_agreements", "related_designations", "citations"]

    def get_affected_agreements(self, designation) -> list[dict]:
        request = self.context.get("request")
        return [{"agreement": ref, "note": link.note} for link in designation.affected.all()
                if (ref := reference(link.agreement, request))]


LAG_SCHEMA = {
    "type": "object", "nullable": True, "required": ["min_days", "max_days", "open", "since"],
    "properties": {
        "min_days": {"type": "integer", "minimum": 0},
        "max_days": {"type": "integer", "minimum": 0, "nullable": True},
        "open": {"type": "boolean"},
        "since": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
    },
    "description": "The disclosure lag (disclosed minus tested-from) as a range of days given both precisions; "
                   "null when the start of testing is unknown. `open: true` while not disclosed: `max_days` is "
                   "null and `min_days` counts up to the day the record was last verified (0 if never), never "
                   "to today; count on from `since` (when testing began) for the lag so far.",
}


@extend_schema_field(LAG_SCHEMA)
class LagField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, disclosure):
        if disclosure.tested_from is None or disclosure.lag_min_days is None:
            return None
        return {"min_days": disclosure.lag_min_days, "max_days": disclosure.lag_max_days,
                "open": disclosure.lag_open, "since": disclosure.tested_start.isoformat()}


class TestingDisclosureSerializer(RecordSerializer):
    agency = ReferenceField(help_text="The agency that tested.")
    vendors = ReferenceListField(source="vendor_links", target="vendor", help_text="Vendors whose models were tested.")
    agreements = ReferenceListField(source="agreement_links", target="agreement",
                                    help_text="Agreements under which the testing happened; empty when none.")
    tested_from = PartialDateReadField(source="tested_start", help_text="When testing began.")
    tested_to = PartialDateReadField(source="tested_end", help_text="When testing ended.")
    disclosed = PartialDateReadField(help_text="When the testing became public; null if not yet.")
    lag = LagField(help_text="The disclosure lag in days, or open while not disclosed.")

    requirements_map = {
        "lag": (["tested_from", "tested_from_precision", "disclosed_on", "lag_min_days", "lag_max_days"], []),
        "agency": reference_requirement("agency", Agency.objects.all()),
        "vendors": ([], [Prefetch("vendor_links", queryset=links_to(TestingDisclosureVendor, "vendor"))]),
        "agreements": ([], [Prefetch("agreement_links",
                                     queryset=links_to(TestingDisclosureAgreement, "agreement"))]),
        "tested_from": partial_columns("tested_from"), "tested_to": partial_columns("tested_to"),
        "disclosed": partial_columns("disclosed_on"),
    }
    history_parts = {"vendor_links": (TestingDisclosureVendor, "disclosure_id"),
                     "agreement_links": (TestingDisclosureAgreement, "disclosure_id")}

    class Meta:
        model = TestingDisclosure
        fields = [*RecordSerializer.common_fields, "title", "summary", "agency", "vendors", "agreements",
                  "models_tested", "model_version", "test_kind", "tested_from", "tested_to", "disclosed", "lag", "channel",
                  "confirmed_by_agency", "citations"]


class EventSerializer(RecordSerializer):
    occurred = PartialDateReadField(help_text="When it happened.")
    links = serializers.SerializerMethodField(help_text="Linked records: {role, type, record}.")

    requirements_map = {
        "occurred": partial_columns("occurred_on"),
        "links": ([], [Prefetch("links", queryset=EventLink.objects.select_related(*EventLink.TARGET_FIELDS))]),
    }
    history_parts = {"links": (EventLink, "event_id")}

    class Meta:
        model = Event
        fields = [*RecordSerializer.common_fields, "title", "summary", "kind", "occurred", "court", "case_number",
                  "docket_url", "links", "citations"]

    def get_links(self, event) -> list[dict]:
        request = self.context.get("request")
        links = []
        for link in event.links.all():
            target = link.target
            if target is not None and (ref := reference(target, request)):
                links.append({"role": link.role, "type": target.record_type, "record": ref})
        return links
