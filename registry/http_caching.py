"""HTTP caching of the public pages for anonymous readers: an ETag, ``Cache-Control`` a CDN can use,
a 304 for a current copy, and the response cache (registry/response_cache.py).

Purge-free (docs/scaling.md, "Caching"): with the response cache on, a page's ETag is its cache key, which
holds the latest public change id, so any change gives every page a new ETag; a CDN keeps a page for
``CDN_CACHE_SECONDS`` (``s-maxage``) and then revalidates with ``If-None-Match``, which costs one query
and a cache read when nothing changed. Browsers always revalidate (``max-age=0``). With the cache off the
ETag is a hash of the page itself (no query; the page is rendered to answer the 304).

Only anonymous GETs of public pages take part: never a logged-in reader (accounts/middleware.py makes their
pages private), the account, submission, moderation and admin pages, the API (its views cache themselves),
the bulk files, or a response that is streamed, not a 200, sets a cookie, uses the CSRF token or a CSP
nonce, or says it is private. A 304 is only ever given for a page that answered 200.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from accounts.middleware import logged_in_session
from registry import response_cache
from registry.api.caching import latest_change

NOT_PUBLIC_PAGES = (
    "/api/", "/admin/", "/account/", "/submit/", "/submissions/", "/moderation/",
    "/data/",  # lists the bulk snapshots on disk, which change without a public change
    "/healthz", "/readyz", "/static/",
)
MESSAGES_COOKIE = CookieStorage.cookie_name


def cacheable_request(request):
    return (
        request.method == "GET"
        and not request.path.startswith(NOT_PUBLIC_PAGES)
        and MESSAGES_COOKIE not in request.COOKIES  # a message to show this reader only
        and not logged_in_session(request)
    )


def shared_page(request, response):
    """The response is the same for every anonymous reader."""
    return (
        response_cache.keepable(response)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds this reader's CSRF token
        and not isinstance(getattr(request, "_csp_nonce", None), str)  # … or this response's CSP nonce
        and not logged_in_session(request)
    )


def etag_of_key(key):
    return f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def etag_of_content(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        key = None
        if response_cache.enabled():
            key = response_cache.page_key(request, latest_change()[0])
            cached = response_cache.fetch(key)
            if cached is not None:
                return get_conditional_response(request, etag=cached["ETag"], response=cached)
        response = self.get_response(request)
        if not shared_page(request, response):
            return response
        patch_vary_headers(response, ("Cookie",))  # a logged-in reader's copy differs
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.CDN_CACHE_SECONDS)
        if not response.has_header("ETag"):
            response["ETag"] = etag_of_key(key) if key else etag_of_content(response.content)
        if key:
            response_cache.keep(key, response)
        return get_conditional_response(request, etag=response["ETag"], response=response)
