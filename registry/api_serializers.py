"""The interchange shape (docs/interchange.md), validated by one <Model>WriteSerializer per type.

A write serializer validates one record and turns it into a plan: the record's own field values
and its parts (citations, parties, links). ``registry.loader`` applies plans through the one
write path; later the API's submissions and ``import_bulk`` reuse the same serializers.
"""

from rest_framework import serializers

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
    claim = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    def validate_quote(self, value):
        if not value.strip():
            raise serializers.ValidationError("A citation needs an exact quote from its source.")
        return value


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a typo never silently drops a fact."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - set(getattr(self.Meta, "ignored_keys", ())))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class RecordWriteSerializer(StrictSerializer, serializers.ModelSerializer):
    """Base of every <Model>WriteSerializer: the fields every public record has."""

    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False, default=Confidence.MEDIUM)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    retracted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    created_at = serializers.DateTimeField(required=False)
    citations = CitationWriteSerializer(many=True, required=False, default=list)

    # Names of the declared fields that are parts (written as separate rows), not columns.
    part_fields = ("citations",)
    # Declared fields that set model attributes through an accessor (partial dates, money).
    accessor_fields = ()

    class Meta:
        fields = ["slug", "confidence", "notes", "published_at", "last_verified_on", "retracted_at",
                  "retraction_reason", "created_at", "citations"]
        ignored_keys = ("type",)

    def validate(self, attrs):
        if attrs.get("retracted_at") and not (attrs.get("retraction_reason") or "").strip():
            raise serializers.ValidationError({"retraction_reason": "A retraction needs a reason."})
        return attrs

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
        fields = [f for f in RecordWriteSerializer.Meta.fields if f != "citations"] + [
            "url", "canonical_url", "archived_url", "title", "title_reconstructed", "publisher", "published",
            "kind", "verified", "accessed_on", "sha256",
        ]

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("citations", None)
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


def citation_rows(record, citations):
    """Citation objects (unsaved) for a record, in order, from validated citation dicts."""
    return [Citation(target=record, source=c["source"], quote=c["quote"],
                     locator=c.get("locator", ""), claim=c.get("claim", ""), position=n)
            for n, c in enumerate(citations)]


class PartSet:
    """The rows of one kind of part a record should have, compared by ``key`` with what it has."""

    def __init__(self, existing, wanted, key):
        self.existing, self.wanted, self.key = existing, wanted, key

    def row_key(self, row):
        return tuple(getattr(row, attname) for attname in self.key)

    def diff(self):
        """(rows to add, rows to remove); unchanged rows are left alone."""
        have = {self.row_key(row): row for row in self.existing}
        want = {self.row_key(row): row for row in self.wanted}
        return [row for k, row in want.items() if k not in have], [row for k, row in have.items() if k not in want]


def citation_part_set(record, citations):
    return PartSet(record.citations.all(), citation_rows(record, citations),
                   key=("source_id", "quote", "locator", "claim", "position"))


# --- read serializers: the interchange shape plus url, html_url and expanded references -----------

from django.db.models import Prefetch  # noqa: E402
from drf_spectacular.utils import extend_schema_field  # noqa: E402
from rest_framework.reverse import reverse  # noqa: E402


def api_url(record, request):
    return reverse(f"api:{record.record_type}-detail", kwargs={"slug": record.slug}, request=request)


def record_name(record):
    return getattr(record, "name", None) or getattr(record, "title", None) or record.slug


REFERENCE_SCHEMA = {
    "type": "object", "nullable": True, "required": ["slug", "name", "url"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    "description": "A reference to another record: its slug, its name and its API URL.",
}


def reference(record, request):
    """{slug, name, url} for a published record; None for a draft (never leaked)."""
    if record is None or record.published_at is None:
        return None
    return {"slug": record.slug, "name": record_name(record), "url": api_url(record, request)}


@extend_schema_field(REFERENCE_SCHEMA)
class ReferenceField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source)

    def to_representation(self, value):
        return reference(value, self.context.get("request"))


@extend_schema_field({"type": "array", "items": REFERENCE_SCHEMA})
class ReferenceListField(serializers.Field):
    """References through a link model: ``ReferenceListField(source="vendor_links", target="vendor")``."""

    def __init__(self, *, target, **kwargs):
        self.target = target
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, links):
        request = self.context.get("request")
        return [ref for ref in (reference(getattr(link, self.target), request) for link in links.all()) if ref]


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                      "description": "ISO 8601 reduced precision: YYYY, YYYY-MM or YYYY-MM-DD."})
class PartialDateReadField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.isoformat() if value else None


