"""Write serializers of the interchange shape for agencies, vendors, agreements and their parts."""

from rest_framework import serializers

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from registry.api_serializers import (
    MoneyField,
    PartialDateField,
    PartSet,
    RecordWriteSerializer,
    StrictSerializer,
    slug_reference,
)

BASE_FIELDS = RecordWriteSerializer.Meta.fields


def names_list(value):
    if not all(isinstance(name, str) and name.strip() for name in value):
        raise serializers.ValidationError("Aliases are a list of non-empty names.")
    return value


class AgencyWriteSerializer(RecordWriteSerializer):
    parent = slug_reference(Agency.objects.all(), required=False, allow_null=True, default=None)
    aliases = serializers.ListField(child=serializers.CharField(max_length=300), required=False, default=list)

    class Meta(RecordWriteSerializer.Meta):
        model = Agency
        fields = [*BASE_FIELDS, "name", "acronym", "aliases", "kind", "parent", "country", "website"]


class VendorWriteSerializer(RecordWriteSerializer):
    aliases = serializers.ListField(child=serializers.CharField(max_length=300), required=False, default=list)

    class Meta(RecordWriteSerializer.Meta):
        model = Vendor
        fields = [*BASE_FIELDS, "name", "aliases", "kind", "website", "country", "uei", "cage_code"]


class PartyWriteSerializer(StrictSerializer):
    vendor = slug_reference(Vendor.objects.all(), help_text="The vendor's slug.")
    role = serializers.ChoiceField(choices=AgreementParty.Role.choices, default=AgreementParty.Role.PRIME)

    class Meta:
        pass


