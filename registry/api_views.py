"""The base of every API resource (RecordViewSet), and the core app's own: sources, the change
feed, and the API root."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from registry import api_serializers, response_cache
from registry.api.caching import etag_for, latest_change, not_modified, with_validators
from registry.api.filtering import ValidatedFilterBackend
from registry.api.pagination import KeysetPagination
from registry.api.parameters import (
    ChangeParameters,
    openapi_parameters,
    parse_changes,
    parse_list,
    parse_record,
)
from registry.api_docs import ERRORS, document_resource
from registry.api_serializers import api_url_of
from registry.exports import csv_response
from registry.filters import SourceFilterSet
from registry.history import record_as_of
from registry.interchange import in_api_order
from registry.models import ChangeLog
from registry.pagination import DEFAULT_PAGE_SIZE


class CsvListRenderer(BaseRenderer):
    """Lets content negotiation accept ``Accept: text/csv`` for a list; the list view then streams the CSV
    itself (registry/exports.py), so this renderer never renders anything."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)  # never reached: finalize_response answers errors as JSON


class CountedBeforeRefused:
    """DRF chooses the response's format before it authenticates and throttles, so a 406 would be counted as the
    address's request rather than the token's: the refusal waits until the throttle has run."""

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force=force)
        except exceptions.NotAcceptable as refused:
            self._not_acceptable = refused
            return JSONRenderer(), JSONRenderer.media_type  # the 406 itself is the JSON error shape

    def check_throttles(self, request):
        super().check_throttles(request)
        if getattr(self, "_not_acceptable", None) is not None:
            raise self._not_acceptable


class RecordViewSet(CountedBeforeRefused, viewsets.ReadOnlyModelViewSet):
    """A public record type, read by anyone: lists with the pages' FilterSet, details with as_of.

    Every parameter is read once, in ``initial`` (registry.api.parameters): a request with any bad
    parameter is one 400 naming each, before the ETag is compared."""

    record_type = None
    filterset_class = None
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [ValidatedFilterBackend]
    pagination_class = KeysetPagination

    def get_renderers(self):
        # A list is also CSV: asked for with ?format=csv or with Accept: text/csv (a record is JSON only).
        renderers = super().get_renderers()
        if getattr(self, "swagger_fake_view", False):  # the schema documents the CSV itself (format=csv)
            return renderers
        return [*renderers, CsvListRenderer()] if getattr(self, "action", None) == "list" else renderers

    def wants_csv(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.parameters["format"] == "csv" or isinstance(renderer, CsvListRenderer)

    def parse_parameters(self, request):
        """The request's parameters; on a list also its validated FilterSet and keyset ordering."""
        if self.action == "list":
            self.parameters, self.filterset, self.keyset_ordering = parse_list(
                request, self.get_serializer_class(), self.filterset_class)
        else:
            self.parameters = parse_record(request, self.get_serializer_class())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        parameters = getattr(self, "parameters", None)
        context["chosen_fields"] = parameters["chosen_fields"] if parameters else None
        return context

    # --- querysets ---
    def get_queryset(self):
        model = self.get_serializer_class().Meta.model
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return model.objects.none()
        if self.action == "list":
            queryset = model.objects.listed(include_retracted=self.parameters["include_retracted"])
        else:
            queryset = model.objects.reachable_by(AnonymousUser())  # retracted records keep their URL
        columns, prefetches = self.get_serializer_class().requirements(self.parameters["chosen_fields"])
        return queryset.only(*columns).prefetch_related(*prefetches)

    # --- protocol ---
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, then throttles: a 405 counts too
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.MethodNotAllowed(request.method)  # before reading any parameter
        change_id, self._last_modified = latest_change()
        if request.method != "OPTIONS":  # OPTIONS says what the resource allows, whatever the query
            self.parse_parameters(request)  # a 400 is never a 304
        self._etag = etag_for(request, change_id)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), CsvListRenderer):
            # Asked for CSV but answered an error (or a 304): the one error shape, as JSON.
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "_etag", None) and response.status_code in (200, 304):  # a 304 restates its validators
            with_validators(response, self._etag, self._last_modified)
        response["Vary"] = "Accept, Authorization"
        return response

    def list(self, request, *args, **kwargs):
        if not_modified(request, self._etag, self._last_modified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        queryset = self.filter_queryset(self.get_queryset())
        if self.wants_csv():
            model = queryset.model
            rows = model.objects.filter(pk__in=queryset.values("pk")).order_by(*self.keyset_ordering.order_by())
            return csv_response(self.record_type, rows, f"{self.record_type}s.csv", request)
        if (cached := response_cache.cached_api_response(request, self._etag)) is not None:
            return cached
        page = self.paginate_queryset(queryset)
        return response_cache.kept_api_response(
            request, self._etag, self.get_paginated_response(self.get_serializer(page, many=True).data))

    def retrieve(self, request, *args, **kwargs):
        as_of = self.parameters["as_of"]
        slug = kwargs["slug"]
        if not_modified(request, self._etag, self._last_modified):
            # Preconditions apply only to what would be a 200 (RFC 9110 §13.2.1): one query says the record is
            # there (as it stood then, with as_of); else the 404 below, never a 304 for a record that is not.
            there = (self.record_as_of(slug, as_of) is not None if as_of
                     else self.get_queryset().filter(slug=slug).exists())
            if there:
                return Response(status=status.HTTP_304_NOT_MODIFIED)
        if (cached := response_cache.cached_api_response(request, self._etag)) is not None:
            return cached
        record = self.record_as_of(slug, as_of) if as_of else self.get_queryset().filter(slug=slug).first()
        if record is None:
            if as_of and self.get_queryset().filter(slug=slug).exists():
                raise Http404(f"The {self.record_type} '{slug}' was not yet recorded at that time.")
            raise Http404(f"No {self.record_type} has the slug '{slug}'"
                          + (" at that time." if as_of else "."))
        return response_cache.kept_api_response(request, self._etag, Response(self.get_serializer(record).data))

    def record_as_of(self, slug, moment):
        """The record as the registry stated it at ``moment``, with its parts as of then."""
        return record_as_of(self.get_serializer_class(), slug, moment)


@document_resource("sources")
class SourceViewSet(RecordViewSet):
    record_type = "source"
    serializer_class = api_serializers.SourceSerializer
    filterset_class = SourceFilterSet


class ChangeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="public_id", help_text="Gapless public change number; resume with `after=<id>`.")
    type = serializers.CharField(source="record_type", help_text="The type of record changed.")
    url = serializers.SerializerMethodField(help_text="The record in the API.")

    class Meta:
        model = ChangeLog
        fields = ["id", "at", "type", "slug", "action", "url"]

    def get_url(self, change) -> str:
        return api_url_of(change.record_type, change.slug, self.context.get("request"))


