"""The API's shared machinery: strict parameters, keyset pagination, response shaping
(fields / omit / include), ETags, throttles with RateLimit headers, tokens, one error shape,
CORS. Resource viewsets live in each app's api_views.py and subclass RecordViewSet."""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from registry.models import ChangeLog
from registry.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, InvalidCursor, Ordering, paginate

# Parameters every list understands besides its FilterSet's.
LIST_PARAMETERS = {"cursor", "page_size", "count", "ordering", "fields", "omit", "include", "include_retracted",
                   "format", "q", "updated_after"}
DETAIL_PARAMETERS = {"fields", "omit", "include", "as_of", "format"}
TRUE_VALUES, FALSE_VALUES = {"true", "1"}, {"false", "0"}


class ParameterError(exceptions.ValidationError):
    """A 400 naming each bad or unknown query parameter."""

    default_code = "invalid_parameters"

    def __init__(self, errors):
        super().__init__(detail=errors, code=self.default_code)


def parse_boolean(request, name, errors, default=False):
    value = request.query_params.get(name)
    if not value:
        return default
    if value.lower() in TRUE_VALUES:
        return True
    if value.lower() in FALSE_VALUES:
        return False
    errors[name] = ["Use true or false."]
    return default


def check_parameters(request, allowed, errors, in_aliases=()):
    """Unknown parameters and empty values are errors: an API client never means them (the schema
    says so with minLength / patterns). The pages, whose forms send empty fields, ignore them."""
    for name in request.query_params:
        base = name[: -len("__in")] if name.endswith("__in") else name
        if name not in allowed and (base == name or base not in in_aliases):
            errors[name] = ["Unknown parameter."]
        elif any(value == "" for value in request.query_params.getlist(name)):
            errors[name] = ["This parameter may not be empty: leave it out instead."]


# --- filtering -------------------------------------------------------------------------------

class StrictFilterBackend(DjangoFilterBackend):
    """The same FilterSets as the pages; unknown or malformed parameters are a 400 naming each."""

    raise_exception = True

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        errors = {}
        if view.action == "list":
            allowed = LIST_PARAMETERS | set(filterset_class.base_filters) | {"ordering"}
            in_aliases = set(filterset_class.base_filters)  # vendor__in=a,b means vendor=a&vendor=b
        else:
            allowed, in_aliases = DETAIL_PARAMETERS, ()
        check_parameters(request, allowed, errors, in_aliases)
        fmt = request.query_params.get("format") or None
        if fmt and fmt not in ({"json", "csv"} if view.action == "list" else {"json"}):
            errors.setdefault("format", ["Use json or csv." if view.action == "list" else "A record is json."])
        if view.action != "list":
            if errors:
                raise ParameterError(errors)
            return queryset
        filterset = filterset_class(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            for name, messages in filterset.errors.items():
                errors.setdefault(name, list(messages))
        updated_after = request.query_params.get("updated_after")
        if updated_after:
            moment = parse_moment(updated_after, end_of_day=False)
            if moment is None:
                errors["updated_after"] = ["Use an RFC 3339 time (2026-03-01T12:00:00Z) or a date (2026-03-01)."]
        if errors:
            raise ParameterError(errors)
        view.keyset_ordering = filterset.keyset_ordering
        queryset = filterset.qs
        if updated_after:
            queryset = queryset.filter(updated_at__gt=moment)
        return queryset


def parse_moment(text, *, end_of_day):
    """An RFC 3339 time, or a date (its end when end_of_day, else its start), as an aware datetime."""
    import datetime

    from django.utils.dateparse import parse_date, parse_datetime

    try:
        if len(text) == 10:  # a date alone: its start or its end, UTC
            day = parse_date(text)
            if day is None:
                return None
            clock = datetime.time.max if end_of_day else datetime.time.min
            return datetime.datetime.combine(day, clock, tzinfo=datetime.UTC)
        moment = parse_datetime(text)
        if moment is None or timezone.is_naive(moment):
            return None  # RFC 3339 requires an offset
        return moment.astimezone(datetime.UTC)  # overflows here, not later in the database
    except (ValueError, OverflowError):
        return None


# --- pagination -------------------------------------------------------------------------------

class KeysetPagination(BasePagination):
    """Keyset pages over (sort value, id), NULLs last; ``count=true`` opts in to a total."""

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        try:
            size = int(request.query_params.get("page_size") or DEFAULT_PAGE_SIZE)
            if not 1 <= size <= MAX_PAGE_SIZE:
                raise ValueError
        except ValueError:
            errors["page_size"] = [f"Use a whole number from 1 to {MAX_PAGE_SIZE}."]
            size = DEFAULT_PAGE_SIZE
        want_count = parse_boolean(request, "count", errors)
        ordering = getattr(view, "keyset_ordering", None) or Ordering("id")
        try:
            page = paginate(queryset, ordering, cursor=request.query_params.get("cursor"), page_size=size)
        except InvalidCursor as error:
            errors["cursor"] = [str(error)]
        if errors:
            raise ParameterError(errors)
        self.request, self.page = request, page
        self.count = queryset.count() if want_count else None
        return page.items

    def link(self, cursor):
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", cursor) if cursor else None

    def get_paginated_response(self, data):
        body = {"next": self.link(self.page.next_cursor), "previous": self.link(self.page.previous_cursor)}
        if self.count is not None:
            body["count"] = self.count
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": "The next page, or null on the last page."},
                "previous": {"type": "string", "format": "uri", "nullable": True,
                             "description": "The previous page, or null on the first page."},
                "count": {"type": "integer", "description": "Total matching records; only with count=true."},
                "results": schema,
            },
        }

    def first_page_url(self, request):
        return remove_query_param(request.build_absolute_uri(), "cursor")


