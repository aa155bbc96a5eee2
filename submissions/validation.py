"""What a submission may say, checked before anything is stored.

A submission carries a record in the interchange shape (``payload``: the whole record for a new
one, only the changed fields for an update or correction, nothing for a retraction), the sources
offered for it and a rationale. The record is validated by its type's WriteSerializer in
*submission mode*: the registry, not the submitter, sets when a record is published, retracted,
last verified and how confident the registry is, so those fields are refused by name; the slug is
optional (proposed from the title, fixed by the moderator).

Every problem is reported at once, keyed by where it is (``payload.title``, ``sources[0].url``), and
nothing is stored when there is one.
"""

import json
import re

from django.conf import settings
from django.utils.text import slugify
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from registry.claims import claim_errors
from registry.interchange import by_name, record_types
from registry.loader import flatten_errors
from registry.models import Source, Submission
from registry.normalize import normalize_url
from registry.write_serializers import PartialDateField, to_interchange

# Set by the registry at approval, never by a submitter.
REFUSED_FIELDS = ("published_at", "retracted_at", "retraction_reason", "confidence", "last_verified_on",
                  "created_at")
REFUSED_MESSAGE = "Set by the registry when a moderator approves the submission; leave it out."
# The registry's own assessments and words, and the citations (which come from the sources offered):
# never proposed by a submitter, so the API accepts what the forms offer and no more.
EDITORIAL_FIELDS = ("notes", "citations", "field_confidence", "weakly_sourced_claims", "disputed_facts",
                    "tier", "tier_reason", "verified", "sha256", "title_reconstructed",
                    "federal_data_status", "federal_data_checked_on")
EDITORIAL_MESSAGE = ("The registry's own assessment or words: not proposed in a submission. Offer sources (with "
                     "their quotes and claims) and say what you know in the rationale.")
SOURCE_KINDS = [choice for choice, _ in Source.Kind.choices]


class SubmissionInvalid(Exception):
    """Every problem with a submission, as {where: [messages]}."""

    status = 400

    def __init__(self, errors):
        self.errors = {key: list(value) if isinstance(value, (list, tuple)) else [value]
                       for key, value in errors.items()}
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in self.errors.items()))


class QuotaExceeded(SubmissionInvalid):
    status = 429


def limits():
    return {
        "daily_quota": settings.SUBMISSION_DAILY_QUOTA,
        "max_sources": settings.SUBMISSION_MAX_SOURCES,
        "max_text": settings.SUBMISSION_MAX_TEXT_LENGTH,
        "max_payload_bytes": settings.SUBMISSION_MAX_PAYLOAD_BYTES,
    }


def submittable_types():
    """Every public record type, in page order: each may be proposed, corrected, updated or retracted."""
    return list(record_types())


def record_type_named(name):
    try:
        return by_name(name)
    except KeyError:
        raise SubmissionInvalid({"record_type": [
            f"“{name}” is not a record type; use one of: {', '.join(t.name for t in record_types())}."]}) from None


class SourceOfferSerializer(serializers.Serializer):
    """One source offered with a submission: where it is, what it is, and the exact words that support
    which claim. Its URL is stored as text and never fetched."""

    url = serializers.URLField(max_length=1000, help_text="The source's web address (http or https).")
    title = serializers.CharField(max_length=500, help_text="The source's title.")
    publisher = serializers.CharField(max_length=300, help_text="Who published it.")
    published = PartialDateField(help_text="When it was published: YYYY, YYYY-MM or YYYY-MM-DD.")
    kind = serializers.ChoiceField(choices=SOURCE_KINDS, required=False, default=Source.Kind.OTHER,
                                   help_text="What kind of source it is.")
    quote = serializers.CharField(max_length=5000, trim_whitespace=False,
                                  help_text="The source's exact words that support the claim.")
    locator = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                    help_text="Where in the source the quote is: page, paragraph, timestamp.")
    claims = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list,
                                   help_text="Which facts of the record the quote supports: claim keys of the "
                                             "record's type, e.g. [\"ceiling\"] (docs/interchange.md, Claims).")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)

    def validate_url(self, value):
        if not re.match(r"^https?://", value, flags=re.IGNORECASE):
            raise serializers.ValidationError("Use an http or https address.")
        return value

    def validate_quote(self, value):
        if not value.strip():
            raise serializers.ValidationError("Give the source's exact words that support the claim.")
        return value