class AgreementWriteSerializer(RecordWriteSerializer):
    awarding_agency = slug_reference(Agency.objects.all(), required=False, allow_null=True, default=None)
    parent = slug_reference(Agreement.objects.all(), required=False, allow_null=True, default=None)
    participating_agencies = slug_reference(Agency.objects.all(), many=True, required=False, default=list)
    parties = PartyWriteSerializer(many=True, required=False, default=list)
    announced = PartialDateField(required=False, allow_null=True, default=None)
    awarded = PartialDateField(required=False, allow_null=True, default=None)
    start = PartialDateField(required=False, allow_null=True, default=None)
    end = PartialDateField(required=False, allow_null=True, default=None)
    ceiling = MoneyField(required=False, allow_null=True, default=None)
    obligated = MoneyField(required=False, allow_null=True, default=None)

    part_fields = ("citations", "parties", "participating_agencies")
    accessor_fields = ("announced", "awarded", "start", "end", "ceiling", "obligated")

    class Meta(RecordWriteSerializer.Meta):
        model = Agreement
        fields = [*BASE_FIELDS, "title", "summary", "awarding_agency", "participating_agencies", "parties",
                  "vehicle", "vehicle_note", "parent", "piid", "usaspending_award_id", "federal_data_status",
                  "federal_data_checked_on", "announced", "awarded", "start", "end", "ceiling", "obligated",
                  "value_note", "status", "status_note", "terms_disclosure"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        seen = set()
        for party in attrs.get("parties", []):
            key = (party["vendor"].pk, party["role"])
            if key in seen:
                raise serializers.ValidationError({"parties": f"{party['vendor'].slug} is listed twice as {key[1]}."})
            seen.add(key)
        if len(set(attrs.get("participating_agencies", []))) != len(attrs.get("participating_agencies", [])):
            raise serializers.ValidationError({"participating_agencies": "An agency is listed twice."})
        return attrs

    def part_sets(self, record, parts):
        return [
            *super().part_sets(record, parts),
            PartSet(record.parties.all(),
                    [AgreementParty(agreement=record, vendor=p["vendor"], role=p["role"]) for p in parts["parties"]],
                    key=("vendor_id", "role")),
            PartSet(record.participating.all(),
                    [AgreementAgency(agreement=record, agency=a) for a in parts["participating_agencies"]],
                    key=("agency_id",)),
        ]


class PublicTermWriteSerializer(RecordWriteSerializer):
    agreement = slug_reference(Agreement.objects.all(), required=False, allow_null=True, default=None)
    agency = slug_reference(Agency.objects.all(), required=False, allow_null=True, default=None)
    vendor = slug_reference(Vendor.objects.all(), required=False, allow_null=True, default=None)
    supersedes = slug_reference(PublicTerm.objects.all(), required=False, allow_null=True, default=None)
    effective = PartialDateField(required=False, allow_null=True, default=None)

    accessor_fields = ("effective",)

    class Meta(RecordWriteSerializer.Meta):
        model = PublicTerm
        fields = [*BASE_FIELDS, "agreement", "agency", "vendor", "title", "category", "effect", "text", "text_form",
                  "binding", "status", "effective", "supersedes"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not (attrs.get("agreement") or attrs.get("agency") or attrs.get("vendor")):
            raise serializers.ValidationError(
                {"agreement": "A term belongs to an agreement, or to an agency or vendor: name one."})
        return attrs


class ClassifiedAddendumMarkerWriteSerializer(RecordWriteSerializer):
    agreement = slug_reference(Agreement.objects.all())
    known_since = PartialDateField(required=False, allow_null=True, default=None, source="known")

    accessor_fields = ("known",)

    class Meta(RecordWriteSerializer.Meta):
        model = ClassifiedAddendumMarker
        fields = [*BASE_FIELDS, "agreement", "title", "existence", "classification", "described_subject",
                  "known_since"]


# --- read serializers ---------------------------------------------------------------------------

from django.db.models import Prefetch  # noqa: E402

from registry.api_serializers import (  # noqa: E402
    MoneyReadField,
    PartialDateReadField,
    RecordSerializer,
    ReferenceField,
    ReferenceListField,
    money_columns,
    partial_columns,
    reference,
    reference_requirement,
)


class AgencySerializer(RecordSerializer):
    parent = ReferenceField(help_text="The agency this one is part of.")
    requirements_map = {"parent": reference_requirement("parent", Agency.objects.all())}

    class Meta:
        model = Agency
        fields = [*RecordSerializer.common_fields, "name", "acronym", "aliases", "kind", "parent", "country",
                  "website", "citations"]


class VendorSerializer(RecordSerializer):
    class Meta:
        model = Vendor
        fields = [*RecordSerializer.common_fields, "name", "aliases", "kind", "website", "country", "uei",
                  "cage_code", "citations"]


class PartySerializer(serializers.Serializer):
    vendor = serializers.SerializerMethodField(help_text="The vendor.")
    role = serializers.ChoiceField(choices=AgreementParty.Role.choices, help_text="The vendor's role.")

    def get_vendor(self, party) -> dict:
        return reference(party.vendor, self.context.get("request"))


class AgreementSerializer(RecordSerializer):
    awarding_agency = ReferenceField(help_text="The awarding agency; null for vendor-to-vendor partnerships.")
    parent = ReferenceField(help_text="The agreement this one modifies, orders under or amends.")
    participating_agencies = ReferenceListField(source="participating", target="agency",
                                                help_text="Agencies taking part without awarding it.")
    parties = serializers.SerializerMethodField(help_text="Vendors and their roles.")
    announced = PartialDateReadField(help_text="When it was announced.")
    awarded = PartialDateReadField(help_text="When it was awarded or signed.")
    start = PartialDateReadField(help_text="When performance starts.")
    end = PartialDateReadField(help_text="When performance ends or is expected to end.")
    ceiling = MoneyReadField(help_text="The ceiling (maximum potential value); null when undisclosed.")
    obligated = MoneyReadField(help_text="The amount obligated; null when undisclosed. Not the ceiling.")

    requirements_map = {
        "awarding_agency": reference_requirement("awarding_agency", Agency.objects.all()),
        "parent": reference_requirement("parent", Agreement.objects.all()),
        "participating_agencies": ([], [Prefetch("participating", queryset=AgreementAgency.objects.select_related("agency"))]),
        "parties": ([], [Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor"))]),
        "announced": partial_columns("announced_on"), "awarded": partial_columns("awarded_on"),
        "start": partial_columns("start_on"), "end": partial_columns("end_on"),
        "ceiling": money_columns("ceiling"), "obligated": money_columns("obligated"),
    }
    history_parts = {"parties": (AgreementParty, "agreement_id"), "participating": (AgreementAgency, "agreement_id")}

    class Meta:
        model = Agreement
        fields = [*RecordSerializer.common_fields, "title", "summary", "awarding_agency", "participating_agencies",
                  "parties", "vehicle", "vehicle_note", "parent", "piid", "usaspending_award_id",
                  "federal_data_status", "federal_data_checked_on", "announced", "awarded", "start", "end",
                  "ceiling", "obligated", "value_note", "status", "status_note", "terms_disclosure", "citations"]

    def get_parties(self, agreement) -> list[dict]:
        request = self.context.get("request")
        return [{"vendor": ref, "role": party.role} for party in agreement.parties.all()
                if (ref := reference(party.vendor, request))]


class PublicTermSerializer(RecordSerializer):
    agreement = ReferenceField(help_text="The agreement the term belongs to, if any.")
    agency = ReferenceField(help_text="The agency whose policy this is, when it belongs to no agreement.")
    vendor = ReferenceField(help_text="The vendor whose policy this is, when it belongs to no agreement.")
    supersedes = ReferenceField(help_text="The earlier term this one replaces.")
    effective = PartialDateReadField(help_text="When the term took effect.")

    requirements_map = {
        "agreement": reference_requirement("agreement", Agreement.objects.all()),
        "agency": reference_requirement("agency", Agency.objects.all()),
        "vendor": reference_requirement("vendor", Vendor.objects.all()),
        "supersedes": reference_requirement("supersedes", PublicTerm.objects.all()),
        "effective": partial_columns("effective_on"),
    }

    class Meta:
        model = PublicTerm
        fields = [*RecordSerializer.common_fields, "agreement", "agency", "vendor", "title", "category", "effect",
                  "text", "text_form", "binding", "status", "effective", "supersedes", "citations"]


class ClassifiedAddendumMarkerSerializer(RecordSerializer):
    agreement = ReferenceField(help_text="The agreement with the non-public part.")
    known_since = PartialDateReadField(source="known", help_text="Since when the non-public part is known to exist.")

    requirements_map = {
        "agreement": reference_requirement("agreement", Agreement.objects.all()),
        "known_since": partial_columns("known_since"),
    }

    class Meta:
        model = ClassifiedAddendumMarker
        fields = [*RecordSerializer.common_fields, "agreement", "title", "existence", "classification",
                  "described_subject", "known_since", "citations"]
