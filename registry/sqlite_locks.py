"""Brief waits for SQLite's write lock, for the writes a request can do without (a rate counter, a token's
last-used time). The connection waits up to 20 s for another writer (an import, a long save), which a request's
own writes need; these small ones wait ``THROTTLE_LOCK_TIMEOUT_MS`` (0.2 s) and are then given up, so a lock held
elsewhere never stalls the API. PostgreSQL writes never wait on a file lock: there this does nothing."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def brief_lock_wait():
    """Within the block, SQLite waits at most THROTTLE_LOCK_TIMEOUT_MS for the write lock. Set on the driver's
    connection, not through a cursor: it is not one of the request's queries."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    raw.execute(f"PRAGMA busy_timeout = {int(settings.THROTTLE_LOCK_TIMEOUT_MS)}")
    try:
        yield
    finally:
        usual = settings.DATABASES[connection.alias].get("OPTIONS", {}).get("timeout", 5)
        raw.execute(f"PRAGMA busy_timeout = {int(usual * 1000)}")


def is_lock_timeout(error):
    """SQLite's "database is locked": another writer held the lock past the wait."""
    return "database is locked" in str(error)
