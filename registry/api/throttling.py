"""Rate limits: a fixed-window counter per client, shared by every server process.

One atomic step per request, exact under concurrency: with REDIS_URL, INCR and EXPIRE NX in one pipeline
(no database write at all); otherwise one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the
RateCounter table (PostgreSQL, and SQLite ≥ 3.35), outside any transaction of the request. A trigger on that
table deletes old windows whenever a new one is inserted (registry/migrations/0014_rate_counter.py): still one
statement per request, so query counts never depend on when the last pruning was.

A counter that cannot be written in time never stalls the API: on SQLite the upsert waits at most
``THROTTLE_LOCK_TIMEOUT_MS`` (0.2 s) for another writer's lock, on Redis the client gives up after as long; the
request is then served, a warning is logged and ``RateLimit-Remaining`` says ``unknown``.

Failed token attempts are counted too, per client address (``API_RATES["failed_token"]``): past the limit a wrong
token gets 429 instead of 401 until the window ends (registry.api.authentication)."""

import logging
import math
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from registry.models import RateCounter
from registry.sqlite_locks import brief_lock_wait, is_lock_timeout

logger = logging.getLogger(__name__)

TABLE = RateCounter._meta.db_table
UPSERT = (f'INSERT INTO "{TABLE}" ("key", "window_start", "count") VALUES (%s, %s, 1) '  # noqa: S608 - table name from _meta; key and window are parameters
          f'ON CONFLICT ("key", "window_start") DO UPDATE SET "count" = "{TABLE}"."count" + 1 RETURNING "count"')


class RegistryRateThrottle(BaseThrottle):
    """Anonymous clients are counted by IP (with NUM_PROXIES), token holders by token; the limit
    comes from settings (``API_RATES``) and the token's tier. Sends RateLimit-* headers."""

    def allow_request(self, request, view):
        scope, ident = client_of(request)
        limit, window, window_start, self.reset = current_window(settings.API_RATES[scope])
        used = count_request(f"{scope}:{ident}", window_start, window)
        # On the Django request, so that error responses made outside DRF (a 503) can restate them too.
        request._request.rate_limit = rate_headers(limit, used, self.reset)
        return used is None or used <= limit

    def wait(self):
        return self.reset


class RateLimitHeadersMiddleware:
    """Every response under /api/ says where the caller stands, as the API guide promises: the throttle's reading
    when the view was throttled (the one place these headers are written). A request no throttle saw (a 401 for a
    bad token, which DRF answers before throttling) is counted here as its address's, and past the limit answered
    429. A 5xx is not counted: the database that keeps the counters may be what failed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        headers = getattr(request, "rate_limit", None)
        if headers is None:
            response, headers = self.counted_here(request, response)
        for header, value in headers.items():
            response[header] = value
        return response

    def counted_here(self, request, response):
        scope, ident = client_of(request)  # DRF sets ``auth`` on the Django request once it has authenticated
        limit, window, window_start, reset = current_window(settings.API_RATES[scope])
        used = None
        if response.status_code < 500:
            try:
                used = count_request(f"{scope}:{ident}", window_start, window)
            except DatabaseError:  # the database failed after the view answered: the answer stands, uncounted
                logger.warning("rate counter for %s not written: the database failed", ident)
        if used is not None and used > limit and response.status_code != 429:
            from registry.api.errors import throttled_response

            response = throttled_response(reset)
        return response, rate_headers(limit, used, reset)


def client_of(request):
    """(scope, ident): a token holder is counted by token in its tier, anyone else by address (NUM_PROXIES)."""
    token = getattr(request, "auth", None)
    if token is not None and hasattr(token, "tier"):
        return token.tier, f"token-{token.pk}"
    return "anonymous", BaseThrottle().get_ident(request)


def current_window(rate):
    """(limit, window seconds, the window's start, seconds until it ends) of ``rate`` at this moment."""
    limit, window = parse_rate(rate)
    now = time.time()
    window_start = int(now // window) * window
    return limit, window, window_start, max(1, math.ceil(window_start + window - now))


def rate_headers(limit, used, reset):
    """The RateLimit-* headers; ``used`` None when the counter could not be written (Remaining: unknown)."""
    remaining = "unknown" if used is None else max(0, limit - used)
    return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(remaining), "RateLimit-Reset": str(reset)}


class TooManyFailedTokens(exceptions.Throttled):
    """429 for a client that sent too many wrong tokens in the current window (the message says when)."""

    extra_detail_singular = extra_detail_plural = ""


def check_failed_token(request):
    """Count a wrong token against the client's address; past ``API_RATES["failed_token"]`` raise a 429."""
    limit, window, window_start, wait = current_window(settings.API_RATES["failed_token"])
    used = count_request(f"failed-token:{BaseThrottle().get_ident(request)}", window_start, window)
    if used is not None and used > limit:
        raise TooManyFailedTokens(wait=wait, detail=(
            f"Too many requests with a token that is not valid from your address: try again in {wait} seconds. "
            "Check the key you send (Authorization: Token <key>); a lost key can be replaced from your account page."))


def parse_rate(rate):
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def count_request(key, window_start, window):
    """This request's number in the client's window (1 for the first), or None when the counter could not be
    written within the lock timeout (the request is then served and the warning logged)."""
    if settings.REDIS_URL:
        return count_on_redis(key, window_start, window)
    try:
        return count_in_database(key, window_start)
    except DatabaseError as error:
        if not is_lock_timeout(error):
            raise  # the database is down or broken: the request cannot be served either (a 503)
        logger.warning("rate counter %s not written (%s): request served uncounted", key, error)
        return None


def count_on_redis(key, window_start, window):
    import redis  # only where REDIS_URL is set

    name = f"rate:{key}:{window_start}"
    pipeline = redis_client(settings.REDIS_URL).pipeline(transaction=False)
    pipeline.incr(name)
    pipeline.expire(name, window + 5, nx=True)  # the first request of a window sets when it goes
    try:
        used, _ = pipeline.execute()
    except (redis.ConnectionError, redis.TimeoutError) as error:  # Redis slow or away: the API keeps answering
        # (a command error, e.g. EXPIRE NX on a Redis older than 7, still fails loudly: the limit would be gone)
        logger.warning("rate counter %s not written (%s): request served uncounted", key, error)
        return None
    return used


REDIS_CLIENTS, REDIS_CLIENTS_LOCK = {}, threading.Lock()


def redis_client(url):
    """One client (one connection pool) per process, made under a lock: two threads racing on a first request
    (a gthread worker) would otherwise both make one, and the loser's client, dropped, closes its pool on garbage
    collection, cutting the connection its thread is still using (a 500 the throttle race test caught)."""
    import redis  # only where REDIS_URL is set

    with REDIS_CLIENTS_LOCK:
        if url not in REDIS_CLIENTS:
            timeout = settings.THROTTLE_LOCK_TIMEOUT_MS / 1000
            REDIS_CLIENTS[url] = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        return REDIS_CLIENTS[url]


def count_in_database(key, window_start):
    """On SQLite the upsert waits at most THROTTLE_LOCK_TIMEOUT_MS for another writer (registry/sqlite_locks.py)."""
    with brief_lock_wait(), connection.cursor() as cursor:
        cursor.execute(UPSERT, [key, window_start])
        (used,) = cursor.fetchone()
    return used
