"""Issue 14 in the ordinary suite: wrong tokens are throttled, every /api/ response carries the RateLimit-*
headers, a rate counter that cannot be written in time never stalls a request, and a database that does not
answer is a 503 with Retry-After (JSON under /api/, a page elsewhere). The real outages, locks and timeouts are
in tests/faults (`make faults`)."""

import logging
import threading
import time
import uuid

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from registry.api import throttling
from registry.models import ApiToken
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def test_wrong_tokens_past_the_limit_get_429_with_retry_after(client, settings):
    settings.API_RATES = {**settings.API_RATES, "failed_token": "3/min"}

    responses = [client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token adr_wrong{n}") for n in range(5)]

    assert [r.status_code for r in responses] == [401, 401, 401, 429, 429]
    limited = responses[-1]
    assert 1 <= int(limited["Retry-After"]) <= 60
    error = limited.json()["error"]
    assert error["code"] == "throttled" and "token that is not valid" in error["message"]
    assert "Expected available" not in error["message"]  # DRF's own suffix would repeat the wait


def test_malformed_authorization_headers_count_as_failed_attempts(client, settings):
    settings.API_RATES = {**settings.API_RATES, "failed_token": "1/min"}

    statuses = [client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=header).status_code
                for header in ("Token", "Token a b", "Bearer")]

    assert statuses == [401, 429, 429]


def test_wrong_tokens_are_counted_per_address_and_a_valid_token_still_works(client, settings, alice):
    settings.API_RATES = {**settings.API_RATES, "failed_token": "1/min"}
    _, key = ApiToken.objects.issue(alice, name="sync")
    for _ in range(2):
        client.get("/api/v1/agencies/", HTTP_AUTHORIZATION="Token adr_wrong", REMOTE_ADDR="10.1.1.1")

    other_address = client.get("/api/v1/agencies/", HTTP_AUTHORIZATION="Token adr_wrong", REMOTE_ADDR="10.1.1.2")
    right_key = client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="10.1.1.1")

    assert other_address.status_code == 401
    assert right_key.status_code == 200  # a 256-bit key cannot be guessed: the limit only bounds the noise


@pytest.mark.parametrize("method, path, headers, status", [
    ("get", "/api/v1/agreements/", {}, 200),
    ("post", "/api/v1/agreements/", {}, 405),
    ("delete", "/api/v1/agreements/any-slug/", {}, 405),
    ("get", "/api/v1/no-such-thing/", {}, 404),
    ("post", "/api/v1/no-such-thing/", {}, 404),
    ("get", "/api/v1/schema/", {}, 200),
    ("get", "/api/v1/schema/?format=xml", {}, 400),
    ("get", "/api/v1/agreements/?nonsense=1", {}, 400),
    ("get", "/api/v1/agreements/", {"HTTP_ACCEPT": "image/png"}, 406),
    ("get", "/api/v1/agreements/", {"HTTP_AUTHORIZATION": "Token adr_wrong"}, 401),
    ("get", "/api/v1/agreements/no-such-slug/", {}, 404),
    ("get", "/api/v1/changes/?after=x", {}, 400),
    ("get", "/api/v1/", {}, 200),
    ("get", "/api/v1/ocds/extension/README.md", {}, 200),
    ("get", "/api/v1/ocds/extension/secrets.py", {}, 404),
    ("get", "/api/v1/docs/", {}, 200),
])
def test_every_api_response_says_where_the_caller_stands(client, method, path, headers, status):
    response = getattr(client, method)(path, **headers)

    assert response.status_code == status
    assert all(response.has_header(header) for header in RATE_HEADERS), dict(response.headers)
    assert int(response["RateLimit-Remaining"]) < int(response["RateLimit-Limit"])


@pytest.mark.parametrize("path", ["/api/v1/agreements/", "/api/v1/agreements/{slug}/", "/api/v1/changes/"])
def test_a_304_carries_the_rate_limit_headers(client, path):
    agreement = make_agreement()
    path = path.format(slug=agreement.slug)
    etag = client.get(path)["ETag"]

    response = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert all(response.has_header(header) for header in RATE_HEADERS)


def test_requests_no_throttle_saw_are_still_counted_and_limited(client, settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "2/hour"}

    statuses = [client.get("/api/v1/agencies/", HTTP_AUTHORIZATION="Token adr_wrong").status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_an_unknown_path_is_counted_in_the_tokens_tier(client, settings, alice):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "5/min", "standard": "700/min"}
    _, key = ApiToken.objects.issue(alice, name="sync")

    response = client.get("/api/v1/nowhere/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert response["RateLimit-Limit"] == "700"


def test_a_token_holders_406_is_counted_in_the_tokens_tier(client, settings, alice):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "5/min", "standard": "700/min"}
    _, key = ApiToken.objects.issue(alice, name="sync")

    response = client.get("/api/v1/agreements/", HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT="image/png")

    assert response.status_code == 406 and response["RateLimit-Limit"] == "700"


