"""The response cache: anonymous GET responses, keyed by the latest public change id (DESIGN, "HTTP caching
and limits"; docs/scaling.md).

A key holds the latest public change id, the scheme and host (responses carry absolute links), the full
path with its query and, for the API, the negotiated media type (the ETag already hashes the change id,
the path and the format). Any public change moves every key on, so a change is visible on the very next
request and nothing is ever purged: old entries are simply never asked for again and expire after
``RESPONSE_CACHE_SECONDS``. The entries live in the ``responses`` cache: Redis with ``REDIS_URL`` (shared by
every app server), else each worker's memory (never a database write on a read; settings.py says why).

Only what is the same for every anonymous reader is kept: never a logged-in (or token) request, a streamed
response, a status other than 200, or a response that sets a cookie. The API looks entries up inside the
view, after authentication, throttling, the parameter checks and the 304 check, so a cached response
still counts against the caller's rate and still carries the RateLimit-* headers; pages go through
registry/http_caching.py.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

NOT_KEPT_HEADERS = {"set-cookie", "date", "content-length"}


def enabled():
    return settings.RESPONSE_CACHE


def key_for(kind, request, *parts):
    text = "|".join(str(part) for part in (request.scheme, request.get_host(), request.get_full_path(), *parts))
    return f"response:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def page_key(request, change_id):
    return key_for("page", request, change_id)


def fetch(key):
    """The kept response for ``key`` as a new HttpResponse, or None."""
    entry = caches["responses"].get(key)
    if entry is None:
        return None
    content, headers = entry
    response = HttpResponse(content)
    for header, value in headers:
        response[header] = value
    return response


def keep(key, response):
    headers = [(header, value) for header, value in response.items() if header.lower() not in NOT_KEPT_HEADERS]
    caches["responses"].set(key, (response.content, headers), timeout=settings.RESPONSE_CACHE_SECONDS)


def keepable(response):
    """Nothing streamed, nothing but a 200, nothing that sets a cookie or says it is private."""
    if response.streaming or response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


# --- the API (called from registry/api_views.py) ---------------------------------------------------

def anonymous_api_request(request):
    return enabled() and request.method == "GET" and request.auth is None and not request.user.is_authenticated


def api_key(request, etag):
    return key_for("api", request, etag, getattr(request, "accepted_media_type", ""))


def cached_api_response(request, etag):
    """The kept response for this anonymous API request, or None (the view then builds it and calls
    ``kept_api_response``). The view's finalize_response adds the ETag and Vary headers, RateLimitHeadersMiddleware
    the RateLimit-* ones."""
    if not anonymous_api_request(request):
        return None
    return fetch(api_key(request, etag))


def kept_api_response(request, etag, response):
    """Keeps ``response`` (a DRF Response, not rendered yet) once it is rendered, when it may be kept."""
    if anonymous_api_request(request) and not response.streaming and response.status_code == 200:
        key = api_key(request, etag)

        def keep_rendered(rendered):
            if keepable(rendered):
                caches["responses"].set(key, (rendered.content, [("Content-Type", rendered["Content-Type"])]),
                                       timeout=settings.RESPONSE_CACHE_SECONDS)

        response.add_post_render_callback(keep_rendered)
    return response
