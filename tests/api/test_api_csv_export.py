"""The full CSV export: every row, streamed in chunks, whatever the size and however long it takes; and a
stream that cannot finish fails visibly (an incomplete chunked body), never a clean, short 200."""

import csv
import http.client
import io
import json
import os
import runpy
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.serving import free_port, gunicorn_serving

ROOT = Path(__file__).resolve().parents[2]


def read_all(port, path):
    """(status, body, error): the whole body, or the error that cut it short."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    try:
        return response.status, response.read(), None
    except (http.client.IncompleteRead, ConnectionError) as error:
        return response.status, b"", error
    finally:
        connection.close()


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory, migrated_sqlite_file):
    path = tmp_path_factory.mktemp("csv") / "site.sqlite3"
    shutil.copyfile(migrated_sqlite_file, path)  # migrate below then has nothing to do
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "csv-test", "DEBUG": "false",
           "REDIS_URL": ""}
    for command in (["migrate", "--noinput", "-v0"], ["load_seed"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=600,
                       stdout=subprocess.DEVNULL)
    with sqlite3.connect(path) as db:
        (public,) = db.execute("SELECT count(*) FROM contracts_agreement "
                               "WHERE published_at IS NOT NULL AND retracted_at IS NULL").fetchone()
    return path, env, public


@pytest.mark.parametrize("worker_class", ["default", "sync"])
def test_a_csv_export_longer_than_the_worker_timeout_completes_or_fails_visibly(seeded_file, worker_class):
    path, env, public = seeded_file
    delay = 4.0 / public  # the whole export takes about 4 s; the worker timeout is 2 s
    port = free_port()
    env = {**env, "GUNICORN_TIMEOUT": "2", "GUNICORN_WORKERS": "1", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "CSV_ROW_DELAY": str(delay), "API_RATE_ANONYMOUS": "1000/min"}
    if worker_class != "default":
        env["GUNICORN_WORKER_CLASS"] = worker_class
    with gunicorn_serving("tests.api.slow_csv_wsgi", env, port):
        started = time.monotonic()
        status, body, error = read_all(port, "/api/v1/agreements/?format=csv")
        took = time.monotonic() - started

    assert status == 200 and took > 2
    if worker_class == "default":  # gthread: the worker heartbeats while it streams, the export completes
        assert error is None
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert len(rows) == public + 1 and rows[0][0] == "slug"
    else:  # sync: killed at the timeout, and the client knows the body is incomplete
        assert error is not None, f"a clean 200 with {len(body.splitlines())} of {public + 1} lines"


def gunicorn_config(**env):
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update({key: value for key, value in saved.items() if not key.startswith("GUNICORN_")}, **env)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_a_busy_worker_leaves_new_connections_to_an_idle_one():
    """Measured: with gthread's defaults (1,000 connections per worker, keep-alive) four keep-alive clients all
    sat on one worker, which served them in turn while the other was idle (2 workers gave the rate of 1). A
    worker holding no more connections than it has threads stops accepting while they are busy, and closing
    each connection after its response lets the next request go to whichever worker is free."""
    default = gunicorn_config()
    assert default["worker_class"] == "gthread"
    assert default["worker_connections"] == default["threads"] == 1 and default["keepalive"] == 0
    threaded = gunicorn_config(GUNICORN_THREADS="4")
    assert threaded["worker_connections"] == 4
    assert gunicorn_config(GUNICORN_KEEPALIVE="2", GUNICORN_WORKER_CONNECTIONS="50")["worker_connections"] == 50


def test_gunicorn_listens_on_loopback_unless_told_otherwise():
    assert gunicorn_config(PORT="8123")["bind"] == "127.0.0.1:8123"
    assert gunicorn_config(GUNICORN_BIND="0.0.0.0:8000")["bind"] == "0.0.0.0:8000"


@pytest.mark.parametrize(("behind_tls_proxy", "scheme"), [("false", "http"), ("true", "https")])
def test_x_forwarded_proto_is_believed_only_behind_a_tls_proxy(seeded_file, behind_tls_proxy, scheme):
    """gunicorn read X-Forwarded-Proto from 127.0.0.1 whatever BEHIND_TLS_PROXY said: a plain request then
    looked secure to the app. The answer's absolute addresses show which scheme the app believed."""
    path, env, public = seeded_file
    port = free_port()
    env = {**env, "GUNICORN_WORKERS": "1", "GUNICORN_BIND": f"127.0.0.1:{port}", "BEHIND_TLS_PROXY": behind_tls_proxy,
           "SECURE_SSL_REDIRECT": "false", "API_RATE_ANONYMOUS": "1000/min"}
    env.pop("FORWARDED_ALLOW_IPS", None)
    with gunicorn_serving("registry.wsgi", env, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/api/v1/agreements/?page_size=1", headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()

    assert response.status == 200
    assert body["results"][0]["url"].startswith(f"{scheme}://127.0.0.1:{port}/api/v1/agreements/")
