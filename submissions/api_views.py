"""The submissions API: ``POST /api/v1/submissions/`` sends a submission (the same engine and checks as the
site's forms: ``submissions.services.submit``), ``GET /api/v1/submissions/`` lists the caller's own,
``GET /api/v1/submissions/<id>/`` reads one the caller may see.

A token is required (``Authorization: Token <key>``). Submissions are private: no ETag, never stored by a
cache (``Cache-Control: private, no-store``, ``Vary: Authorization``); the CORS middleware lets other origins
read with a token (GET) but never write (its preflight allows GET, HEAD and OPTIONS only).

Order of checks on POST: token (401), rate limit (429), body size before parsing (413), the
Idempotency-Key header (400), JSON (400), then, under a lock of the token's row, the key's earlier
submission (a replay: 201 with the first submission; another body: 422), the envelope and the
engine's checks (400 naming every field) and the daily quota (429). Nothing is stored on any error.
"""

import datetime
import hashlib
import json
import re

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from registry.api.errors import ApiError
from registry.api.parameters import (
    PAGE_SIZE_MESSAGE,
    Choice,
    Parameter,
    WholeNumber,
    openapi_parameters,
    presence_errors,
    raise_if,
)
from registry.api_docs import ERROR
from registry.api_views import RegistryAPIView
from registry.loader import flatten_errors
from registry.models import ApiToken, Submission
from registry.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, InvalidCursor, Ordering, decode_cursor, paginate
from submissions import services
from submissions.api_serializers import NewSubmissionSerializer, SubmissionSerializer
from submissions.validation import QuotaExceeded, SubmissionInvalid, validate_submission

TOKEN_MESSAGE = ("Submitting and reading submissions needs an API token: send it as Authorization: Token <key>. "  # noqa: S105 - an error message, not a password
                 "Create one on your account page (/account/).")
IDEMPOTENCY_WINDOW = datetime.timedelta(hours=24)
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,198}[\x21-\x7e]$|^[\x21-\x7e]$")
ORDERING = Ordering("submitted_at", descending=True)
MAX_ID = 2**63 - 1


def engine_field(where):
    """The engine's names (payload.title, record_type) as the API's body names them (record.title, type)."""
    if where == "payload" or where.startswith(("payload.", "payload[")):
        return "record" + where[len("payload"):]
    return {"record_type": "type"}.get(where, where)


def invalid(errors, *, status_code=400, code="invalid_submission"):
    fields = {engine_field(where): [str(m) for m in messages] for where, messages in errors.items()}
    if status_code == 429:
        message = " ".join(message for messages in fields.values() for message in messages)
        return ApiError(429, "quota_exceeded", message, fields)
    return ApiError(status_code, code, "The submission was not accepted: " + ", ".join(sorted(fields))
                    + ". Nothing was stored.", fields)


class SubmissionParameters(forms.Form):
    kind = "Submissions"

    cursor = Parameter("Opaque cursor from `next` or `previous`; an invalid cursor is a 400.")
    page_size = WholeNumber(f"Submissions per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).", minimum=1,
                            maximum=MAX_PAGE_SIZE, invalid=PAGE_SIZE_MESSAGE)
    status = Choice("Only submissions in this state.", choices=Submission.Status.values,
                    invalid=f"Use one of: {', '.join(Submission.Status.values)}.")

    def clean_cursor(self):
        cursor = self.cleaned_data.get("cursor")
        if cursor:
            try:
                decode_cursor(cursor, Submission, ORDERING)
            except InvalidCursor as error:
                raise forms.ValidationError(str(error)) from None
        return cursor


ERROR_401 = OpenApiResponse(ERROR, description="No token, or a token that is not valid or was revoked: send "
                                               "`Authorization: Token <key>`.")
ERROR_406 = OpenApiResponse(ERROR, description="The Accept header asks for something other than JSON.")
ERROR_429_RATE = OpenApiResponse(ERROR, description="Rate limit reached: see Retry-After and the RateLimit-* headers.")
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any unique string (1–200 printable ASCII characters, e.g. a UUID) to make a retry safe: for 24 "
                "hours, a request with the same token, key and body returns the first submission (201, with the "
                "header `Idempotent-Replayed: true`) instead of storing another; the same key with another body is "
                "a 422.")
SUBMISSION_PAGE = inline_serializer("SubmissionPage", {
    "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last page."),
    "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first page."),
    "results": SubmissionSerializer(many=True),
})


