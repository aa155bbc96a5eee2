"""The interchange shape (docs/interchange.md), validated by one <Model>WriteSerializer per type:
the fields every type shares (partial dates, money, references, citations), the base
RecordWriteSerializer, and the sources' own. Each app's types are in <app>/write_serializers.py.

A write serializer validates one record and turns it into a plan: the record's own field values
and its parts (citations, parties, links). ``registry.loader`` applies plans through the one
write path; later the API's submissions and ``import_bulk`` reuse the same serializers.
"""

from rest_framework import serializers

from registry.claims import claim_errors, field_confidence_errors
from registry.fields import Money, PartialDate, parse_amount
from registry.models import Citation, Confidence, Source
from registry.normalize import normalize_url


class PartialDateField(serializers.Field):
    """'2025', '2025-07' or '2025-07-14'; the length gives the precision."""

    default_error_messages = {"invalid": "{error}"}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", error="Use a string: YYYY, YYYY-MM or YYYY-MM-DD.")
        try:
            return PartialDate.parse(data)
        except ValueError as error:
            self.fail("invalid", error=str(error))

    def to_representation(self, value):
        return value.isoformat() if value else None


class MoneyField(serializers.Field):
    """{"amount": "200000000.00", "currency": "USD"}; null when undisclosed."""

    default_error_messages = {"invalid": "{error}"}

    def to_internal_value(self, data):
        if not isinstance(data, dict) or "amount" not in data:
            self.fail("invalid", error='Use {"amount": "200000000.00", "currency": "USD"}, or null when undisclosed.')
        unknown = set(data) - {"amount", "currency"}
        if unknown:
            self.fail("invalid", error=f"Unknown key(s) in money: {', '.join(sorted(unknown))}.")
        if data["amount"] is None:
            self.fail("invalid", error="An undisclosed amount is written as null for the whole value, not its amount.")
        try:
            amount = parse_amount(data["amount"])
        except ValueError as error:
            self.fail("invalid", error=str(error))
        if amount < 0:
            self.fail("invalid", error="An amount cannot be negative.")
        if amount != amount.quantize(parse_amount("0.01")):
            self.fail("invalid", error="Amounts have at most two decimal places.")
        currency = data.get("currency") or "USD"
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
            self.fail("invalid", error="The currency is a three-letter ISO 4217 code such as USD.")
        return Money(amount, currency)

    def to_representation(self, value):
        return value.as_json() if value else None


def find_by_slug(context, model, slug):
    """The record of ``model`` with ``slug``, or None: from the loader's records read in bulk
    (``context["by_slug"]``) when it has them, else one query."""
    known = (context.get("by_slug") or {}).get(model)
    if known is not None:
        return known.get(slug)
    return model.objects.filter(slug=slug).first()


class SlugReference(serializers.SlugRelatedField):
    def to_internal_value(self, data):
        model = self.get_queryset().model
        if isinstance(data, str) and model in (self.context.get("by_slug") or {}):
            found = find_by_slug(self.context, model, data)
            if found is None:
                self.fail("does_not_exist", slug_name=self.slug_field, value=data)
            return found
        return super().to_internal_value(data)


def slug_reference(queryset, **kwargs):
    """A reference to another record by its slug."""
    return SlugReference(slug_field="slug", queryset=queryset, **kwargs)


class CitationWriteSerializer(serializers.Serializer):
    source = slug_reference(Source.objects.all(), help_text="The slug of the source.")
    quote = serializers.CharField(trim_whitespace=False, help_text="A short exact quote from the source.")
    locator = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    claims = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list,
        help_text="Claim keys of the record's type that the quote supports (docs/interchange.md, Claims); "
                  "the record's own serializer checks them against its type's vocabulary.")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({
                    key: ["Replaced by “claims”, a list of claim keys such as [\"ceiling\"]." if key == "claim"
                          else "Unknown field."] for key in unknown})
        return super().to_internal_value(data)

    def validate_quote(self, value):
        if not value.strip():
            raise serializers.ValidationError("A citation needs an exact quote from its source.")
        return value


class WeakClaimSerializer(serializers.Serializer):
    """One claim of a record that rests only on weak sources, and why (``weakly_sourced_claims``)."""

    claim = serializers.CharField(max_length=500, help_text="The claim, in the registry's words.")
    why = serializers.CharField(allow_blank=True, default="", max_length=1000,
                                help_text="Why its sources are weak.")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return dict(super().to_internal_value(data))


