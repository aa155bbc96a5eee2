"""OpenAPI documentation shared by every resource: the parameters every list and detail takes
(declared once, in registry.api.parameters) and the one error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers

from registry.api.parameters import (
    ALWAYS_RETURNED,
    FILTERSET_SHARED,
    ListParameters,
    RecordParameters,
    openapi_parameters,
)

ERROR = inline_serializer("Error", {
    "error": inline_serializer("ErrorBody", {
        "status": serializers.IntegerField(help_text="The HTTP status."),
        "code": serializers.ChoiceField(choices=["invalid_request", "invalid_parameters", "not_authenticated",
                                                 "permission_denied", "not_found", "method_not_allowed",
                                                 "not_acceptable", "throttled", "invalid_submission",
                                                 "payload_too_large", "idempotency_key_reused", "quota_exceeded",
                                                 "unavailable", "timeout", "server_error", "error"],
                                        help_text="A stable machine-readable code."),
        "message": serializers.CharField(help_text="What went wrong, for people."),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                        help_text="For 400: each bad or unknown parameter (or, for a submission, each "
                                                  "bad field of the body, e.g. `record.title`) with its messages."),
    }),
})

ERRORS = {
    304: OpenApiResponse(description="Not modified: your copy (If-None-Match / If-Modified-Since) is current."),
    400: OpenApiResponse(ERROR, description="Unknown, empty or malformed parameters, each named in `fields`."),
    401: OpenApiResponse(ERROR, description="The token sent is not valid or was revoked."),
    406: OpenApiResponse(ERROR, description="The Accept header asks for something other than JSON (or, for a list, CSV)."),
    429: OpenApiResponse(ERROR, description="Rate limit reached (or too many wrong tokens from your address): see "
                                            "Retry-After and the RateLimit-* headers."),
    503: OpenApiResponse(ERROR, description="The database did not answer in time (`unavailable`) or the request ran "
                                            "past the statement timeout (`timeout`); nothing was changed. Retry after "
                                            "Retry-After seconds."),
}
NOT_FOUND = {404: OpenApiResponse(ERROR, description="No such record (or it did not exist yet at as_of).")}

LIST_PARAMETERS = openapi_parameters(ListParameters)
DETAIL_PARAMETERS = openapi_parameters(RecordParameters)


def ordering_parameter(filterset_class):
    """A list's ``ordering``: its FilterSet's public names, ascending or descending."""
    names = [name for public in filterset_class.ordering_fields for name in (public, f"-{public}")]
    return OpenApiParameter("ordering", str, enum=names, description=FILTERSET_SHARED["ordering"])


def document_resource(label):
    """Document a RecordViewSet's list and retrieve operations (reads the viewset's serializer)."""

    def decorate(viewset):
        serializer = viewset.serializer_class
        return extend_schema_view(
            list=extend_schema(
                summary=f"List {label}",
                description=f"Public {label}, filtered by the same FilterSet as the site's pages. Multi-value "
                            "filters take repeated keys (`?vendor=a&vendor=b`) or `name__in=a,b`; dates take YYYY, "
                            "YYYY-MM or YYYY-MM-DD, inclusive. Unknown or empty parameters are a 400 naming each.",
                parameters=[*LIST_PARAMETERS, ordering_parameter(viewset.filterset_class)],
                responses={(200, "application/json"): serializer(many=True),
                           (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR,
                                                              description="With format=csv: every matching row."),
                           **ERRORS},
            ),
            retrieve=extend_schema(
                summary=f"One of the {label}",
                description="A record by slug, with its citations. Retracted records stay reachable, with the "
                            "retraction.",
                parameters=DETAIL_PARAMETERS, responses={200: serializer, **ERRORS, **NOT_FOUND},
            ),
        )(viewset)

    return decorate


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "registry.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`: reading needs no key (a key raises your rate limit); "
                               "submissions need one."}




def require_slug_and_url(result, generator, request, public):
    """drf-spectacular postprocessing hook: a record's response schema requires its ``slug`` and ``url`` and
    nothing else, since ``fields=`` and ``omit=`` may leave out any other field but never those two
    (registry/api/parameters.RecordShaping): a strict generated client accepts every shaped answer."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        properties = component.get("properties", {})
        if not name.endswith("Request") and all(field in properties for field in ALWAYS_RETURNED):
            component["required"] = list(ALWAYS_RETURNED)
    return result