class SubmissionsAPIView(RegistryAPIView):
    """Token required; private answers with the caller's rate limit."""

    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise exceptions.MethodNotAllowed(request.method)  # before asking for a token
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        if not request.successful_authenticator:
            raise exceptions.NotAuthenticated(TOKEN_MESSAGE)
        super().permission_denied(request, message=message, code=code)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        patch_vary_headers(response, ["Accept", "Authorization"])
        return response

    def get_serializer_context(self):
        return {"request": self.request}


class SubmissionList(SubmissionsAPIView):
    @extend_schema(
        operation_id="submissions_list",
        summary="Your submissions",
        description="The submissions sent by the token's owner (by the API or the site), newest first, in keyset "
                    "pages. Private: never cached.",
        parameters=openapi_parameters(SubmissionParameters),
        responses={200: SUBMISSION_PAGE,
                   400: OpenApiResponse(ERROR, description="Unknown, empty or malformed parameters, each named."),
                   401: ERROR_401, 406: ERROR_406, 429: ERROR_429_RATE},
    )
    def get(self, request, *args, **kwargs):
        form = SubmissionParameters(request.query_params)
        raise_if({**form.errors, **presence_errors(request.query_params, set(form.fields))})
        parameters = form.cleaned_data
        queryset = Submission.objects.filter(submitted_by=request.user).select_related("organization")
        if parameters["status"]:
            queryset = queryset.filter(status=parameters["status"])
        page = paginate(queryset, ORDERING, cursor=parameters["cursor"],
                        page_size=parameters["page_size"] or DEFAULT_PAGE_SIZE)

        def link(cursor):
            if not cursor:
                return None
            query = request.query_params.copy()
            query["cursor"] = cursor
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        results = SubmissionSerializer(page.items, many=True, context=self.get_serializer_context()).data
        return Response({"next": link(page.next_cursor), "previous": link(page.previous_cursor), "results": results})

    @extend_schema(
        operation_id="submissions_create",
        summary="Send a submission",
        description="Propose a new record, an update, a correction or a retraction, with its sources and why. It "
                    "waits for a moderator (status `pending`); nothing is public until one approves it. The record "
                    "is checked like the interchange files (docs/interchange.md, \"Submissions\"): every problem is "
                    "named in one 400 and nothing is stored. Limits: the body at most "
                    f"{settings.SUBMISSION_MAX_PAYLOAD_BYTES // 1024} KiB (413), "
                    f"{settings.SUBMISSION_DAILY_QUOTA} submissions per 24 hours (429), "
                    f"{settings.SUBMISSION_MAX_SOURCES} sources, {settings.SUBMISSION_MAX_TEXT_LENGTH:,} characters "
                    "per text.",
        request=NewSubmissionSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(SubmissionSerializer, description="Stored, pending review (or, with the same "
                                                                   "Idempotency-Key and body, the first one)."),
            400: OpenApiResponse(ERROR, description="The body is not JSON, or fields are missing or wrong: each is "
                                                    "named in `fields` (`record.title`, `sources[0].url`…)."),
            401: ERROR_401, 406: ERROR_406,
            413: OpenApiResponse(ERROR, description="The body is larger than the limit."),
            422: OpenApiResponse(ERROR, description="This Idempotency-Key was used with another body in the last "
                                                    "24 hours."),
            429: OpenApiResponse(ERROR, description="The daily submission quota (code `quota_exceeded`) or the "
                                                    "rate limit (code `throttled`, with Retry-After) is reached."),
        },
    )
    def post(self, request, *args, **kwargs):
        token = request.auth
        raw = self.read_body(request)
        key = self.idempotency_key(request)
        digest = hashlib.sha256(raw).hexdigest()
        body = self.parse_json(raw)
        with transaction.atomic():
            # One request per token at a time: two identical requests at once store one submission.
            ApiToken.objects.select_for_update().filter(pk=token.pk).values_list("pk", flat=True).first()
            if key:
                previous = (Submission.objects.filter(api_token=token, idempotency_key=key,
                                                      submitted_at__gte=timezone.now() - IDEMPOTENCY_WINDOW)
                            .order_by("-submitted_at", "-id").first())
                if previous is not None:
                    if previous.body_sha256 != digest:
                        raise ApiError(422, "idempotency_key_reused",
                                       "This Idempotency-Key was used with another body in the last 24 hours: use "
                                       "a new key for a new submission.", {"Idempotency-Key": ["Used with another "
                                                                                              "body."]})
                    return self.created(previous, replayed=True)
            submission = self.submit(request, body, token=token, key=key, digest=digest)
        return self.created(submission)

    # --- steps ---
    def read_body(self, request):
        limit = settings.SUBMISSION_MAX_PAYLOAD_BYTES
        too_large = ApiError(413, "payload_too_large", f"The body is larger than {limit:,} bytes "
                                                       f"({limit // 1024} KiB): split the submission or shorten "
                                                       "its texts.")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise too_large  # before reading a byte of it
        raw = request.body
        if len(raw) > limit:
            raise too_large
        return raw

    def idempotency_key(self, request):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return ""
        if not IDEMPOTENCY_KEY.match(key):
            raise ApiError(400, "invalid_request", "The Idempotency-Key header is not usable.",
                           {"Idempotency-Key": ["Use 1 to 200 printable ASCII characters, e.g. a UUID."]})
        return key

    def parse_json(self, raw):
        shape = ["Send a JSON object: {\"kind\": …, \"type\": …, \"record\": {…}, \"sources\": […], "
                 "\"rationale\": …}."]
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ApiError(400, "invalid_request", "The body is not valid JSON (UTF-8).", {"body": shape}) from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "The body is JSON but not an object.", {"body": shape})
        return body

    def submit(self, request, body, *, token, key, digest):
        envelope = NewSubmissionSerializer(data=body)
        if not envelope.is_valid():
            raise invalid(self.with_engine_errors(body, envelope))
        data = envelope.validated_data
        try:
            return services.submit(
                user=request.user, kind=data["kind"], record_type=data["type"], payload=data["record"],
                sources=data["sources"], rationale=data["rationale"], target_slug=data["target"],
                organization=data["organization"], credited_publicly=data["credited_publicly"],
                base_history_id=data.get("base_history_id"), api_token=token, idempotency_key=key,
                body_sha256=digest)
        except QuotaExceeded as error:
            raise invalid(error.errors, status_code=429) from None
        except SubmissionInvalid as error:
            raise invalid(error.errors) from None

    def with_engine_errors(self, body, envelope):
        """The envelope's errors, and the engine's about the record and sources when the envelope says enough
        to check them (so one 400 names every bad field)."""
        errors = {}
        for line in flatten_errors(envelope.errors):
            where, _, message = line.partition(": ")
            errors.setdefault(where, []).append(message)
        if not isinstance(body, dict) or {"kind", "type", "target", "body"} & {w.split(".")[0].split("[")[0]
                                                                                 for w in errors}:
            return errors
        record, sources = body.get("record", {}), body.get("sources", [])
        if not isinstance(record, dict) or not isinstance(sources, list):
            return errors
        record_type = services.record_type_named(body["type"])
        target = services.target_record(record_type, body.get("target")) if body["kind"] != "create" else None
        if body["kind"] != "create" and target is None:
            return errors
        rationale = body.get("rationale") if isinstance(body.get("rationale"), str) else "-"
        try:
            validate_submission(kind=body["kind"], record_type=record_type, payload=record, sources=sources,
                                rationale=rationale, target=target)
        except SubmissionInvalid as error:
            for where, messages in error.errors.items():
                errors.setdefault(where, messages)
        return errors

    def created(self, submission, *, replayed=False):
        data = SubmissionSerializer(submission, context=self.get_serializer_context()).data
        response = Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class SubmissionDetail(SubmissionsAPIView):
    @extend_schema(
        operation_id="submissions_retrieve",
        summary="One submission",
        description="A submission you sent (moderators and the administrators of its organisation may read it "
                    "too); any other id is a 404. Private: never cached.",
        responses={200: SubmissionSerializer,
                   400: OpenApiResponse(ERROR, description="A query parameter was sent: this address takes none."),
                   401: ERROR_401, 404: OpenApiResponse(ERROR, description="No submission you may read has this id."),
                   406: ERROR_406, 429: ERROR_429_RATE},
    )
    def get(self, request, pk, *args, **kwargs):
        raise_if(presence_errors(request.query_params, set()))
        submission = None
        if 0 < pk <= MAX_ID:
            submission = (Submission.objects.visible_to(request.user).select_related("organization")
                          .filter(pk=pk).first())
        if submission is None:
            raise exceptions.NotFound(f"No submission you may read has the id {pk}.")
        return Response(SubmissionSerializer(submission, context=self.get_serializer_context()).data)