class FieldConfidenceField(serializers.DictField):
    """{field: "high"/"medium"/"low"}; the record's serializer checks the fields against its type."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=Confidence.choices), **kwargs)


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a typo never silently drops a fact."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - set(getattr(self.Meta, "ignored_keys", ())))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class DisputedCitationSerializer(StrictSerializer):
    source = slug_reference(Source.objects.all(), help_text="The slug of the source.")
    quote = serializers.CharField(trim_whitespace=False, help_text="The source's exact words stating the value.")

    class Meta:
        pass

    def validate_quote(self, value):
        if not value.strip():
            raise serializers.ValidationError("A citation needs an exact quote from its source.")
        return value

    def validate(self, attrs):
        return {"source": attrs["source"].slug, "quote": attrs["quote"]}


class DisputedValueSerializer(StrictSerializer):
    value = serializers.CharField(max_length=300, help_text="One value a source gives, as the field would hold it.")
    citations = DisputedCitationSerializer(many=True, allow_empty=False, help_text="The sources stating it.")

    class Meta:
        pass


class DisputedFactSerializer(StrictSerializer):
    """A fact on which sources differ: every value, each with the citations that state it."""

    field = serializers.CharField(max_length=100, help_text="The field the sources differ on, e.g. 'determined'.")
    about = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    values = DisputedValueSerializer(many=True, help_text="At least two values, each with its citations.")
    note = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        pass

    def validate_values(self, values):
        if len(values) < 2 or len({value["value"] for value in values}) < len(values):
            raise serializers.ValidationError("Sources differ only between two or more distinct values.")
        return values


class RecordWriteSerializer(StrictSerializer, serializers.ModelSerializer):
    """Base of every <Model>WriteSerializer: the fields every public record has."""

    disputed_facts = DisputedFactSerializer(many=True, required=False, default=list)

    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False, default=Confidence.MEDIUM)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    retracted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    created_at = serializers.DateTimeField(required=False)
    citations = CitationWriteSerializer(many=True, required=False, default=list)
    weakly_sourced_claims = WeakClaimSerializer(many=True, required=False, default=list)
    field_confidence = FieldConfidenceField(
        required=False, default=dict,
        help_text="Confidence of single fields rated apart from the record, e.g. {\"piid\": \"low\"}.")

    # Names of the declared fields that are parts (written as separate rows), not columns.
    part_fields = ("citations",)
    # Declared fields that set model attributes through an accessor (partial dates, money).
    accessor_fields = ()
    # Claim keys of the form <prefix>:<value> this type accepts besides its field names:
    # {prefix: (check(value) -> bool, what a value is, in words)} (registry/claims.py).
    claim_prefixes = {}

    class Meta:
        fields = ["slug", "confidence", "notes", "published_at", "last_verified_on", "retracted_at",
                  "retraction_reason", "created_at", "disputed_facts", "citations", "weakly_sourced_claims",
                  "field_confidence"]
        ignored_keys = ("type",)

    def validate_citations(self, citations):
        errors = [{"claims": problems} if (problems := claim_errors(self.Meta.model, citation.get("claims", [])))
                  else {} for citation in citations]
        if any(errors):
            raise serializers.ValidationError(errors)
        return citations

    def validate_field_confidence(self, levels):
        problems = field_confidence_errors(self.Meta.model, levels)
        if problems:
            raise serializers.ValidationError(problems)
        return levels

    def validate(self, attrs):
        if attrs.get("retracted_at") and not (attrs.get("retraction_reason") or "").strip():
            raise serializers.ValidationError({"retraction_reason": "A retraction needs a reason."})
        return attrs

    def represent(self, record):
        """The record in the interchange shape (what a load of it would state): its columns, then its
        parts. A correction form starts from it; loading it back changes nothing."""
        return {**self.represent_columns(record), **self.represent_parts(record)}

    def represent_columns(self, record):
        """The record's own columns in the interchange shape (``record`` may be a historical instance)."""
        data = {}
        for name, field in self.fields.items():
            if name in self.part_fields or field.write_only:
                continue
            value = field.get_attribute(record)
            if isinstance(value, (list, dict)):  # JSON columns are stored in the interchange shape already
                data[name] = value
            else:
                data[name] = None if value is None else field.to_representation(value)
        return data

    def represent_parts(self, record):
        """The parts (``part_fields``) of a saved record in the interchange shape; subclasses add theirs."""
        if "citations" not in self.part_fields:
            return {}
        return {"citations": [{"source": c.source.slug, "quote": c.quote, "locator": c.locator,
                               "claims": list(c.claims)}
                              for c in part_rows(record, "citations", "source", order=("position", "id"))]}

    def split(self, validated):
        """(column values, parts) of a validated record."""
        values = {k: v for k, v in validated.items() if k not in self.part_fields}
        parts = {k: validated.get(k, []) for k in self.part_fields}
        return values, parts

    def part_sets(self, record, parts):
        """The PartSets of a saved record; subclasses add their own parts to the citations."""
        return [citation_part_set(record, parts["citations"])] if "citations" in parts else []


