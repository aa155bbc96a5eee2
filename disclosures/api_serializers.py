"""Write serializers of the interchange shape for designations, testing disclosures and events."""

from rest_framework import serializers

from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
from disclosures.models import (
    Designation,
    DesignationAgreement,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.api_serializers import (
    PartialDateField,
    PartSet,
    RecordWriteSerializer,
    StrictSerializer,
    find_by_slug,
    slug_reference,
)

BASE_FIELDS = RecordWriteSerializer.Meta.fields


class AffectedAgreementWriteSerializer(StrictSerializer):
    agreement = slug_reference(Agreement.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    class Meta:
        pass


class DesignationWriteSerializer(RecordWriteSerializer):
    vendor = slug_reference(Vendor.objects.all())
    issuing_agency = slug_reference(Agency.objects.all(), required=False, allow_null=True, default=None)
    affected_agreements = AffectedAgreementWriteSerializer(many=True, required=False, default=list)
    announced = PartialDateField(required=False, allow_null=True, default=None)
    determined = PartialDateField(required=False, allow_null=True, default=None)
    noticed = PartialDateField(required=False, allow_null=True, default=None)
    effective = PartialDateField(required=False, allow_null=True, default=None)
    ended = PartialDateField(required=False, allow_null=True, default=None)

    part_fields = ("citations", "affected_agreements")
    accessor_fields = ("announced", "determined", "noticed", "effective", "ended")

    class Meta(RecordWriteSerializer.Meta):
        model = Designation
        fields = [*BASE_FIELDS, "title", "vendor", "issuing_agency", "issuing_official", "kind", "authority_cited",
                  "status", "status_note", "announced", "determined", "noticed", "effective", "ended", "scope",
                  "public_reason", "affected_agreements"]

    def part_sets(self, record, parts):
        wanted = [DesignationAgreement(designation=record, agreement=a["agreement"], note=a["note"])
                  for a in parts["affected_agreements"]]
        return [*super().part_sets(record, parts),
                PartSet(record.affected.all(), wanted, key=("agreement_id", "note"))]


class TestingDisclosureWriteSerializer(RecordWriteSerializer):
    agency = slug_reference(Agency.objects.all())
    vendors = slug_reference(Vendor.objects.all(), many=True, required=False, default=list)
    agreements = slug_reference(Agreement.objects.all(), many=True, required=False, default=list)
    tested_from = PartialDateField(required=False, allow_null=True, default=None, source="tested_start")
    tested_to = PartialDateField(required=False, allow_null=True, default=None, source="tested_end")
    disclosed = PartialDateField(required=False, allow_null=True, default=None)

    part_fields = ("citations", "vendors", "agreements")
    accessor_fields = ("tested_start", "tested_end", "disclosed")

    class Meta(RecordWriteSerializer.Meta):
        model = TestingDisclosure
        fields = [*BASE_FIELDS, "title", "summary", "agency", "vendors", "agreements", "models_tested",
                  "model_version", "test_kind", "tested_from", "tested_to", "disclosed", "channel",
                  "confirmed_by_agency"]

    def part_sets(self, record, parts):
        return [
            *super().part_sets(record, parts),
            PartSet(record.vendor_links.all(),
                    [TestingDisclosureVendor(disclosure=record, vendor=v) for v in parts["vendors"]], key=("vendor_id",)),
            PartSet(record.agreement_links.all(),
                    [TestingDisclosureAgreement(disclosure=record, agreement=a) for a in parts["agreements"]],
                    key=("agreement_id",)),
        ]


# The link types of an event, with the model they point to and the EventLink field that holds it.
EVENT_LINK_TYPES = {
    "agency": (Agency, "agency"),
    "vendor": (Vendor, "vendor"),
    "agreement": (Agreement, "agreement"),
    "term": (PublicTerm, "term"),
    "addendum-marker": (ClassifiedAddendumMarker, "addendum_marker"),
    "designation": (Designation, "designation"),
    "testing-disclosure": (TestingDisclosure, "testing_disclosure"),
    "event": (Event, "related_event"),
}


class EventLinkWriteSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=EventLink.Role.choices, default=EventLink.Role.SUBJECT)
    type = serializers.ChoiceField(choices=sorted(EVENT_LINK_TYPES))
    slug = serializers.SlugField(max_length=120)

    class Meta:
        pass

    def validate(self, attrs):
        model, field = EVENT_LINK_TYPES[attrs["type"]]
        target = find_by_slug(self.context, model, attrs["slug"])
        if target is None:
            raise serializers.ValidationError({"slug": f"No {attrs['type']} has the slug '{attrs['slug']}'."})
        return {"role": attrs["role"], "field": field, "target": target}


class EventWriteSerializer(RecordWriteSerializer):
    occurred = PartialDateField()
    links = EventLinkWriteSerializer(many=True, required=False, default=list)

    part_fields = ("citations", "links")
    accessor_fields = ("occurred",)

    class Meta(RecordWriteSerializer.Meta):
        model = Event
        fields = [*BASE_FIELDS, "title", "summary", "kind", "occurred", "court", "case_number", "docket_url", "links"]

    def part_sets(self, record, parts):
        wanted = [EventLink(event=record, role=link["role"], **{link["field"]: link["target"]}) for link in parts["links"]]
        key = ("role", *(f"{field}_id" for field in EventLink.TARGET_FIELDS))
        return [*super().part_sets(record, parts), PartSet(record.links.all(), wanted, key=key)]


# --- read serializers ---------------------------------------------------------------------------

from django.db.models import Prefetch  # noqa: E402

from registry.api_serializers import (  # noqa: E402
    PartialDateReadField,
    RecordSerializer,
    ReferenceField,
    ReferenceListField,
    partial_columns,
    reference,
    reference_requirement,
)


class DesignationSerializer(RecordSerializer):
    vendor = ReferenceField(help_text="The vendor designated.")
    issuing_agency = ReferenceField(help_text="The agency that issued it.")
    affected_agreements = serializers.SerializerMethodField(help_text="Agreements affected, with a note each.")
    announced = PartialDateReadField(help_text="When it was announced.")
    determined = PartialDateReadField(help_text="When the formal determination was made.")
    noticed = PartialDateReadField(help_text="When formal notice reached the vendor.")
    effective = PartialDateReadField(help_text="When it took effect.")
    ended = PartialDateReadField(help_text="When it ended.")

    requirements_map = {
        "vendor": reference_requirement("vendor", Vendor.objects.all()),
        "issuing_agency": reference_requirement("issuing_agency", Agency.objects.all()),
        "affected_agreements": ([], [Prefetch("affected", queryset=DesignationAgreement.objects.select_related("agreement"))]),
        **{name: partial_columns(f"{name}_on") for name in ("announced", "determined", "noticed", "effective", "ended")},
    }
    history_parts = {"affected": (DesignationAgreement, "designation_id")}

    class Meta:
        model = Designation
        fields = [*RecordSerializer.common_fields, "title", "vendor", "issuing_agency", "issuing_official", "kind",
                  "authority_cited", "status", "status_note", "announced", "determined", "noticed", "effective",
                  "ended", "scope", "public_reason", "affected_agreements", "citations"]

    def get_affected_agreements(self, designation) -> list[dict]:
        request = self.context.get("request")
        return [{"agreement": ref, "note": link.note} for link in designation.affected.all()
                if (ref := reference(link.agreement, request))]


class TestingDisclosureSerializer(RecordSerializer):
    agency = ReferenceField(help_text="The agency that tested.")
    vendors = ReferenceListField(source="vendor_links", target="vendor", help_text="Vendors whose models were tested.")
    agreements = ReferenceListField(source="agreement_links", target="agreement",
                                    help_text="Agreements under which the testing happened; empty when none.")
    tested_from = PartialDateReadField(source="tested_start", help_text="When testing began.")
    tested_to = PartialDateReadField(source="tested_end", help_text="When testing ended.")
    disclosed = PartialDateReadField(help_text="When the testing became public; null if not yet.")

    requirements_map = {
        "agency": reference_requirement("agency", Agency.objects.all()),
        "vendors": ([], [Prefetch("vendor_links", queryset=TestingDisclosureVendor.objects.select_related("vendor"))]),
        "agreements": ([], [Prefetch("agreement_links",
                                     queryset=TestingDisclosureAgreement.objects.select_related("agreement"))]),
        "tested_from": partial_columns("tested_from"), "tested_to": partial_columns("tested_to"),
        "disclosed": partial_columns("disclosed_on"),
    }
    history_parts = {"vendor_links": (TestingDisclosureVendor, "disclosure_id"),
                     "agreement_links": (TestingDisclosureAgreement, "disclosure_id")}

    class Meta:
        model = TestingDisclosure
        fields = [*RecordSerializer.common_fields, "title", "summary", "agency", "vendors", "agreements",
                  "models_tested", "model_version", "test_kind", "tested_from", "tested_to", "disclosed", "channel",
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
