"""gunicorn settings, read from the environment like everything else: `gunicorn registry.wsgi`."""

import multiprocessing
import os

# Loopback unless told otherwise: a reverse proxy on the same machine reaches it, the network does not
# (GUNICORN_BIND=0.0.0.0:8000 in a container whose port is published).
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# gthread, not sync: its main loop tells the arbiter it is alive while a thread streams a response, so a
# full CSV export longer than `timeout` completes instead of being killed halfway (docs/api-performance.md).
# A request that fails mid-stream still ends the chunked body without its last chunk: the client sees an error.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A gthread worker accepts connections while its threads are busy and keeps them alive: four keep-alive clients
# all landed on one worker (its one thread served them in turn; the other worker sat idle: 38 req/s with 2
# workers, as with 1). Holding no more connections than it has threads, and closing each after its response
# (behind a proxy, the proxy keeps the clients' connections alive), a busy worker stops accepting and the
# next connection goes to an idle one, as with sync workers.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycling workers is off by default: every worker reached max_requests at about the same moment and they
# restarted together (latency spikes on the changes page). Set GUNICORN_MAX_REQUESTS to guard against a slow
# leak; the jitter is as large as the interval, so the workers' restarts spread over the whole interval.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests))
accesslog = "-"
errorlog = "-"
# X-Forwarded-Proto (and the rest) are believed only behind a TLS proxy, as the Django settings say
# (BEHIND_TLS_PROXY): else any client on the allowed addresses could make a plain request look secure.
BEHIND_TLS_PROXY = os.environ.get("BEHIND_TLS_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1" if BEHIND_TLS_PROXY else "")
if not BEHIND_TLS_PROXY:
    secure_scheme_headers = {}
