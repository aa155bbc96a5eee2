"""The submissions API's shapes: the request body of ``POST /api/v1/submissions/`` (checked here for its
envelope only: the record and sources are checked by ``submissions.services.submit``, in submission
mode, like the site's forms) and the submission as the API returns it.

The body (docs/interchange.md, "Submissions"):
    kind, type, target, record (the interchange shape), sources, rationale, organization,
    credited_publicly, base_history_id
The response never names the submitter or the reviewer.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from registry.api.parameters import RECORD_TYPES
from registry.filters import PARTIAL_DATE_SCHEMA
from registry.models import Organization, Submission
from submissions import services
from submissions.validation import REFUSED_FIELDS, SourceOfferSerializer

RECORD_DESCRIPTION = (
    "The record in the interchange shape (docs/interchange.md, the section of its type): the whole record for "
    "`create` (`slug` optional: proposed from the title, fixed by the moderator), only the fields that change for "
    "`update` and `correction`, `{}` (or left out) for `retraction`. The registry sets "
    + ", ".join(f"`{name}`" for name in REFUSED_FIELDS) + ": a record naming them is refused. Citations come from "
    "`sources`."
)


class PartialDateScheme(OpenApiSerializerFieldExtension):
    """A partial date in the OpenAPI document (a source offered with a submission has one)."""

    target_class = "registry.write_serializers.PartialDateField"

    def map_serializer_field(self, auto_schema, direction):
        return dict(PARTIAL_DATE_SCHEMA)


@extend_schema_field({"type": "object", "additionalProperties": True, "description": RECORD_DESCRIPTION})
class RecordField(serializers.DictField):
    """A JSON object, checked by the record type's WriteSerializer in submission mode (not here)."""


@extend_schema_field(SourceOfferSerializer(many=True))
class SourcesField(serializers.ListField):
    """A list of objects, each checked by SourceOfferSerializer (in the engine: claims depend on the type)."""

    child = serializers.DictField()


class NewSubmissionSerializer(serializers.Serializer):
    """The body of POST /api/v1/submissions/. Every problem, here and in the engine, is one 400 naming each."""

    kind = serializers.ChoiceField(
        choices=Submission.Kind.values,
        help_text="`create` (a new record), `update` (new facts about a record), `correction` (the record is wrong), "
                  "`retraction` (the record should not be public).")
    type = serializers.ChoiceField(
        choices=RECORD_TYPES, help_text="The record type, as in the change feed: `agreement`, `term`, `designation`, "
                                        "`testing-disclosure`…")
    target = serializers.CharField(
        required=False, allow_blank=True, max_length=120,
        help_text="The slug of the published record concerned: required for update, correction and retraction; "
                  "left out for create.")
    record = RecordField(required=False, default=dict)
    sources = SourcesField(
        help_text="At least one source offered for the change: its address (stored, never fetched), title, "
                  "publisher, date, the exact quote that supports it and the claims it supports.")
    rationale = serializers.CharField(
        allow_blank=True, trim_whitespace=False,
        help_text="Why you propose this change, for the moderator (never public).")
    organization = serializers.CharField(
        required=False, allow_null=True, max_length=120,
        help_text="The slug of the organisation you act for: you must be an active member of it.")
    credited_publicly = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Whether public history may name the organisation for this submission once approved (only a "
                  "verified organisation is named; otherwise it says “registry staff”). Defaults to your "
                  "membership's choice.")
    base_history_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text="For update and correction: the version of the record you read (a history id). Defaults to the "
                  "record as it stands now; the moderator sees what changed since.")

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"body": ["Send a JSON object with kind, type, record, sources and "
                                                        "rationale."]})
        unknown = sorted(set(data) - set(self.fields))
        errors = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            errors = dict(error.detail)
            value = None
        for key in unknown:
            errors[key] = ["Unknown field."]
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate(self, data):
        errors = {}
        target = (data.get("target") or "").strip()
        if data["kind"] == Submission.Kind.CREATE:
            if target:
                errors["target"] = ["A new record has no target: leave it out (propose its slug in record.slug)."]
            if data.get("base_history_id") is not None:
                errors["base_history_id"] = ["Only an update or a correction is written against a version."]
        elif not target:
            errors["target"] = ["Name the record this submission concerns by its slug."]
        organization = None
        if data.get("organization"):
            organization = Organization.objects.filter(slug=data["organization"]).first()
            if organization is None:
                errors["organization"] = [f"No organisation has the slug “{data['organization']}”."]
        if errors:
            raise serializers.ValidationError(errors)
        return {**data, "target": target, "organization": organization}


