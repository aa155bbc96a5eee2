"""One JSON error shape for every 4xx: {"error": {"status", "code", "message", "fields"}}."""

import math

from django.http import Http404, JsonResponse
from rest_framework import exceptions

ERROR_CODES = {400: "invalid_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large", 429: "throttled"}


class ApiError(exceptions.APIException):
    """Any error with its own status, code, message and (optionally) the fields it names."""

    def __init__(self, status, code, message, fields=None):
        self.status_code, self.code, self.message, self.fields = status, code, message, fields or {}
        super().__init__(detail=message, code=code)


class ParameterError(exceptions.ValidationError):
    """A 400 naming each bad or unknown query parameter."""

    default_code = "invalid_parameters"

    def __init__(self, errors):
        super().__init__(detail=errors, code=self.default_code)


def exception_handler(exc, context):
    """DRF's handler, with the registry's error shape and the caller's rate limit headers."""
    from rest_framework.views import exception_handler as drf_exception_handler  # not at import: DRF settings load us

    from registry.api.throttling import TooManyFailedTokens

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields = {}
    if isinstance(exc, ApiError):
        fields, message = exc.fields, exc.message
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        fields = {name: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
                  for name, messages in exc.detail.items()}
        message = "Some parameters could not be used: " + ", ".join(sorted(fields)) + "."
    elif isinstance(exc, exceptions.ValidationError):
        message = " ".join(str(m) for m in exc.detail) if isinstance(exc.detail, list) else str(exc.detail)
    else:
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    if isinstance(exc, TooManyFailedTokens):
        message = str(exc.detail).strip()
        response["Retry-After"] = str(int(math.ceil(exc.wait or 1)))
    elif isinstance(exc, exceptions.Throttled):
        message = throttled_message(exc.wait)
        response["Retry-After"] = str(int(math.ceil(exc.wait or 1)))
    if isinstance(exc, ApiError):
        code = exc.code
    elif isinstance(exc, ParameterError):
        code = "invalid_parameters"
    else:
        code = ERROR_CODES.get(response.status_code, "error")
    error = {"status": response.status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    response.data = {"error": error}
    return response  # the RateLimit-* headers: registry.api.throttling.RateLimitHeadersMiddleware


def throttled_message(wait):
    return (f"Too many requests: try again in {math.ceil(wait or 1)} seconds. For a higher limit, ask the registry's "
            "editors for an API token and send it as: Authorization: Token <key>.")


def throttled_response(wait):
    """The 429 for a request counted outside DRF (RateLimitHeadersMiddleware)."""
    response = JsonResponse({"error": {"status": 429, "code": "throttled", "message": throttled_message(wait)}},
                            status=429)
    response["Retry-After"] = str(math.ceil(wait or 1))
    return response
