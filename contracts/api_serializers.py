"""API responses for agencies, vendors, agreements, terms and classified-addendum markers."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementAmount,
    AgreementParty,
    BestKnown,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from registry.api_serializers import (
    MoneyReadField,
    PartialDateReadField,
    RecordSerializer,
    ReferenceField,
    ReferenceListField,
    links_to,
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
        fields = [*RecordSerializer.common_fields, "name", "name_note", "acronym", "aliases", "kind", "parent", "country",
                  "website", "usaspending_code", "citations"]


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


AMOUNT_SCHEMA = {
    "type": "object", "required": ["kind", "amount", "currency", "as_of", "note"],
    "properties": {
        "kind": {"type": "string", "enum": list(AgreementAmount.Kind.values)},
        "amount": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "as_of": {"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        "note": {"type": "string"},
    },
    "description": "A publicly reported amount and its kind; cited by citations claiming `amount:<kind>`.",
}
BEST_KNOWN_SCHEMA = {
    "type": "object", "nullable": True, "required": ["on", "precision", "which"],
    "properties": {
        "on": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
        "precision": {"type": "string", "enum": ["day", "month", "year"]},
        "which": {"type": "string", "enum": list(BestKnown.values)},
    },
    "description": "The best known date (announced > awarded > first reported > start) and which one it is; "
                   "null when no date is known. Read-only: the registry computes it.",
}


def amount_json(amount):
    return {"kind": amount.kind, "amount": f"{amount.amount:.2f}", "currency": amount.currency,
            "as_of": amount.as_of.isoformat() if amount.as_of else None, "note": amount.note}


def best_known_json(agreement):
    when = agreement.best_known
    if when is None:
        return None
    return {"on": when.isoformat(), "precision": when.precision, "which": agreement.best_known_kind}


@extend_schema_field({"type": "array", "items": AMOUNT_SCHEMA})
class AmountsField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, amounts):
        return [amount_json(amount) for amount in amounts.all()]


@extend_schema_field(BEST_KNOWN_SCHEMA)
class BestKnownField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, agreement):
        return best_known_json(agreement)


class AgreementSerializer(RecordSerializer):
    awarding_agency = ReferenceField(help_text="The awarding agency; null for vendor-to-vendor partnerships.")
    parent = ReferenceField(help_text="The agreement this one modifies, orders under or amends.")
    participating_agencies = ReferenceListField(source="participating", target="agency",
                                                help_text="Agencies taking part without awarding it.")
    parties = serializers.SerializerMethodField(help_text="Vendors and their roles.")
    announced = PartialDateReadField(help_text="When it was announced.")
    awarded = PartialDateReadField(help_text="When it was awarded or signed.")
    first_reported = PartialDateReadField(help_text="When it was first reported, where no announcement is known.")
    best_known = BestKnownField(help_text="The best known date and which one it is.")
    start = PartialDateReadField(help_text="When performance starts.")
    end = PartialDateReadField(help_text="When performance ends or is expected to end.")
    ceiling = MoneyReadField(help_text="The ceiling (maximum potential value); null when undisclosed.")
    obligated = MoneyReadField(help_text="The amount obligated; null when undisclosed. Not the ceiling.")
    amounts = AmountsField(help_text="Every other publicly reported amount, typed by its kind (reported award "
                                     "value, ceiling increase, potential total…); [] when none is public.")

    requirements_map = {
        "awarding_agency": reference_requirement("awarding_agency", Agency.objects.all()),
        "parent": reference_requirement("parent", Agreement.objects.all()),
        "participating_agencies": ([], [Prefetch("participating", queryset=links_to(AgreementAgency, "agency"))]),
        "parties": ([], [Prefetch("parties", queryset=links_to(AgreementParty, "vendor", order=("role", "id")))]),
        "amounts": ([], [Prefetch("amounts", queryset=AgreementAmount.objects.order_by("position", "id"))]),
        "first_reported": partial_columns("first_reported_on"),
        "best_known": (["best_known_on", "best_known_on_precision", "best_known_kind"], []),
        "announced": partial_columns("announced_on"), "awarded": partial_columns("awarded_on"),
        "start": partial_columns("start_on"), "end": partial_columns("end_on"),
        "ceiling": money_columns("ceiling"), "obligated": money_columns("obligated"),
    }
    history_parts = {"parties": (AgreementParty, "agreement_id"), "participating": (AgreementAgency, "agreement_id"),
                     "amounts": (AgreementAmount, "agreement_id")}

    class Meta:
        model = Agreement
        fields = [*RecordSerializer.common_fields, "title", "summary", "awarding_agency", "participating_agencies",
                  "parties", "vehicle", "vehicle_note", "parent", "piid", "usaspending_award_id",
                  "federal_data_status", "federal_data_checked_on", "announced", "awarded", "first_reported",
                  "best_known", "start", "end", "ceiling", "obligated", "amounts", "value_note", "status",
                  "status_note", "terms_disclosure", "citations"]

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
