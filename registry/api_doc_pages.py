"""The API's documentation pages, Swagger UI (/api/v1/docs/) and ReDoc (/api/v1/redoc/), served under the
site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) from the sidecar's own static files."""

from csp.constants import SELF, UNSAFE_INLINE
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


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
