"""The API's schema and documentation pages, Swagger UI (/api/v1/docs/) and ReDoc (/api/v1/redoc/), served under the
site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) from the sidecar's own static files."""

from csp.constants import SELF, UNSAFE_INLINE
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from registry.api.errors import ParameterError


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI; its init script is inline with the request's nonce, its page style a static file."""

    template_name = "registry/api_docs/swagger_ui.html"


class RedocView(SpectacularRedocView):
    """ReDoc, started by its <redoc> element (no init script), without web fonts from elsewhere."""

    template_name = "registry/api_docs/redoc.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # This page only: ReDoc (styled-components) writes <style> elements at run time and offers no way to give
        # them a nonce, so its styles need 'unsafe-inline' (styles only, never scripts); its search index runs in
        # a web worker that it starts from a blob: URL.
        response._csp_update = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
        return response


class SchemaView(SpectacularAPIView):
    """The OpenAPI document (/api/v1/schema/): YAML by default or by Accept, JSON with ``?format=json`` (the
    site turns DRF's format parameter off, so this view reads it itself) or ``Accept:
    application/vnd.oai.openapi+json``; any other parameter or format is a 400 and every error is the API's one
    JSON error shape, never YAML."""

    FORMATS = {"json": OpenApiJsonRenderer, "yaml": OpenApiYamlRenderer}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticated and counted like any API request
        unknown = {name: ["Unknown parameter: the schema takes only format (json or yaml)."]
                   for name in request.query_params if name not in ("format", "lang")}
        chosen = request.query_params.get("format")
        if chosen is not None and chosen not in self.FORMATS:
            unknown["format"] = ["Use json or yaml."]
        if unknown:
            raise ParameterError(unknown)

    def perform_content_negotiation(self, request, force=False):
        chosen = request.query_params.get("format")
        if chosen in self.FORMATS:
            renderer = self.FORMATS[chosen]()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force=force)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
