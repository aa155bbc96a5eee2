"""The read-replica router against a real streaming replica (make replica-test; scripts/replica-cluster): the
primary and the replica the environment names, already migrated, with committed writes. Not collected by
`make test` (pyproject.toml ignores this directory); run explicitly."""

import time
import uuid

import pytest
from django.conf import settings
from django.db import connections


@pytest.fixture(scope="session")
def django_db_setup():
    """No test database: the tests commit to the real primary and read its replica."""
    if "replica_1" not in settings.DATABASES:
        pytest.fail("tests/replica needs DATABASE_URL and DATABASE_REPLICA_URLS: run `make replica-test`")


@pytest.fixture
def committed(django_db_blocker):
    """Database access with real commits (autocommit), not pytest-django's rolled-back transaction."""
    with django_db_blocker.unblock():
        yield
        resume_replay()  # a failed test must not leave the replica paused for the next


@pytest.fixture
def unique_slug():
    return f"replica-{uuid.uuid4().hex[:12]}"


def one(alias, sql, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for_replay(timeout=30):
    """Until the replica has replayed everything the primary has written so far."""
    target = one("default", "SELECT pg_current_wal_insert_lsn()::text")  # written or not yet
    deadline = time.monotonic() + timeout
    while not one("replica_1", "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target]):
        if time.monotonic() > deadline:
            raise AssertionError(f"the replica did not replay {target} within {timeout} s")
        time.sleep(0.05)


def pause_replay():
    one("replica_1", "SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + 10
    while one("replica_1", "SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause"
        time.sleep(0.05)


def resume_replay():
    one("replica_1", "SELECT pg_wal_replay_resume()::text")
