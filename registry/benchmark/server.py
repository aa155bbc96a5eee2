"""The site under gunicorn as ``make serve`` runs it (gunicorn.conf.py, DEBUG off, whitenoise over collected
static files), on a free port of 127.0.0.1, and the memory its processes hold."""

import http.client
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

READY_TIMEOUT_S = 60
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(base, *, static_root, port, response_cache, workers=None):
    """The environment gunicorn runs with: the caller's (DATABASE_URL above all), with DEBUG off, static files
    from ``static_root``, the response cache on or off, and an anonymous API rate the bench never reaches (the
    throttle still counts every request, so its cost is measured)."""
    env = dict(base)
    env.update({
        "DEBUG": "false",
        "SECRET_KEY": base.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "RESPONSE_CACHE": "true" if response_cache else "false",
        "API_RATE_ANONYMOUS": "1000000/min",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "NUM_PROXIES": "0",
    })
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    return env


def empty_redis(url):
    """Empty the Redis database the cached run is given, so that it starts cold and counts from zero."""
    import redis

    redis.Redis.from_url(url).flushdb()


def prime(base_url, paths, passes):
    """Each path requested ``passes`` times, one new connection per request (so that each gunicorn worker
    may take some), its answer read and dropped."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    for _ in range(passes):
        for path in paths:
            connection = http.client.HTTPConnection(host, int(port), timeout=300)
            try:
                connection.request("GET", path, headers={"Connection": "close"})
                connection.getresponse().read()
            finally:
                connection.close()


def gunicorn_setting(name, env):
    """A value of gunicorn.conf.py as it reads in ``env`` (how many workers the server starts)."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))[name]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def collect_static(static_root, env):
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=settings.BASE_DIR,
                   env={**env, "STATIC_ROOT": str(static_root), "DEBUG": "false"}, check=True)


class Server:
    """``with Server(env, log_path) as server:`` gunicorn is up and answering /healthz; it is stopped after."""

    def __init__(self, env, log_path):
        self.env, self.log_path = env, Path(log_path)
        self.port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "registry.wsgi"],
            cwd=settings.BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_until_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/readyz", timeout=5) as response:  # noqa: S310 - http://127.0.0.1 URL built in code
                    if response.status == 200 and len(self.worker_pids()) >= self.expected_workers():
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /readyz within {READY_TIMEOUT_S} s; see {self.log_path}")

    def expected_workers(self):
        return gunicorn_setting("workers", self.env)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            self.close_log()
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.close_log()

    def close_log(self):
        if getattr(self, "log", None) and not self.log.closed:
            self.log.close()

    def worker_pids(self):
        return children_of(self.process.pid)

    def pids(self):
        return [self.process.pid, *self.worker_pids()]


# --- processes and their memory, from /proc ------------------------------------------------------

def children_of(pid):
    """The direct children of ``pid`` (gunicorn's workers, including ones started after a recycle)."""
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in listed.read_text().split()]
    except OSError:
        pass
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


def rss_bytes(pid):
    """Resident memory of one process, 0 when it is gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


class MemorySampler:
    """Samples the resident memory of the server's processes every ``interval`` seconds in a thread:
    ``peak_total`` (master and workers together) and ``peak_process`` (the largest one), in bytes."""

    def __init__(self, pids, interval=0.1):
        self.pids, self.interval = pids, interval
        self.peak_total = self.peak_process = self.first_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self):
        sizes = [rss_bytes(pid) for pid in self.pids()]
        total = sum(sizes)
        if not self.first_total:
            self.first_total = total
        self.peak_total = max(self.peak_total, total)
        self.peak_process = max([self.peak_process, *sizes])

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def growth(self):
        return max(0, self.peak_total - self.first_total)
