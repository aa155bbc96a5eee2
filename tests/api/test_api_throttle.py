"""Throttling: per-client limits in the shared throttle cache, 429 with Retry-After and RateLimit-* headers."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)
    except urllib.error.URLError:
        return None, {}  # not listening yet


def test_two_server_processes_share_one_limit(tmp_path):
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
    # REDIS_URL switches both caches to Redis; the machine and CI run one on 127.0.0.1:6379.
    settings.CACHES = {**settings.CACHES, "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"throttle-test-{time.time_ns()}"}}
    settings.API_RATES = {**settings.API_RATES, "anonymous": "2/hour"}

    statuses = [client.get("/api/v1/agencies/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