def check_sources(sources, record_type, kind):
    """The sources offered, validated; at least one, each stating which claim it supports (a retraction's
    sources support the retraction itself and name no claim)."""
    errors = {}
    if not isinstance(sources, list):
        return [], {"sources": ["Sources are a list of objects."]}
    if not sources:
        errors["sources"] = ["Give at least one source: its address, title, publisher, date and the exact "
                             "words that support the change."]
    if len(sources) > limits()["max_sources"]:
        errors["sources"] = [f"At most {limits()['max_sources']} sources per submission."]
    cleaned = []
    for index, source in enumerate(sources):
        serializer = SourceOfferSerializer(data=source)
        if not serializer.is_valid():
            for line in flatten_errors(serializer.errors, f"sources[{index}]"):
                where, _, message = line.partition(": ")
                errors.setdefault(where, []).append(message)
            continue
        data = dict(serializer.validated_data)
        held = Source.objects.filter(url=normalize_url(data["url"])).first()
        if held is not None and not Source.objects.public().filter(pk=held.pk).exists():
            errors[f"sources[{index}].url"] = ["The registry cannot take this address in a submission: write to "
                                               "the editors about it."]
        if kind != Submission.Kind.RETRACTION and "citations" in record_type.write_serializer.part_fields:
            problems = claim_errors(record_type.model, data["claims"])
            if not data["claims"]:
                problems = ["Say which claim of the record this quote supports (a claim key such as “title” "
                            "or “ceiling”)."]
            if problems:
                errors[f"sources[{index}].claims"] = problems
        cleaned.append(data)
    return cleaned, errors


