"""django-axes hooks: the client address it locks by, and the lockout page (site and admin alike)."""

from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from rest_framework.throttling import BaseThrottle


def client_ip(request):
    """The client's address as the API throttle reads it: REMOTE_ADDR, or the address NUM_PROXIES
    proxies from the end of X-Forwarded-For."""
    return BaseThrottle().get_ident(request)


def describe(duration):
    minutes = max(1, round(duration.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_response(request, original_response=None, credentials=None):
    """A 429 page that says what happened and when to try again, with Retry-After."""
    from django.conf import settings

    cool_off = get_cool_off(request)
    response = render(request, "accounts/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": describe(cool_off) if cool_off else None,
    }, status=settings.AXES_HTTP_RESPONSE_CODE)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response
