"""Rate limits: a fixed-window counter in the throttle cache, shared by every server process."""

import math
import time

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle


class RegistryRateThrottle(BaseThrottle):
    """Anonymous clients are counted by IP (with NUM_PROXIES), token holders by token; the limit
    comes from settings (``API_RATES``) and the token's tier. Sends RateLimit-* headers."""

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
