"""The database goes away and comes back, holds a lock, or runs past the statement timeout: every request is
answered promptly (a 503 with Retry-After, in the API's JSON error shape under /api/), and service returns as
soon as the database does, with no restart of the site."""

import json
import os
import sqlite3
import time

import psycopg
import pytest

from tests.faults.proxy import CuttableProxy
from tests.serving import fetch_body, free_port, gunicorn_serving, manage


def timed(url, timeout=15, headers=None):
    started = time.monotonic()
    status, headers, body = fetch_body(url, headers=headers, timeout=timeout)
    return status, headers, body, time.monotonic() - started


@pytest.fixture
def proxied_copy(database_copy):
    """A seeded copy reached through a proxy the test can cut; the proxy and the env."""
    env = database_copy()
    proxy = CuttableProxy()
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    yield proxy, {**os.environ, **env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{proxy.port}/{name}"}
    proxy.close()


def test_an_outage_is_answered_within_5_s_and_service_returns_within_5_s(proxied_copy):
    proxy, env = proxied_copy
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with gunicorn_serving("registry.wsgi", {**env, "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2"}, port):
        for path in ("/api/v1/agreements/", "/agreements/"):  # every worker thread has its pooled connection
            for _ in range(4):
                assert timed(base + path)[0] == 200

        proxy.cut()
        cut_at = time.monotonic()
        during = [timed(base + path) for path in ("/api/v1/agreements/", "/agreements/", "/api/v1/changes/",
                                                  "/api/v1/agreements/", "/readyz")]
        answered_within = time.monotonic() - cut_at

        proxy.restore()
        back_at = time.monotonic()
        while (status := timed(base + "/api/v1/agreements/", timeout=10)[0]) != 200:
            assert time.monotonic() - back_at < 15, f"still {status} 15 s after the database came back"
            time.sleep(0.2)
        returned_after = time.monotonic() - back_at
        after = [timed(base + path)[0] for path in ("/api/v1/agreements/", "/agreements/", "/") * 3]

    assert [status for status, *_ in during] == [503] * 5
    assert all(took < 5 for *_, took in during), [round(took, 1) for *_, took in during]
    assert answered_within < 15
    api, page = during[0], during[1]
    error = json.loads(api[2])["error"]
    assert error["code"] == "unavailable" and error["status"] == 503
    assert int(api[1]["Retry-After"]) >= 1 and api[1]["RateLimit-Remaining"] == "unknown"
    assert page[1]["Content-Type"].startswith("text/html") and b"Briefly unavailable" in page[2]
    assert returned_after < 5, f"service returned {returned_after:.1f} s after the database"
    assert after == [200] * len(after)


def test_a_query_past_the_statement_timeout_is_a_503_and_the_worker_serves_the_next(database_copy):
    env = {**os.environ, **database_copy(), "DB_STATEMENT_TIMEOUT_MS": "1000", "GUNICORN_WORKERS": "1"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with gunicorn_serving("registry.wsgi", env, port):
        assert timed(base + "/api/v1/agreements/")[0] == 200
        with psycopg.connect(env["DATABASE_URL"]) as blocker:  # holds the agreements table: every read waits
            blocker.execute("LOCK TABLE contracts_agreement IN ACCESS EXCLUSIVE MODE")
            api = timed(base + "/api/v1/agreements/?page_size=7")
            page = timed(base + "/agreements/?sort=title")
            blocker.rollback()
        next_api = timed(base + "/api/v1/agreements/?page_size=7")
        next_page = timed(base + "/agreements/?sort=title")

    assert api[0] == 503 and json.loads(api[2])["error"]["code"] == "timeout", api[:3]
    assert 0.9 < api[3] < 5 and int(api[1]["Retry-After"]) >= 1
    assert page[0] == 503 and b"took longer than the registry allows" in page[2]
    assert next_api[0] == 200 and next_page[0] == 200


TOKEN = """
from django.contrib.auth import get_user_model
from registry.models import ApiToken
print(ApiToken.objects.issue(get_user_model().objects.create_user("reader", "r@example.org", "x-Reader-1"), name="r")[1])
"""


def test_a_sqlite_write_lock_does_not_stall_the_api(sqlite_copy):
    env = {**os.environ, **sqlite_copy()}
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    key = manage(env, "shell", "-c", TOKEN).stdout.split()[-1]  # never used yet: its first use is a write
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with gunicorn_serving("registry.wsgi", {**env, "GUNICORN_WORKERS": "1"}, port):
        assert timed(base + "/api/v1/agencies/")[0] == 200
        writer = sqlite3.connect(path, isolation_level=None, timeout=1)
        writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock (an import, a long save)
        try:
            locked = [timed(base + path) for path in ("/api/v1/agencies/", "/api/v1/agreements/", "/agreements/")]
            locked.append(timed(base + "/api/v1/vendors/", headers={"Authorization": f"Token {key}"}))
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        unlocked = timed(base + "/api/v1/agencies/")

    assert [status for status, *_ in locked] == [200, 200, 200, 200]
    assert all(took < 2 for *_, took in locked), [round(took, 2) for *_, took in locked]  # was about 20 s
    assert locked[0][1]["RateLimit-Remaining"] == locked[1][1]["RateLimit-Remaining"] == "unknown"
    assert unlocked[0] == 200 and unlocked[1]["RateLimit-Remaining"].isdigit()