def check_text_lengths(value, where, errors):
    """No text longer than the limit, wherever it is in the payload."""
    max_text = limits()["max_text"]
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL text and jsonb cannot hold NUL
        errors.setdefault(where, []).append("Null characters are not allowed.")
    if isinstance(value, str) and len(value) > max_text:
        errors.setdefault(where, []).append(f"At most {max_text:,} characters ({len(value):,} given).")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text_lengths(item, f"{where}.{key}" if where else str(key), errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text_lengths(item, f"{where}[{index}]", errors)


def payload_size(*parts):
    return len(json.dumps(parts, ensure_ascii=False, default=str).encode())


def proposed_slug(record_type, payload):
    """A slug from the record's title or name, free among its type's slugs (the moderator may change it)."""
    base = slugify(payload.get("title") or payload.get("name") or record_type.name)[:100].strip("-") or record_type.name
    model = record_type.model
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def serializer_errors(serializer):
    errors = {}
    for line in flatten_errors(serializer.errors, "payload"):
        where, _, message = line.partition(": ")
        errors.setdefault(where, []).append(message)
    return errors


def public_references_only(serializer):
    for field in serializer.fields.values():
        if isinstance(field, serializers.ListSerializer):
            public_references_only(field.child)
            continue
        if isinstance(field, serializers.Serializer):
            public_references_only(field)
            continue
        relation = getattr(field, "child_relation", field)
        queryset = getattr(relation, "queryset", None)
        if queryset is not None and hasattr(queryset, "public"):
            relation.queryset = queryset.public()


def writable(serializer):
    """The serializer in submission mode: references reach only public records (a draft's slug is
    answered as a missing one, so a submission never learns of a draft), and a source's address is
    checked against public sources alone."""
    public_references_only(serializer)
    if "url" in serializer.fields:
        serializer.fields["url"].validators = [v for v in serializer.fields["url"].validators
                                               if not isinstance(v, UniqueValidator)]
    return serializer


def check_payload(kind, record_type, payload, target=None):
    """The payload validated in submission mode; returns (payload to store, errors)."""
    errors = {}
    if not isinstance(payload, dict):
        return {}, {"payload": ["The record is a JSON object in the interchange shape."]}
    for name in REFUSED_FIELDS:
        if name in payload:
            errors[f"payload.{name}"] = [REFUSED_MESSAGE]
    for name in EDITORIAL_FIELDS:
        if name in payload:
            errors[f"payload.{name}"] = [EDITORIAL_MESSAGE]
    serializer_class = record_type.write_serializer
    if kind == Submission.Kind.RETRACTION:
        if payload:
            errors["payload"] = ["A retraction proposes no field values: say why in the rationale."]
        return {}, errors
    known = set(serializer_class().fields) | set(getattr(serializer_class.Meta, "ignored_keys", ()))
    unknown = sorted(set(payload) - known - set(REFUSED_FIELDS) - set(EDITORIAL_FIELDS))
    for name in unknown:
        errors[f"payload.{name}"] = [f"Not a field of {record_type.label.lower()}."]
    if errors:
        return {}, errors
    if kind == Submission.Kind.CREATE:
        stored = dict(payload)
        candidate = {**stored, "slug": stored.get("slug") or proposed_slug(record_type, stored)}
        serializer = writable(serializer_class(data=candidate))
    else:
        if not payload:
            return {}, {"payload": ["Change at least one field."]}
        if "slug" in payload and payload["slug"] != target.slug:
            return {}, {"payload.slug": ["A record's slug never changes: it is the record's address."]}
        current = to_interchange(target)
        stored = {key: value for key, value in payload.items() if current.get(key) != value}
        if not stored:
            return {}, {"payload": ["Nothing differs from the record as it stands: change at least one field."]}
        candidate = {**current, **stored}
        serializer = writable(serializer_class(instance=target, data=candidate))
    if not serializer.is_valid():
        errors.update(serializer_errors(serializer))
    return stored, errors


def validate_submission(*, kind, record_type, payload, sources, rationale, target=None):
    """Everything a submission says, checked at once. Returns (payload, sources) to store, or raises
    SubmissionInvalid naming every problem."""
    errors = {}
    if kind not in Submission.Kind.values:
        raise SubmissionInvalid({"kind": [f"Use one of: {', '.join(Submission.Kind.values)}."]})
    if kind != Submission.Kind.CREATE and target is None:
        raise SubmissionInvalid({"target": ["Name the record this submission concerns."]})
    if not isinstance(rationale, str) or not rationale.strip():
        errors["rationale"] = ["Say why you propose this change."]
    elif len(rationale) > limits()["max_text"]:
        errors["rationale"] = [f"At most {limits()['max_text']:,} characters ({len(rationale):,} given)."]
    if payload_size(payload, sources, rationale) > limits()["max_payload_bytes"]:
        raise SubmissionInvalid({"payload": [
            f"The submission is larger than {limits()['max_payload_bytes'] // 1024} KiB: split it, or shorten "
            "its texts."]})
    length_errors = {}
    check_text_lengths(payload, "payload", length_errors)
    check_text_lengths(sources, "sources", length_errors)
    check_text_lengths(rationale, "rationale", length_errors)
    if length_errors:
        raise SubmissionInvalid({**errors, **length_errors})
    cleaned_sources, source_errors = check_sources(sources, record_type, kind)
    errors.update(source_errors)
    stored, payload_errors = check_payload(kind, record_type, payload, target)
    errors.update(payload_errors)
    if errors:
        raise SubmissionInvalid(errors)
    return stored, [as_json(source) for source in cleaned_sources]


def as_json(source):
    return {**source, "published": source["published"].isoformat()}