@extend_schema_field(SourceOfferSerializer(many=True))
class StoredSourcesField(serializers.JSONField):
    """The sources as stored (already checked; ``published`` an ISO string)."""


class OrganizationRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SubmissionSerializer(serializers.ModelSerializer):
    """A submission as its submitter (or a moderator, or an administrator of its organisation) sees it."""

    url = serializers.SerializerMethodField(help_text="This submission in the API.")
    html_url = serializers.SerializerMethodField(help_text="This submission's page on the site.")
    type = serializers.CharField(source="record_type", help_text="The record type.")
    target = serializers.SerializerMethodField(help_text="The slug of the record concerned; null for create.")
    record = serializers.JSONField(source="payload", help_text="The proposed record (or changed fields), as stored.")
    sources = StoredSourcesField(help_text="The sources offered, as stored.")
    organization = serializers.SerializerMethodField(help_text="The organisation acted for, or null.")
    public_credit = serializers.SerializerMethodField(
        help_text="What public history says of it once approved: the organisation's name, or “registry staff”.")
    reason_code = serializers.SerializerMethodField(
        help_text="For a rejection: the documented reason code (/about/submissions/); else null.")
    decision_reason = serializers.CharField(help_text="The moderator's reason for the decision (empty until then).")
    published_url = serializers.SerializerMethodField(
        help_text="Once approved: the record in the API (a retracted record keeps its address); else null.")
    published_html_url = serializers.SerializerMethodField(help_text="Once approved: the record's page; else null.")
    replaces = serializers.SerializerMethodField(
        help_text="The earlier submission this one revises after changes were requested (its API address), or null.")

    class Meta:
        model = Submission
        fields = ["id", "url", "html_url", "kind", "type", "target", "status", "title", "record", "sources",
                  "rationale", "organization", "credited_publicly", "public_credit", "base_history_id",
                  "submitted_at", "decided_at", "decision_reason", "reason_code", "published_url",
                  "published_html_url", "replaces"]
        read_only_fields = fields

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, submission):
        return reverse("api:submission-detail", kwargs={"pk": submission.pk}, request=self.context.get("request"))

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_html_url(self, submission):
        return self._absolute(submission.get_absolute_url())

    def get_target(self, submission) -> str | None:
        return submission.target_slug or None

    @extend_schema_field(OrganizationRefSerializer(allow_null=True))
    def get_organization(self, submission):
        organization = submission.organization
        return {"slug": organization.slug, "name": organization.name} if organization else None

    def get_public_credit(self, submission) -> str:
        # services.public_credit depends only on these three (and the organisation's status, the same for
        # every row of one answer): one query per organisation and choice, not per row.
        cache = self.context.setdefault("public_credits", {}) if self.context is not None else {}
        key = (submission.submitted_by_id, submission.organization_id, submission.credited_publicly)
        if key not in cache:
            cache[key] = services.public_credit(submission)
        return cache[key]

    def get_reason_code(self, submission) -> str | None:
        return submission.reason_code or None

    def _published_type(self, submission):
        if submission.status != Submission.Status.APPROVED or not submission.published_slug:
            return None
        return services.record_type_named(submission.record_type)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_published_url(self, submission):
        record_type = self._published_type(submission)
        if record_type is None:
            return None
        return reverse(f"api:{record_type.name}-detail", kwargs={"slug": submission.published_slug},
                       request=self.context.get("request"))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_published_html_url(self, submission):
        record_type = self._published_type(submission)
        if record_type is None:
            return None
        return self._absolute(record_type.model(slug=submission.published_slug).get_absolute_url())

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_replaces(self, submission):
        if not submission.replaces_id:
            return None
        return reverse("api:submission-detail", kwargs={"pk": submission.replaces_id},
                       request=self.context.get("request"))

