"""The base of every API resource (RecordViewSet), and the core app's own: sources, the change
feed, and the API root."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from registry import api_serializers
from registry.api import (
    KeysetPagination,
    ParameterError,
    StrictFilterBackend,
    check_parameters,
    etag_for,
    latest_change,
    not_modified,
    parse_boolean,
    parse_moment,
    retracted_or_public,
    with_validators,
)
from registry.api_docs import ERRORS, document_resource
from registry.exports import csv_response
from registry.filters import SourceFilterSet
from registry.history import record_as_of
from registry.interchange import record_types
from registry.models import ChangeLog
from registry.pagination import MAX_PAGE_SIZE, Ordering

# The order the API root lists its resources in.
ROOT_ORDER = ["agreement", "term", "addendum-marker", "agency", "vendor", "designation", "testing-disclosure",
              "event", "source"]


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A public record type, read by anyone: lists with the pages' FilterSet, details with as_of."""

    record_type = None
    filterset_class = None
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination

    # --- shaping ---
    def chosen_fields(self):
        """The fields to return: fields= / omit= / include= applied to the default set."""
        serializer_class = self.get_serializer_class()
        every = serializer_class.all_field_names()
        params = {name: value for name, value in self.request.query_params.items() if value != ""}
        default = [f for f in every if self.action != "list" or f not in serializer_class.optional_in_lists]
        errors = {}
        include = self.split(params.get("include"))
        unknown = [name for name in include if name not in serializer_class.optional_in_lists]
        if unknown:
            errors["include"] = [f"Unknown: {', '.join(unknown)}. Allowed: "
                                 f"{', '.join(serializer_class.optional_in_lists)}."]
        chosen = default + [f for f in include if f not in default and f in every]
        if "fields" in params:
            fields = self.split(params.get("fields"))
            unknown = [name for name in fields if name not in every]
            if unknown:
                errors["fields"] = [f"Unknown field(s): {', '.join(unknown)}."]
            chosen = [f for f in every if f in fields]
        if "omit" in params:
            omit = self.split(params.get("omit"))
            unknown = [name for name in omit if name not in every]
            if unknown:
                errors["omit"] = [f"Unknown field(s): {', '.join(unknown)}."]
            chosen = [f for f in chosen if f not in omit]
        if errors:
            raise ParameterError(errors)
        return chosen

    @staticmethod
    def split(value):
        return [part.strip() for part in (value or "").split(",") if part.strip()]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["chosen_fields"] = getattr(self, "_chosen_fields", None)
        return context

    # --- querysets ---
    def get_queryset(self):
        model = self.get_serializer_class().Meta.model
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return model.objects.none()
        if self.action == "list":
            errors = {}
            include_retracted = parse_boolean(self.request, "include_retracted", errors)
            if errors:
                raise ParameterError(errors)
            queryset = retracted_or_public(model.objects.all(), include_retracted)
        else:
            queryset = model.objects.filter(published_at__isnull=False)  # retracted keep their URL
        columns, prefetches = self.get_serializer_class().requirements(self._chosen_fields)
        return queryset.only(*columns).prefetch_related(*prefetches)

    # --- protocol ---
    def initial(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.MethodNotAllowed(request.method)  # before reading any parameter
        super().initial(request, *args, **kwargs)  # authentication, then throttles
        self._chosen_fields = self.chosen_fields()
        change_id, self._last_modified = latest_change()
        self._etag = etag_for(request, change_id)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in (getattr(request, "rate_limit", None) or {}).items():
            response[header] = value
        if getattr(self, "_etag", None) and response.status_code == 200:
            with_validators(response, self._etag, self._last_modified)
        response["Vary"] = "Accept, Authorization"
        return response

    def list(self, request, *args, **kwargs):
        if not_modified(request, self._etag, self._last_modified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("format") == "csv":
            ordering = getattr(self, "keyset_ordering", None) or Ordering("id")
            model = queryset.model
            rows = model.objects.filter(pk__in=queryset.values("pk")).order_by(*ordering.order_by())
            return csv_response(self.record_type, rows, f"{self.record_type}s.csv")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())  # checks the parameters
        if not_modified(request, self._etag, self._last_modified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        as_of = request.query_params.get("as_of") or None
        if as_of:
            moment = parse_moment(as_of, end_of_day=True)
            if moment is None:
                raise ParameterError({"as_of": ["Use an RFC 3339 time (2026-03-01T12:00:00Z) or a date (2026-03-01)."]})
            record = self.record_as_of(kwargs["slug"], moment)
        else:
            record = self.get_queryset().filter(slug=kwargs["slug"]).first()
        if record is None:
            raise Http404(f"No {self.record_type} has the slug '{kwargs['slug']}'"
                          + (" at that time." if as_of else "."))
        return Response(self.get_serializer(record).data)

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
        return reverse(f"api:{change.record_type}-detail", kwargs={"slug": change.slug},
                       request=self.context.get("request"))


class RegistryAPIView(APIView):
    """An API view outside the record resources: it still reports the caller's rate limit."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in (getattr(request, "rate_limit", None) or {}).items():
            response[header] = value
        return response


class ChangeFeed(RegistryAPIView):
    """The change log, oldest first: follow it with `after=<the last id you saw>`."""

    @extend_schema(
        summary="The change feed",
        description="Every public change, in id order. Sync recipe: pull every list in full, note the newest "
                    "change id, then call this with `after=<id>` and re-fetch each `url` (created, updated) or "
                    "mark it retracted. Ids are gapless and commit in order, so `after` never skips a change.",
        parameters=[
            OpenApiParameter("after", {"type": "integer", "minimum": 0}, description="Only changes with a larger id."),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                             description=f"Changes per page, 1–{MAX_PAGE_SIZE} (default 50)."),
            OpenApiParameter("type", str, description="Only changes to this type of record.",
                             enum=["agreement", "term", "addendum-marker", "agency", "vendor", "designation",
                                   "testing-disclosure", "event", "source"]),
        ],
        responses={200: inline_serializer("ChangePage", {
            "next": serializers.URLField(allow_null=True, help_text="The next page, null when you are up to date."),
            "results": ChangeSerializer(many=True),
        }), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        errors = {}
        check_parameters(request, {"after", "page_size", "type", "format"}, errors)
        after, size = self.integer(request, "after", 0, errors), self.integer(request, "page_size", 50, errors)
        if not 1 <= size <= MAX_PAGE_SIZE:
            errors["page_size"] = [f"Use a whole number from 1 to {MAX_PAGE_SIZE}."]
        if not 0 <= after < 2**63:
            errors["after"] = ["Use a change id, 0 or more."]
        record_type = request.query_params.get("type") or None
        if record_type and record_type not in {t.name for t in record_types()}:
            errors["type"] = [f"Unknown record type. Use one of: {', '.join(ROOT_ORDER)}."]
        if errors:
            raise ParameterError(errors)
        change_id, last_modified = latest_change()
        etag = etag_for(request, change_id)
        if not_modified(request, etag, last_modified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
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
        return with_validators(Response(data), etag, last_modified)

    @staticmethod
    def integer(request, name, default, errors):
        value = request.query_params.get(name)
        if not value:
            return default
        try:
            return int(value)
        except ValueError:
            errors[name] = ["Use a whole number."]
            return default


class ApiRoot(RegistryAPIView):
    """What the API holds, its documentation, and the data license."""

    @extend_schema(summary="The API root", responses={200: inline_serializer("ApiRoot", {
        "resources": serializers.DictField(child=serializers.URLField()),
        "documentation": serializers.DictField(child=serializers.URLField()),
        "data_license": serializers.DictField(child=serializers.CharField()),
    })})
    def get(self, request, *args, **kwargs):
        types = sorted(record_types(), key=lambda t: ROOT_ORDER.index(t.name))
        resources = {t.path: reverse(f"api:{t.name}-list", request=request) for t in types}
        resources["changes"] = reverse("api:changes", request=request)
        return Response({
            "resources": resources,
            "documentation": {"openapi": reverse("api:schema", request=request),
                              "swagger_ui": reverse("api:swagger-ui", request=request),
                              "redoc": reverse("api:redoc", request=request),
                              "guide": request.build_absolute_uri("/about/api/")},
            "data_license": settings.DATA_LICENSE,
        })


def api_not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a 404 in the API's error shape, never an HTML page."""
    from django.http import JsonResponse

    return JsonResponse({"error": {"status": 404, "code": "not_found",
                                   "message": "No such API resource: see /api/v1/ for the list."}}, status=404)
