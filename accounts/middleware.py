"""A logged-in user's responses are never stored by a shared cache.

Pages for anonymous visitors may be cached and served to everyone; a logged-in user's page shows their
name, their forms and their CSRF token, so it is marked ``Cache-Control: private, no-store`` (any
``public`` the view set is dropped) and ``Vary: Cookie``: a shared cache neither stores it nor serves
the anonymous copy in its place. "Logged in" is read from the session (the cookie), not from an API
token: API responses do not depend on the session and keep their own caching (``Vary: Authorization``).
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.cache import patch_cache_control, patch_vary_headers


def logged_in_session(request):
    """The request came with (or the view just made) a logged-in session."""
    session = getattr(request, "session", None)
    if session is None or not (session.accessed or settings.SESSION_COOKIE_NAME in request.COOKIES):
        return False  # no session cookie and none used: nothing to look up, nothing user-specific
    return bool(session.get(SESSION_KEY))


class PrivateWhenLoggedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if logged_in_session(request):
            # Django drops "public" when "private" is added, and keeps the smaller max-age (0).
            patch_cache_control(response, private=True, no_store=True, max_age=0)
            if "s-maxage" in response["Cache-Control"]:
                response["Cache-Control"] = ", ".join(
                    part for part in response["Cache-Control"].split(", ") if not part.startswith("s-maxage"))
            patch_vary_headers(response, ("Cookie",))
        return response
