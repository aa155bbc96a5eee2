"""Write serializers of the interchange shape for designations, testing disclosures and events."""

from rest_framework import serializers

from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
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
from registry.write_serializers import (
    PartialDateField,
    PartSet,
    RecordWriteSerializer,
    StrictSerializer,
    find_by_slug,
    part_rows,
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
    related_designations = slug_reference(Designation.objects.all(), many=True, required=False, default=list,
                                          help_text="Slugs of designations of the same matter (another track).")
    announced = PartialDateField(required=False, allow_null=True, default=None)
    determined = PartialDateField(required=False, allow_null=True, default=None)
    noticed = PartialDateField(required=False, allow_null=True, default=None)
    effective = PartialDateField(required=False, allow_null=True, default=None)
    ended = PartialDateField(required=False, allow_null=True, default=None)

    part_fields = ("citations", "affected_agreements", "related_designations")
    accessor_fields = ("announced", "determined", "noticed", "effective", "ended")

    class Meta(RecordWriteSerializer.Meta):
        model = Designation
        fields = [*BASE_FIELDS, "title", "vendor", "issuing_agency", "issuing_official", "kind", "authority_cited",
                  "status", "status_note", "announced", "determined", "noticed", "effective", "ended", "scope",
                  "public_reason", "affected_agreements", "related_designations"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if any(related.slug == attrs.get("slug") for related in attrs.get("related_designations", [])):
            raise serializers.ValidationError({"related_designations": "A designation is not related to itself."})
        return attrs

    def represent_parts(self, record):
        return {**super().represent_parts(record),
                "affected_agreements": [{"agreement": a.agreement.slug, "note": a.note}
                                        for a in part_rows(record, "affected", "agreement")],
                "related_designations": [r.related.slug for r in part_rows(record, "related_links", "related")]}

    def part_sets(self, record, parts):
        wanted = [DesignationAgreement(designation=record, agreement=a["agreement"], note=a["note"])
                  for a in parts["affected_agreements"]]
        related = [DesignationRelation(designation=record, related=d)
                   for d in dict.fromkeys(parts["related_designations"])]
        return [*super().part_sets(record, parts),
                PartSet(record.affected.all(), wanted, key=("agreement_id", "note")),
                PartSet(record.related_links.all(), related, key=("related_id",))]


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

    def represent_parts(self, record):
        return {**super().represent_parts(record),
                "vendors": [link.vendor.slug for link in part_rows(record, "vendor_links", "vendor")],
                "agreements": [link.agreement.slug for link in part_rows(record, "agreement_links", "agreement")]}

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

    def represent_parts(self, record):
        types = {field: name for name, (_, field) in EVENT_LINK_TYPES.items()}
        links = []
        for link in part_rows(record, "links"):
            for field, type_name in types.items():
                if getattr(link, f"{field}_id"):
                    links.append({"role": link.role, "type": type_name, "slug": getattr(link, field).slug})
        return {**super().represent_parts(record), "links": links}

    def part_sets(self, record, parts):
        wanted = [EventLink(event=record, role=link["role"], **{link["field"]: link["target"]}) for link in parts["links"]]
        key = ("role", *(f"{field}_id" for field in EventLink.TARGET_FIELDS))
        return [*super().part_sets(record, parts), PartSet(record.links.all(), wanted, key=key)]