MONEY_SCHEMA = {"type": "object", "nullable": True, "required": ["amount", "currency"],
                "properties": {"amount": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
                               "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
                "description": "Money; null when undisclosed (never 0)."}


@extend_schema_field(MONEY_SCHEMA)
class MoneyReadField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.as_json() if value else None


class CitationSerializer(serializers.Serializer):
    source = serializers.SerializerMethodField(help_text="The source: its slug, title and API URL.")
    quote = serializers.CharField(help_text="A short exact quote from the source.")
    locator = serializers.CharField(help_text="Where in the source the quote is.")
    claim = serializers.CharField(help_text="Which claim or field the quote supports.")

    @extend_schema_field(REFERENCE_SCHEMA)
    def get_source(self, citation):
        return reference(citation.source, self.context.get("request"))


class RecordSerializer(serializers.ModelSerializer):
    """Base of every read serializer. ``fields`` / ``omit`` / ``include`` shape the response;
    ``requirements()`` says which columns and relations the chosen fields need, so the view reads
    nothing else."""

    url = serializers.SerializerMethodField(help_text="This record in the API.")
    html_url = serializers.SerializerMethodField(help_text="This record's page on the site.")
    citations = CitationSerializer(many=True, read_only=True,
                                   help_text="Sources with exact quotes; on lists only with include=citations.")

    # Field name -> (columns, prefetches) when it is not simply a column of the same name.
    requirements_map = {}
    # Fields shown only on request (include=…) in lists.
    optional_in_lists = ("citations",)
    # Parts rebuilt from history for as_of: name of the relation -> (part model, parent id field).
    history_parts = {}
    common_fields = ["slug", "url", "html_url", "confidence", "notes", "published_at", "updated_at",
                     "last_verified_on", "retracted_at", "retraction_reason"]

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True  # a read serializer; and fields= / omit= may leave any field out
        return fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.context.get("chosen_fields")
        if chosen is not None:
            for name in list(self.fields):
                if name not in chosen:
                    self.fields.pop(name)

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, record):
        return api_url(record, self.context.get("request"))

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_html_url(self, record):
        request = self.context.get("request")
        path = record.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    @classmethod
    def all_field_names(cls):
        return list(cls().fields)

    @classmethod
    def requirements(cls, field_names):
        """(columns, prefetches) to read for these fields."""
        model = cls.Meta.model
        concrete = {f.name: f.attname for f in model._meta.concrete_fields}
        columns, prefetches = {"id", "slug", "published_at", "retracted_at"}, []
        for name in field_names:
            if name in cls.requirements_map:
                extra_columns, extra_prefetches = cls.requirements_map[name]
                columns.update(extra_columns)
                prefetches.extend(extra_prefetches)
            elif name in concrete:
                columns.add(concrete[name])
        if "citations" in field_names:
            prefetches.append(Prefetch("citations", queryset=Citation.objects.select_related("source")))
        return sorted(columns), prefetches


def partial_columns(field):
    return ([field, f"{field}_precision"], [])


def money_columns(field):
    return ([f"{field}_amount", f"{field}_currency"], [])


def reference_requirement(field, queryset):
    """A foreign key read with one prefetch query of just what a reference shows."""
    return ([f"{field}_id"], [Prefetch(field, queryset=queryset.only("id", "slug", "published_at", *name_columns(queryset)))])


def name_columns(queryset):
    names = {f.name for f in queryset.model._meta.concrete_fields}
    return [n for n in ("name", "title") if n in names]


class SourceSerializer(RecordSerializer):
    published = PartialDateReadField(help_text="When the page was published: YYYY, YYYY-MM or YYYY-MM-DD.")
    # In API responses every record's `url` is its API address, so a source's page address is `source_url`.
    source_url = serializers.URLField(source="url", read_only=True, help_text="The address the registry read.")
    requirements_map = {"published": partial_columns("published_on"), "source_url": (["url"], [])}

    class Meta:
        model = Source
        fields = [*RecordSerializer.common_fields, "source_url", "canonical_url", "archived_url", "title",
                  "title_reconstructed", "publisher", "published", "kind", "verified", "accessed_on", "sha256"]

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("citations", None)
        return fields

