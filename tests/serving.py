"""Real servers for the tests that need one: a free port, a plain HTTP fetch, and gunicorn started with the
project's gunicorn.conf.py (up when its /healthz answers, stopped afterwards)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None, timeout=10):
    """(status, headers) of a GET; (None, {}) when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, {}  # not listening (yet, or any more)


def fetch_body(url, headers=None, timeout=10):
    """(status, headers, body bytes) of a GET; (None, {}, b"") when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, {}, b""


@contextmanager
def gunicorn_serving(app, env, port, stdout=subprocess.DEVNULL):
    """gunicorn (gunicorn.conf.py) serving ``app`` on ``port``, up (its /healthz answers) before the block runs
    and stopped after it. Yields the process (a test may signal it)."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
                              cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while fetch(f"http://127.0.0.1:{port}/healthz")[0] != 200:
            assert server.poll() is None, "the server exited while starting"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)


def manage(env, *command, timeout=600):
    """``python manage.py <command>`` with ``env``; fails the test if it fails."""
    return subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env={**os.environ, **env}, check=True,
                          timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
