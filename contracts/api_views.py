"""API resources: agreements (with their OCDS packages), terms, addendum markers, agencies, vendors."""

import json
from pathlib import Path

from django import forms
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from contracts import api_serializers, filters
from contracts.models import Agreement
from contracts.ocds import packages as ocds
from registry.api.caching import not_modified
from registry.api.parameters import Choice, openapi_parameters, presence_errors, raise_if
from registry.api_docs import ERROR, ERRORS, document_resource
from registry.api_views import RecordViewSet, RegistryAPIView

OCDS_EXTENSION_DIR = Path(__file__).resolve().parent / "ocds" / "extension"


class OcdsParameters(forms.Form):
    package = Choice("`release` (default): a release package with the agreement's current release; `record`: a "
                     "record package with a release per public change and the compiled release.",
                     choices=["release", "record"], invalid="Use release or record.")
    format = Choice("Only `json`.", choices=["json"], invalid="An OCDS package is json.")


def parse_ocds(request):
    form = OcdsParameters(request.query_params)
    raise_if({**form.errors, **presence_errors(request.query_params, set(form.fields))})
    return form.cleaned_data


@document_resource("agreements")
class AgreementViewSet(RecordViewSet):
    record_type = "agreement"
    serializer_class = api_serializers.AgreementSerializer
    filterset_class = filters.AgreementFilterSet

    def parse_parameters(self, request):
        if self.action == "ocds":
            self.parameters = parse_ocds(request)
        else:
            super().parse_parameters(request)

    @extend_schema(
        summary="An agreement as OCDS",
        description="The agreement as an Open Contracting Data Standard 1.1.5 release package (or, with "
                    "`package=record`, a record package), with the registry's own extension and withheldInformation. "
                    "Only agreements with a government party have one; the mapping is in docs/ocds.md.",
        parameters=openapi_parameters(OcdsParameters),
        responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="An OCDS package."),
                   **ERRORS, 404: OpenApiResponse(ERROR, description="No public agreement with a government party "
                                                                     "has this slug (drafts, retracted agreements and "
                                                                     "vendor-to-vendor partnerships have no OCDS).")},
    )
    @action(detail=True, methods=["get"], url_path="ocds")
    def ocds(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        stated = ocds.publishable(slug)
        if stated is None:  # a 404 first: preconditions apply only to what would be a 200 (RFC 9110 §13.2.1)
            if Agreement.objects.public().filter(slug=slug).exists():
                raise Http404(f"The agreement '{slug}' has no government party: OCDS describes public contracting "
                              "processes, so it has no OCDS release.")
            raise Http404(f"No agreement has the slug '{slug}'.")
        if not_modified(request, self._etag, self._last_modified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        uri = request.build_absolute_uri()
        if self.parameters["package"] == "record":
            return Response(ocds.record_package(stated, uri=uri))
        return Response(ocds.release_package(stated, uri=uri))


@document_resource("public terms")
class PublicTermViewSet(RecordViewSet):
    record_type = "term"
    serializer_class = api_serializers.PublicTermSerializer
    filterset_class = filters.PublicTermFilterSet


@document_resource("classified-addendum markers")
class ClassifiedAddendumMarkerViewSet(RecordViewSet):
    record_type = "addendum-marker"
    serializer_class = api_serializers.ClassifiedAddendumMarkerSerializer
    filterset_class = filters.ClassifiedAddendumMarkerFilterSet


@document_resource("agencies")
class AgencyViewSet(RecordViewSet):
    record_type = "agency"
    serializer_class = api_serializers.AgencySerializer
    filterset_class = filters.AgencyFilterSet


@document_resource("vendors")
class VendorViewSet(RecordViewSet):
    record_type = "vendor"
    serializer_class = api_serializers.VendorSerializer
    filterset_class = filters.VendorFilterSet


OCDS_EXTENSION_FILES = {"extension.json": "application/json", "release-schema.json": "application/json",
                        "README.md": "text/markdown; charset=utf-8"}


class OcdsExtensionFile(RegistryAPIView):
    """The registry's OCDS extension (contracts/ocds/extension/), at the address its packages name: authenticated
    and counted like any API request; the file is sent as it is, an error in the API's error shape."""

    schema = None  # files, not an operation of the API
    http_method_names = ["get", "head", "options"]

    def perform_content_negotiation(self, request, force=False):
        return JSONRenderer(), JSONRenderer.media_type  # for errors: the files themselves are sent as they are

    def get(self, request, name, version=None):
        if name not in OCDS_EXTENSION_FILES:
            raise NotFound(f"No such file: use one of {', '.join(OCDS_EXTENSION_FILES)}.")
        content = (OCDS_EXTENSION_DIR / name).read_text(encoding="utf-8")
        if name == "extension.json":  # its documentation is served beside it, wherever the site is
            metadata = json.loads(content)
            metadata["documentationUrl"] = {"en": request.build_absolute_uri("README.md")}
            content = json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"
        return HttpResponse(content, content_type=OCDS_EXTENSION_FILES[name])


ocds_extension_file = OcdsExtensionFile.as_view()
