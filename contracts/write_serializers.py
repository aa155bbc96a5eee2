"""Write serializers of the interchange shape for agencies, vendors, agreements and their parts."""

from rest_framework import serializers

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementAmount,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from contracts.vocabulary import AMOUNT_KINDS
from registry.claims import is_slug
from registry.fields import parse_amount
from registry.write_serializers import (
    MoneyField,
    PartialDateField,
    PartSet,
    RecordWriteSerializer,
    StrictSerializer,
    part_rows,
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
        fields = [*BASE_FIELDS, "name", "name_note", "acronym", "aliases", "kind", "parent", "country", "website",
                  "usaspending_code"]


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


class AmountWriteSerializer(StrictSerializer):
    """One reported amount: {"kind", "amount" (decimal string), "currency", "as_of" (partial date or null), "note"}."""

    kind = serializers.ChoiceField(choices=AgreementAmount.Kind.choices, help_text="What the amount is.")
    amount = serializers.CharField(help_text='The amount as a decimal string, e.g. "642000000.00".')
    currency = serializers.CharField(required=False, default="USD", help_text="ISO 4217 code, e.g. USD.")
    as_of = PartialDateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)

    class Meta:
        pass

    def validate_amount(self, value):
        try:
            amount = parse_amount(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None
        if amount < 0:
            raise serializers.ValidationError("An amount cannot be negative; leave an undisclosed amount out.")
        if amount != amount.quantize(parse_amount("0.01")):
            raise serializers.ValidationError("Amounts have at most two decimal places.")
        if amount >= 10 ** 16:
            raise serializers.ValidationError("The amount is too large.")
        return amount

    def validate_currency(self, value):
        if not (len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()):
            raise serializers.ValidationError("The currency is a three-letter ISO 4217 code such as USD.")
        return value


class AgreementWriteSerializer(RecordWriteSerializer):
    awarding_agency = slug_reference(Agency.objects.all(), required=False, allow_null=True, default=None)
    parent = slug_reference(Agreement.objects.all(), required=False, allow_null=True, default=None)
    participating_agencies = slug_reference(Agency.objects.all(), many=True, required=False, default=list)
    parties = PartyWriteSerializer(many=True, required=False, default=list)
    announced = PartialDateField(required=False, allow_null=True, default=None)
    awarded = PartialDateField(required=False, allow_null=True, default=None)
    first_reported = PartialDateField(required=False, allow_null=True, default=None)
    start = PartialDateField(required=False, allow_null=True, default=None)
    end = PartialDateField(required=False, allow_null=True, default=None)
    ceiling = MoneyField(required=False, allow_null=True, default=None)
    obligated = MoneyField(required=False, allow_null=True, default=None)
    amounts = AmountWriteSerializer(many=True, required=False, default=list)

    part_fields = ("citations", "parties", "participating_agencies", "amounts")
    accessor_fields = ("announced", "awarded", "first_reported", "start", "end", "ceiling", "obligated")
    # amount:<kind> (a reported amount of that kind), term:<slug> (the wording of one of its terms).
    claim_prefixes = {"amount": (AMOUNT_KINDS.__contains__, f"kind of amount ({', '.join(AMOUNT_KINDS)})"),
                      "term": (is_slug, "term slug")}

    class Meta(RecordWriteSerializer.Meta):
        model = Agreement
        fields = [*BASE_FIELDS, "title", "summary", "awarding_agency", "participating_agencies", "parties",
                  "vehicle", "vehicle_note", "parent", "piid", "usaspending_award_id", "federal_data_status",
                  "federal_data_checked_on", "announced", "awarded", "first_reported", "start", "end", "ceiling",
                  "obligated", "amounts", "value_note", "status", "status_note", "terms_disclosure"]
        # Read-only, computed by the registry: accepted (and ignored) so an exported record loads back.
        ignored_keys = (*RecordWriteSerializer.Meta.ignored_keys, "best_known")

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

    def represent_parts(self, record):
        return {
            **super().represent_parts(record),
            "parties": [{"vendor": p.vendor.slug, "role": p.role} for p in part_rows(record, "parties", "vendor")],
            "participating_agencies": [a.agency.slug for a in part_rows(record, "participating", "agency")],
            "amounts": [{"kind": a.kind, "amount": str(a.amount), "currency": a.currency,
                         "as_of": a.as_of.isoformat() if a.as_of else None, "note": a.note}
                        for a in part_rows(record, "amounts", order=("position", "id"))],
        }

    def part_sets(self, record, parts):
        return [
            *super().part_sets(record, parts),
            PartSet(record.parties.all(),
                    [AgreementParty(agreement=record, vendor=p["vendor"], role=p["role"]) for p in parts["parties"]],
                    key=("vendor_id", "role")),
            PartSet(record.participating.all(),
                    [AgreementAgency(agreement=record, agency=a) for a in parts["participating_agencies"]],
                    key=("agency_id",)),
            PartSet(record.amounts.all(), [amount_row(record, n, a) for n, a in enumerate(parts["amounts"])],
                    key=("kind", "amount", "currency", "as_of_on", "as_of_on_precision", "note", "position")),
        ]


def amount_row(record, position, data):
    row = AgreementAmount(agreement=record, kind=data["kind"], amount=data["amount"], currency=data["currency"],
                          note=data["note"], position=position)
    row.as_of = data["as_of"]
    return row


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
        quoted = [c for c in attrs.get("citations", [])
                  if "text" in c.get("claims", []) and attrs.get("text", "") in c["quote"]]
        with_parts = isinstance(self.initial_data, dict) and "citations" in self.initial_data  # the loader's 2nd pass
        if attrs.get("text_form") == PublicTerm.TextForm.VERBATIM and attrs.get("published_at") and with_parts \
                and not quoted:
            raise serializers.ValidationError({"text_form": "A verbatim term is quoted with its footnote: give a citation "
                                                            "whose claims include \"text\" and whose quote holds the text."})
        return attrs


class ClassifiedAddendumMarkerWriteSerializer(RecordWriteSerializer):
    agreement = slug_reference(Agreement.objects.all())
    known_since = PartialDateField(required=False, allow_null=True, default=None, source="known")

    accessor_fields = ("known",)

    class Meta(RecordWriteSerializer.Meta):
        model = ClassifiedAddendumMarker
        fields = [*BASE_FIELDS, "agreement", "title", "existence", "classification", "described_subject",
                  "known_since"]
