"""Rate limits: a fixed-window counter per client, shared by every server process.

One atomic step per request, exact under concurrency: with REDIS_URL, INCR and EXPIRE NX in one pipeline
(no database write at all); otherwise one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the
RateCounter table (PostgreSQL, and SQLite ≥ 3.35), outside any transaction of the request. A trigger on that
table deletes old windows whenever a new one is inserted (registry/migrations/0014_rate_counter.py): still one
statement per request, so query counts never depend on when the last pruning was."""

import math
import time
from functools import cache

from django.conf import settings
from django.db import connection
from rest_framework.throttling import BaseThrottle

from registry.models import RateCounter

TABLE = RateCounter._meta.db_table
UPSERT = (f'INSERT INTO "{TABLE}" ("key", "window_start", "count") VALUES (%s, %s, 1) '
          f'ON CONFLICT ("key", "window_start") DO UPDATE SET "count" = "{TABLE}"."count" + 1 RETURNING "count"')


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
        used = count_request(f"{scope}:{ident}", window_start, window)
        self.remaining = max(0, self.limit - used)
        request.rate_limit = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                              "RateLimit-Reset": str(self.reset)}
        return used <= self.limit

    def wait(self):
        return self.reset


def parse_rate(rate):
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def count_request(key, window_start, window):
    """This request's number in the client's window (1 for the first)."""
    if settings.REDIS_URL:
        return count_on_redis(key, window_start, window)
    return count_in_database(key, window_start)


def count_on_redis(key, window_start, window):
    name = f"rate:{key}:{window_start}"
    pipeline = redis_client(settings.REDIS_URL).pipeline(transaction=False)
    pipeline.incr(name)
    pipeline.expire(name, window + 5, nx=True)  # the first request of a window sets when it goes
    used, _ = pipeline.execute()
    return used


@cache
def redis_client(url):
    import redis  # only where REDIS_URL is set

    return redis.Redis.from_url(url)


def count_in_database(key, window_start):
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [key, window_start])
        (used,) = cursor.fetchone()
    return used
