"""API responses: the interchange shape plus ``url``, ``html_url`` and references expanded to
{slug, name, url}. The shared read fields, the base RecordSerializer (``fields`` / ``omit`` /
``include`` and the columns and prefetches they need), and the sources' serializer. Each app's
types are in <app>/api_serializers.py; what the interchange files accept is write_serializers.py.
"""

from django.db.models import Prefetch
from django.urls import reverse as page_reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from registry.models import Citation, Confidence, Source

# Addresses differ from record to record only by the slug: each request reverses a type's address once,
# with this in place of the slug, and every row is then two string concatenations (reverse() and
# build_absolute_uri per row were most of a list's Python time). Slugs are [-a-zA-Z0-9_]: never escaped.
SLUG_MARK = "0slug0"


def address_parts(request, kind, record_type):
    """(head, tail) of a record type's absolute API (``kind="api"``) or page address, once per request."""
    cache = request.__dict__.setdefault("_address_parts", {})
    parts = cache.get((kind, record_type))
    if parts is None:
        if kind == "api":
            address = reverse(f"api:{record_type}-detail", kwargs={"slug": SLUG_MARK}, request=request)
        else:
            address = request.build_absolute_uri(page_reverse(f"{record_type}-detail", kwargs={"slug": SLUG_MARK}))
        parts = cache[(kind, record_type)] = tuple(address.split(SLUG_MARK, 1))
    return parts


def api_url_of(record_type, slug, request):
    if request is None:
        return reverse(f"api:{record_type}-detail", kwargs={"slug": slug})
    head, tail = address_parts(request, "api", record_type)
    return head + slug + tail


def page_url_of(record_type, slug, request):
    if request is None:
        return page_reverse(f"{record_type}-detail", kwargs={"slug": slug})
    head, tail = address_parts(request, "page", record_type)
    return head + slug + tail


def api_url(record, request):
    return api_url_of(record.record_type, record.slug, request)


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
    claims = serializers.ListField(
        child=serializers.CharField(),
        help_text="The facts of the record the quote supports: claim keys of the record's type (a field name such "
                  "as 'ceiling', 'amount:<kind>', 'term:<slug>'); empty for a general source of the record.")

    @extend_schema_field(REFERENCE_SCHEMA)
    def get_source(self, citation):
        return reference(citation.source, self.context.get("request"))


@extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
    "claim": {"type": "string"}, "why": {"type": "string"}}, "required": ["claim", "why"]}})
class WeakClaimsField(serializers.JSONField):
    """The research's list of claims resting only on weak sources: [{claim, why}]."""


class RecordSerializer(serializers.ModelSerializer):
    """Base of every read serializer. ``fields`` / ``omit`` / ``include`` shape the response;
    ``requirements()`` says which columns and relations the chosen fields need, so the view reads
    nothing else."""

    url = serializers.SerializerMethodField(help_text="This record in the API.")
    html_url = serializers.SerializerMethodField(help_text="This record's page on the site.")
    citations = CitationSerializer(many=True, read_only=True,
                                   help_text="Sources with exact quotes; on lists only with include=citations.")
    weakly_sourced_claims = WeakClaimsField(
        read_only=True, help_text="Claims the research found rest only on weak sources: [{claim, why}].")
    field_confidence = serializers.DictField(
        child=serializers.ChoiceField(choices=Confidence.choices), read_only=True,
        help_text="Confidence of single fields rated apart from the record's own, e.g. {\"piid\": \"low\"}.")

    # Field name -> (columns, prefetches) when it is not simply a column of the same name.
    requirements_map = {}
    # Fields shown only on request (include=…) in lists.
    optional_in_lists = ("citations",)
    # Parts rebuilt from history for as_of: name of the relation -> (part model, parent id field).
    history_parts = {}
    common_fields = ["slug", "url", "html_url", "confidence", "field_confidence", "notes", "published_at",
                     "updated_at", "last_verified_on", "retracted_at", "retraction_reason", "weakly_sourced_claims",
                     "disputed_facts"]

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
        return page_url_of(record.record_type, record.slug, self.context.get("request"))

    @classmethod
    def all_field_names(cls):
        """Every field's name; the same for every request, so worked out once per class."""
        names = cls.__dict__.get("_all_field_names")
        if names is None:
            names = cls._all_field_names = tuple(cls().fields)
        return list(names)

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
            prefetches.append(Prefetch("citations", queryset=Citation.objects.select_related("source").only(
                "id", "target_type_id", "target_id", "quote", "locator", "claims", "position",
                "source__id", "source__slug", "source__published_at", "source__title")))
        return sorted(columns), prefetches


def partial_columns(field):
    return ([field, f"{field}_precision"], [])


def money_columns(field):
    return ([f"{field}_amount", f"{field}_currency"], [])


def reference_requirement(field, queryset):
    """A foreign key read with one prefetch query of just what a reference shows."""
    return ([f"{field}_id"], [Prefetch(field, queryset=queryset.only(*reference_columns(queryset.model)))])


def name_columns(queryset):
    return [n for n in reference_columns(queryset.model) if n in ("name", "title")]


def reference_columns(model, prefix=""):
    """The columns a reference to a record of ``model`` reads (``prefix`` = "vendor__" through a link)."""
    names = {f.name for f in model._meta.concrete_fields}
    return [prefix + n for n in ("id", "slug", "published_at", "name", "title") if n in names]


def links_to(link_model, target, *, order=("id",)):
    """A link model's rows with just their target's reference columns, in one query: no other column of the
    target, and no join for the link model's default ordering (which sorts by its parent's own order)."""
    target_model = link_model._meta.get_field(target).related_model
    link_columns = [f.name for f in link_model._meta.concrete_fields]
    return (link_model.objects.select_related(target)
            .only(*link_columns, *reference_columns(target_model, f"{target}__")).order_by(*order))


class SourceSerializer(RecordSerializer):
    published = PartialDateReadField(help_text="When the page was published: YYYY, YYYY-MM or YYYY-MM-DD.")
    # In API responses every record's `url` is its API address, so a source's page address is `source_url`.
    source_url = serializers.URLField(source="url", read_only=True, help_text="The address the registry read.")
    requirements_map = {"published": partial_columns("published_on"), "source_url": (["url"], [])}

    class Meta:
        model = Source
        fields = [*RecordSerializer.common_fields, "source_url", "canonical_url", "archived_url", "title",
                  "title_reconstructed", "publisher", "published", "kind", "tier", "tier_reason", "verified",
                  "accessed_on", "sha256"]

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("citations", None)
        fields.pop("weakly_sourced_claims", None)
        fields.pop("field_confidence", None)
        return fields

