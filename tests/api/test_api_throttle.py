"""Throttling: per-client limits counted in one shared place (the RateCounter table, or Redis), 429 with
Retry-After and RateLimit-* headers; one atomic counter write per API request, exact under concurrency."""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.api import throttling
from registry.models import RateCounter
from tests.serving import fetch, free_port

ROOT = Path(__file__).resolve().parents[2]
WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT", "BEGIN", "COMMIT", "RELEASE")


@pytest.mark.django_db
def test_it_answers_429_with_retry_after_and_how_to_get_more(client, settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "3/hour"}

    responses = [client.get("/api/v1/agencies/") for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r["RateLimit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
    limited = responses[-1]
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert limited["RateLimit-Limit"] == "3"
    error = limited.json()["error"]
    assert error["code"] == "throttled" and "token" in error["message"]


@pytest.mark.django_db
def test_clients_are_counted_apart_by_ip(client, settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "1/hour"}

    assert client.get("/api/v1/agencies/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/agencies/", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/api/v1/agencies/", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_two_server_processes_share_one_limit(tmp_path, migrated_sqlite_file):
    shutil.copyfile(migrated_sqlite_file, tmp_path / "shared.sqlite3")  # migrate below then has nothing to do
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}", "SECRET_KEY": "throttle-test",
           "DEBUG": "false", "API_RATE_ANONYMOUS": "4/hour", "GUNICORN_WORKERS": "1", "REDIS_URL": ""}
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300)
    ports = [free_port(), free_port()]
    servers = [subprocess.Popen([sys.executable, "-m", "gunicorn", "registry.wsgi", "--bind", f"127.0.0.1:{port}",
                                 "--workers", "1", "--access-logfile", "/dev/null"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for port in ports]
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            while fetch(f"http://127.0.0.1:{port}/healthz")[0] != 200:
                assert time.monotonic() < deadline, "the servers did not start"
                time.sleep(0.3)
        results = [fetch(f"http://127.0.0.1:{ports[n % 2]}/api/v1/agencies/") for n in range(5)]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    assert [status for status, _ in results] == [200, 200, 200, 200, 429]
    assert int(results[-1][1]["Retry-After"]) >= 1


@pytest.mark.django_db
def test_the_throttle_works_on_redis_too(client, settings):
    # REDIS_URL moves the counters to Redis; the machine and CI run one on 127.0.0.1:6379.
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.API_RATES = {**settings.API_RATES, "anonymous": "2/hour"}
    address = f"10.{time.time_ns() % 250}.{os.getpid() % 250}.7"  # a client no earlier run has counted

    statuses = [client.get("/api/v1/agencies/", REMOTE_ADDR=address).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert not RateCounter.objects.exists()


def written(queries):
    return [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.django_db
def test_an_api_request_writes_one_counter_row_and_nothing_else(client):
    client.get("/api/v1/agencies/")  # the window's first request (an insert) is the same one statement

    with CaptureQueriesContext(connection) as context:
        assert client.get("/api/v1/agencies/").status_code == 200

    (write,) = written(context.captured_queries)
    assert "ON CONFLICT" in write and RateCounter._meta.db_table in write
    assert RateCounter.objects.get().count == 2


@pytest.mark.django_db
def test_with_redis_an_api_request_writes_nothing_to_the_database(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"

    with CaptureQueriesContext(connection) as context:
        assert client.get("/api/v1/agencies/", REMOTE_ADDR="10.9.9.9").status_code == 200

    assert written(context.captured_queries) == []


@pytest.mark.django_db
def test_a_new_window_deletes_the_counters_of_windows_two_days_old():
    now = int(time.time())
    RateCounter.objects.create(key="anonymous:1.2.3.4", window_start=now - 3 * 86400, count=9)
    RateCounter.objects.create(key="anonymous:1.2.3.4", window_start=now - 3600, count=3)

    assert throttling.count_in_database("anonymous:5.6.7.8", now) == 1
    assert throttling.count_in_database("anonymous:5.6.7.8", now) == 2

    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [2, 3]


@pytest.mark.database("postgresql")  # SQLite's test database serialises writers (tests/faults races a file)
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_against_a_tiny_limit_get_exactly_the_limit(settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "5/hour"}
    clients, start, statuses = 16, threading.Barrier(16), []

    def request():
        try:
            start.wait()
            statuses.append(Client().get("/api/v1/agencies/", REMOTE_ADDR="10.7.7.7").status_code)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=request) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200] * 5 + [429] * (clients - 5)
    assert RateCounter.objects.get(key="anonymous:10.7.7.7").count == clients