class SourceWriteSerializer(RecordWriteSerializer):
    published = PartialDateField(required=False, allow_null=True, default=None)
    part_fields = ()
    accessor_fields = ("published",)

    class Meta(RecordWriteSerializer.Meta):
        model = Source
        fields = [f for f in RecordWriteSerializer.Meta.fields
                  if f not in ("citations", "weakly_sourced_claims", "field_confidence")] + [
            "url", "canonical_url", "archived_url", "title", "title_reconstructed", "publisher", "published",
            "kind", "tier", "tier_reason", "verified", "accessed_on", "sha256",
        ]

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("citations", None)
        fields.pop("weakly_sourced_claims", None)
        fields.pop("field_confidence", None)
        return fields

    def validate_url(self, value):
        url = normalize_url(value)
        known = self.context.get("source_urls")  # the loader's {url: pk}, read in bulk
        if known is not None:
            taken = known.get(url) not in (None, getattr(self.instance, "pk", None))
        else:
            taken = Source.objects.filter(url=url).exclude(pk=getattr(self.instance, "pk", None)).exists()
        if taken:
            raise serializers.ValidationError(f"Another source already has the URL {url}.")
        return url

    def validate_canonical_url(self, value):
        return normalize_url(value)


def part_rows(record, relation, *related, order=()):
    """The rows of a part relation of ``record`` (``citations``, ``parties``…): read now with ``related``
    loaded, in ``order``; or, for a version rebuilt from history (registry/history.py ``version_as_of``),
    the rows it stood with then, as given."""
    given = getattr(record, "parts_then", None)
    if given is not None and relation in given:
        return given[relation]
    prefetched = getattr(record, "_prefetched_objects_cache", {}).get(relation)
    if prefetched is not None:  # read in bulk by the caller (the bulk export, per chunk): no query per record
        rows = list(prefetched)
        return sorted(rows, key=lambda row: tuple(getattr(row, name) for name in order)) if order else rows
    rows = getattr(record, relation).all()
    rows = rows.select_related(*related) if related else rows
    return rows.order_by(*order) if order else rows


def to_interchange(record):
    """A saved record in the interchange shape (docs/interchange.md), by its type's write serializer."""
    from registry.interchange import by_name

    return by_name(record.record_type).write_serializer().represent(record)


def citation_rows(record, citations):
    """Citation objects (unsaved) for a record, in order, from validated citation dicts."""
    return [Citation(target=record, source=c["source"], quote=c["quote"],
                     locator=c.get("locator", ""), claims=list(c.get("claims", [])), position=n)
            for n, c in enumerate(citations)]


class PartSet:
    """The rows of one kind of part a record should have, compared by ``key`` with what it has."""

    def __init__(self, existing, wanted, key):
        self.existing, self.wanted, self.key = existing, wanted, key

    def row_key(self, row):
        return tuple(hashable(getattr(row, attname)) for attname in self.key)

    def diff(self):
        """(rows to add, rows to remove); unchanged rows are left alone."""
        have = {self.row_key(row): row for row in self.existing}
        want = {self.row_key(row): row for row in self.wanted}
        return [row for k, row in want.items() if k not in have], [row for k, row in have.items() if k not in want]


def citation_part_set(record, citations):
    return PartSet(record.citations.all(), citation_rows(record, citations),
                   key=("source_id", "quote", "locator", "claims", "position"))


def hashable(value):
    """A part's value as a dict key: lists (a citation's claims) as tuples."""
    return tuple(value) if isinstance(value, list) else value