class RegistryAPIView(CountedBeforeRefused, APIView):
    """An API view outside the record resources (authenticated and throttled like them)."""


class ChangeFeed(RegistryAPIView):
    """The change log, oldest first: follow it with `after=<the last id you saw>`."""

    @extend_schema(
        summary="The change feed",
        description="Every public change, in id order. Sync recipe: pull every list in full, note the newest "
                    "change id, then call this with `after=<id>` and re-fetch each `url` (created, updated) or "
                    "mark it retracted. Ids are gapless and commit in order, so `after` never skips a change.",
        parameters=openapi_parameters(ChangeParameters),
        responses={200: inline_serializer("ChangePage", {
            "next": serializers.URLField(allow_null=True, help_text="The next page, null when you are up to date."),
            "results": ChangeSerializer(many=True),
        }), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        parameters = parse_changes(request)
        after, size = parameters["after"] or 0, parameters["page_size"] or DEFAULT_PAGE_SIZE
        record_type = parameters["type"]
        change_id, last_modified = latest_change()
        etag = etag_for(request, change_id)
        if not_modified(request, etag, last_modified):
            return with_validators(Response(status=status.HTTP_304_NOT_MODIFIED), etag, last_modified)
        if (cached := response_cache.cached_api_response(request, etag)) is not None:
            return with_validators(cached, etag, last_modified)
        changes = ChangeLog.objects.public().filter(public_id__gt=after).order_by("public_id")
        if record_type:
            changes = changes.filter(record_type=record_type)
        page = list(changes[: size + 1])
        more, page = len(page) > size, page[:size]
        next_url = None
        if more:
            next_url = request.build_absolute_uri(f"{request.path}?after={page[-1].public_id}&page_size={size}"
                                                  + (f"&type={record_type}" if record_type else ""))
        data = {"next": next_url, "results": ChangeSerializer(page, many=True, context={"request": request}).data}
        return response_cache.kept_api_response(request, etag, with_validators(Response(data), etag, last_modified))


class ApiRoot(RegistryAPIView):
    """What the API holds, its documentation, and the data license."""

    @extend_schema(summary="The API root", responses={200: inline_serializer("ApiRoot", {
        "resources": serializers.DictField(child=serializers.URLField()),
        "documentation": serializers.DictField(child=serializers.URLField()),
        "data_license": serializers.DictField(child=serializers.CharField()),
    })})
    def get(self, request, *args, **kwargs):
        resources = {t.path: reverse(f"api:{t.name}-list", request=request) for t in in_api_order()}
        resources["changes"] = reverse("api:changes", request=request)
        resources["submissions"] = reverse("api:submission-list", request=request)  # with a token only
        return Response({
            "resources": resources,
            "documentation": {"openapi": reverse("api:schema", request=request),
                              "swagger_ui": reverse("api:swagger-ui", request=request),
                              "redoc": reverse("api:redoc", request=request),
                              "guide": request.build_absolute_uri("/about/api/")},
            "data_license": settings.DATA_LICENSE,
        })


class ApiNotFound(RegistryAPIView):
    """Any other path under /api/v1/, whatever the method: a 404 in the API's error shape, never an HTML page;
    authenticated and counted like any API request."""

    schema = None  # not an operation of the API

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("No such API resource: see /api/v1/ for the list.")


api_not_found = ApiNotFound.as_view()
