"""OpenAPI documentation shared by every resource: the parameters every list and detail takes
(declared once here) and the one error shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer("Error", {
    "error": inline_serializer("ErrorBody", {
        "status": serializers.IntegerField(help_text="The HTTP status."),
        "code": serializers.ChoiceField(choices=["invalid_request", "invalid_parameters", "not_authenticated",
                                                 "permission_denied", "not_found", "method_not_allowed",
                                                 "not_acceptable", "throttled", "error"],
                                        help_text="A stable machine-readable code."),
        "message": serializers.CharField(help_text="What went wrong, for people."),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                        help_text="For 400: each bad or unknown parameter with its messages."),
    }),
})

ERRORS = {
    304: OpenApiResponse(description="Not modified: your copy (If-None-Match / If-Modified-Since) is current."),
    400: OpenApiResponse(ERROR, description="Unknown, empty or malformed parameters, each named in `fields`."),
    401: OpenApiResponse(ERROR, description="The token sent is not valid or was revoked."),
    406: OpenApiResponse(ERROR, description="The Accept header asks for something other than JSON."),
    429: OpenApiResponse(ERROR, description="Rate limit reached: see Retry-After and the RateLimit-* headers."),
}
NOT_FOUND = {404: OpenApiResponse(ERROR, description="No such record (or it did not exist yet at as_of).")}

NON_EMPTY = {"type": "string", "minLength": 1}

SHAPING = [
    OpenApiParameter("fields", NON_EMPTY, description="Comma-separated fields to return (others are not read from the "
                     "database), e.g. `slug,title,ceiling`."),
    OpenApiParameter("omit", NON_EMPTY, description="Comma-separated fields to leave out."),
    OpenApiParameter("include", str, enum=["citations"], description="Optional parts to add: `citations` "
                     "(always on details)."),
]
FORMAT = OpenApiParameter("format", str, enum=["json", "csv"],
                          description="`csv` streams every matching row with the site's CSV columns.")
LIST_PARAMETERS = [
    OpenApiParameter("cursor", NON_EMPTY, description="Opaque cursor from `next` or `previous`; an invalid cursor is a 400."),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": 500},
                     description="Rows per page, 1–500 (default 50)."),
    OpenApiParameter("count", bool, description="`true` adds the total number of matching records."),
    OpenApiParameter("include_retracted", bool, description="`true` adds retracted records (with their "
                     "retraction) to the list."),
    OpenApiParameter("updated_after", OpenApiTypes.DATETIME, description="Only records changed after this RFC 3339 "
                     "time (or date: its start, UTC)."),
    *SHAPING, FORMAT,
]
DETAIL_PARAMETERS = [
    OpenApiParameter("as_of", str, description="The record as the registry stated it then: an RFC 3339 time, or a "
                     "date (the end of that day, UTC). 404 if it did not exist publicly yet.",
                     pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"),
    *SHAPING,
]


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
                parameters=LIST_PARAMETERS,
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
    target_class = "registry.api.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Optional: `Token <key>` raises your rate limit. Reading needs no key."}