def test_a_count_that_fails_after_the_view_answered_leaves_the_answer_standing(client, monkeypatch):
    def database_gone(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(throttling, "count_request", database_gone)

    response = client.get("/api/v2/agreements/")  # no API version 2: Django's 404, which no throttle saw

    assert response.status_code == 404 and response["RateLimit-Remaining"] == "unknown"


def test_a_tokens_last_use_blocked_by_a_lock_is_skipped_not_waited_for(client, alice, monkeypatch, caplog):
    _, key = ApiToken.objects.issue(alice, name="sync")

    def locked(self, **fields):
        raise OperationalError("database is locked")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", locked)
    with caplog.at_level(logging.WARNING, logger="registry.models"):
        response = client.get("/api/v1/agencies/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200 and "last use not recorded" in caplog.text


def test_pages_carry_no_rate_limit_headers(client):
    assert not client.get("/agreements/").has_header("RateLimit-Limit")


def test_a_counter_blocked_by_a_lock_serves_the_request_uncounted(client, monkeypatch, caplog):
    def locked(key, window_start):
        raise OperationalError("database is locked")

    monkeypatch.setattr(throttling, "count_in_database", locked)  # SQLite's error, raised on both databases

    with caplog.at_level(logging.WARNING, logger="registry.api.throttling"):
        response = client.get("/api/v1/agencies/")

    assert response.status_code == 200
    assert response["RateLimit-Remaining"] == "unknown"
    assert "served uncounted" in caplog.text


def test_any_other_counter_failure_is_not_swallowed(monkeypatch):
    def broken(key, window_start):
        raise OperationalError("connection refused")

    monkeypatch.setattr(throttling, "count_in_database", broken)

    with pytest.raises(OperationalError):
        throttling.count_request("anonymous:1.2.3.4", 0, 60)


def test_on_sqlite_the_counter_waits_briefly_and_the_connection_keeps_its_own_timeout():
    if connection.vendor != "sqlite":  # the PostgreSQL upsert never waits on a file lock
        assert throttling.count_in_database("anonymous:9.9.9.9", 0) == 1
        return
    assert throttling.count_in_database("anonymous:9.9.9.9", 0) == 1

    (busy_timeout,) = connection.connection.execute("PRAGMA busy_timeout").fetchone()
    assert busy_timeout == 20_000


def test_a_redis_counter_that_does_not_answer_serves_the_request_uncounted(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    response = client.get("/api/v1/agencies/")

    assert response.status_code == 200 and response["RateLimit-Remaining"] == "unknown"


def test_threads_racing_on_a_first_request_share_one_redis_client(monkeypatch):
    """A second client made in the race would be dropped and, collected, close the pool its thread still uses."""
    import redis

    made, start = [], threading.Barrier(8)

    def slow_from_url(url, **options):
        time.sleep(0.05)  # long enough for every thread to arrive while the first is still making its client
        made.append(object())
        return made[-1]

    monkeypatch.setattr(redis.Redis, "from_url", slow_from_url)
    url, got = f"redis://127.0.0.1:6379/0?race={uuid.uuid4().hex}", []  # a URL no other test made a client for

    def first_request():
        start.wait()
        got.append(throttling.redis_client(url))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(made) == 1 and got == made * 8


def database_error(django_class, cause):
    """A Django database error as Django's wrapper raises it: the driver's error as its cause."""
    try:
        raise cause
    except psycopg.Error as error:
        try:
            raise django_class(str(error)) from error
        except django_class as wrapped:
            return wrapped


@pytest.fixture
def failing_views(monkeypatch):
    """Makes the API's and the pages' first database read raise ``error``."""
    def fail_with(error):
        def raise_it(*args, **kwargs):
            raise error

        monkeypatch.setattr("registry.api_views.latest_change", raise_it)
        monkeypatch.setattr("contracts.views.AgreementList.get", raise_it)

    return fail_with


@pytest.mark.parametrize("error, code", [
    (database_error(OperationalError, psycopg.OperationalError("connection refused")), "unavailable"),
    (database_error(OperationalError, psycopg.errors.AdminShutdown()), "unavailable"),
    (InterfaceError("connection already closed"), "unavailable"),
    (database_error(OperationalError, psycopg.errors.QueryCanceled()), "timeout"),
])
def test_a_database_that_does_not_answer_is_a_503_with_retry_after(failing_views, error, code, settings):
    failing_views(error)
    client = Client(raise_request_exception=False)

    api = client.get("/api/v1/agreements/")
    page = client.get("/agreements/")

    assert api.status_code == 503 and page.status_code == 503
    assert api["Retry-After"] == page["Retry-After"] == str(settings.RETRY_AFTER_UNAVAILABLE_S)
    assert api.json()["error"]["code"] == code
    assert api["RateLimit-Remaining"] in {"unknown", *map(str, range(100_000))}
    assert page["Content-Type"].startswith("text/html") and b"Briefly unavailable" in page.content
    assert api["Cache-Control"] == page["Cache-Control"] == "no-store"


@pytest.mark.parametrize("error", [
    ValueError("a bug"),
    database_error(OperationalError, psycopg.errors.ProgramLimitExceeded()),  # retrying would fail the same way
    OperationalError("no such column: contracts_agreement.nonsense"),  # SQLite's word for a programming error
])
def test_any_other_failure_is_a_500_in_the_api_error_shape(failing_views, error):
    failing_views(error)
    client = Client(raise_request_exception=False)

    api = client.get("/api/v1/agreements/")
    page = client.get("/agreements/")

    assert api.status_code == page.status_code == 500
    assert api.json()["error"]["code"] == "server_error"
    assert not api.has_header("Retry-After")
    assert b"Something went wrong on our side" in page.content


def test_a_lost_database_is_retried_at_a_steady_short_delay(settings):
    from psycopg_pool.base import AttemptWithBackoff

    attempt = AttemptWithBackoff(timeout=300)
    delays = []
    for _ in range(6):
        attempt.update_delay(now=0.0)
        delays.append(attempt.delay)

    assert max(delays) <= settings.DB_RECONNECT_DELAY_S * 1.1  # jitter ±10 %; psycopg_pool's own reached 32 s


def test_a_request_waits_at_most_a_second_for_a_pooled_connection(settings):
    if connection.vendor != "postgresql":
        assert "pool" not in settings.DATABASES["default"].get("OPTIONS", {})  # SQLite has no pool to wait on
        return
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["timeout"] <= 1