# --- ETags -----------------------------------------------------------------------------------

def latest_change():
    """(id, time) of the latest public change: one query, made before any other."""
    return ChangeLog.objects.public().order_by("-public_id").values_list("public_id", "at").first() or (0, None)


def etag_for(request, change_id):
    fmt = request.query_params.get("format", "json")
    digest = hashlib.sha256(f"{change_id}|{request.get_full_path()}|{fmt}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def settled(last_modified):
    """HTTP dates have whole seconds: a change in the current second could be followed by another in
    the same second, so Last-Modified is only stated (and If-Modified-Since only honoured) once the
    latest change is a second old. The ETag always works."""
    return last_modified is not None and (timezone.now() - last_modified).total_seconds() >= 1


def not_modified(request, etag, last_modified):
    """True when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return bool(since and settled(last_modified) and math.floor(last_modified.timestamp()) <= since)


def with_validators(response, etag, last_modified):
    response["ETag"] = etag
    if settled(last_modified):
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


# --- throttling -------------------------------------------------------------------------------

class RegistryRateThrottle(BaseThrottle):
    """A fixed-window counter in the throttle cache, shared by every server process.

    Anonymous clients are counted by IP (with NUM_PROXIES), token holders by token; the limit
    comes from settings (``API_RATES``) and the token's tier. Sends RateLimit-* headers.
    """

    def allow_request(self, request, view):
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "tier"):
            scope, ident = token.tier, f"token-{token.pk}"
        else:
            scope, ident = "anonymous", self.get_ident(request)
        self.limit, window = parse_rate(settings.API_RATES[scope])
        now = time.time()
        window_start = int(now // window) * window
        self.reset = max(1, math.ceil(window_start + window - now))
        key = f"rate:{scope}:{ident}:{window_start}"
        cache = caches["throttle"]
        try:
            used = cache.incr(key)  # atomic on Redis; on the database cache, a read and a write
        except ValueError:  # the first request of this window
            cache.set(key, 1, timeout=window + 5)
            used = 1
        self.remaining = max(0, self.limit - used)
        request.rate_limit = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                              "RateLimit-Reset": str(self.reset)}
        return used <= self.limit

    def wait(self):
        return self.reset


def parse_rate(rate):
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


# --- tokens -----------------------------------------------------------------------------------

class TokenAuthentication(BaseAuthentication):
    # Documented in the OpenAPI schema by registry.api_docs.TokenScheme.
    """``Authorization: Token <key>`` (or Bearer). Keys are stored only as SHA-256 hashes."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Token <key>.")
        from registry.models import ApiToken

        token = ApiToken.objects.authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid or has been revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Token realm="api"'


# --- errors -----------------------------------------------------------------------------------

ERROR_CODES = {400: "invalid_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 429: "throttled"}


def exception_handler(exc, context):
    """One JSON error shape for every 4xx: {"error": {"status", "code", "message", "fields"}}."""
    from rest_framework.views import exception_handler as drf_exception_handler  # not at import: DRF settings load us

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        fields = {name: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
                  for name, messages in exc.detail.items()}
        message = "Some parameters could not be used: " + ", ".join(sorted(fields)) + "."
    elif isinstance(exc, exceptions.ValidationError):
        message = " ".join(str(m) for m in exc.detail) if isinstance(exc.detail, list) else str(exc.detail)
    else:
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    if isinstance(exc, exceptions.Throttled):
        message = (f"Too many requests: try again in {exc.wait or 1} seconds. For a higher limit, ask the "
                   "registry's editors for an API token and send it as: Authorization: Token <key>.")
        response["Retry-After"] = str(int(math.ceil(exc.wait or 1)))
    code = "invalid_parameters" if isinstance(exc, ParameterError) else ERROR_CODES.get(response.status_code, "error")
    error = {"status": response.status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    response.data = {"error": error}
    request = context.get("request")
    for header, value in (getattr(request, "rate_limit", None) or {}).items():
        response[header] = value
    return response


# --- CORS -------------------------------------------------------------------------------------

class ApiCorsMiddleware:
    """GET (and HEAD, OPTIONS) from any origin under /api/, never with credentials."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            from django.http import HttpResponse

            response = HttpResponse(status=status.HTTP_204_NO_CONTENT)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Authorization, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = ("ETag, Last-Modified, Retry-After, RateLimit-Limit, "
                                                     "RateLimit-Remaining, RateLimit-Reset")
        return response


def retracted_or_public(queryset, include_retracted):
    """Lists: public records; with include_retracted=true also the retracted (published) ones."""
    if not include_retracted:
        return queryset.public()
    return queryset.filter(Q(pk__in=queryset.public().values("pk")) | Q(published_at__isnull=False,
                                                                          retracted_at__isnull=False))

