"""The read-replica router's decisions (registry/db_router.py), with replicas configured in settings only:
reads to a replica, writes to the primary, and reads after a write in the same request, inside a
transaction, of sessions and of the cache tables to the primary. tests/replica/ runs them against a real
streaming replica (make replica-test)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.signals import request_started
from django.db import connections

from contracts.models import Agreement
from registry import db_router
from registry.db_router import PrimaryReplicaRouter
from registry.models import ChangeLog

router = PrimaryReplicaRouter()
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def cache_table_model():
    class CacheEntry:
        _meta = type("Options", (), {"app_label": "django_cache", "db_table": "registry_cache"})()

    BaseDatabaseCache("registry_cache", {})  # the real cache builds its own model with this app label
    return CacheEntry


@pytest.fixture
def replicas(settings, monkeypatch):
    """Two replicas in settings; no transaction open on the primary (the test's own is ignored)."""
    settings.DATABASES = {**settings.DATABASES, "replica_1": {}, "replica_2": {}}
    monkeypatch.setattr(db_router, "primary_in_transaction", lambda: False)
    db_router.start_request()
    return ["replica_1", "replica_2"]


def test_it_reads_from_a_replica(replicas):
    assert router.db_for_read(Agreement) in replicas


def test_a_request_keeps_to_one_replica(replicas):
    chosen = {router.db_for_read(Agreement), router.db_for_read(ChangeLog), router.db_for_read(Agreement)}

    assert len(chosen) == 1


def test_every_request_starts_afresh():
    assert any(key[0] == "registry.db_router.start_request" for key, *_ in request_started.receivers)


def test_it_writes_to_the_primary(replicas):
    assert router.db_for_write(Agreement) == "default"


def test_reads_after_a_write_in_the_same_request_go_to_the_primary(replicas):
    router.db_for_write(Agreement)

    assert router.db_for_read(Agreement) == "default"
    assert router.db_for_read(ChangeLog) == "default"


def test_the_next_request_reads_from_a_replica_again(replicas):
    router.db_for_write(Agreement)
    db_router.start_request()

    assert router.db_for_read(Agreement) in replicas


def test_reads_inside_a_transaction_stay_on_the_primary(replicas, monkeypatch):
    monkeypatch.setattr(db_router, "primary_in_transaction", lambda: True)

    assert router.db_for_read(Agreement) == "default"


def test_the_cache_tables_stay_on_the_primary_and_are_no_write(replicas):
    cache_entry = cache_table_model()

    assert router.db_for_read(cache_entry) == "default"
    assert router.db_for_write(cache_entry) == "default"
    assert router.db_for_read(Agreement) in replicas  # a throttle counter does not pin the request


def test_sessions_are_read_on_the_primary(replicas):
    assert router.db_for_read(Session) == "default"


def test_without_replicas_everything_is_the_primary(settings, monkeypatch):
    monkeypatch.setattr(db_router, "primary_in_transaction", lambda: False)
    db_router.start_request()

    assert router.db_for_read(Agreement) == "default"


def test_it_relates_objects_from_the_primary_and_its_replicas(replicas):
    on_primary, on_replica = Agreement(), Agreement()
    on_primary._state.db, on_replica._state.db = "default", "replica_2"

    assert router.allow_relation(on_primary, on_replica) is True


def test_migrations_run_on_the_primary_only(replicas):
    assert router.allow_migrate("default", "contracts") is True
    assert router.allow_migrate("replica_1", "contracts") is False


def test_the_primary_in_a_transaction_is_seen(db):
    assert db_router.primary_in_transaction() is connections["default"].in_atomic_block is True


def test_the_settings_make_one_alias_per_replica_url(monkeypatch):
    import importlib

    import registry.settings as registry_settings

    monkeypatch.setenv("DATABASE_URL", "postgres://app@primary.example/registry")
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "postgres://app@replica-a.example/registry, "
                                                "postgres://app@replica-b.example/registry")
    try:
        reloaded = importlib.reload(registry_settings)
        databases = reloaded.DATABASES
    finally:
        monkeypatch.undo()
        importlib.reload(registry_settings)

    assert list(databases) == ["default", "replica_1", "replica_2"]
    assert databases["replica_2"]["HOST"] == "replica-b.example"
    assert databases["replica_1"]["OPTIONS"] == databases["default"]["OPTIONS"]  # pool and statement timeout
    assert databases["replica_1"]["TEST"] == {"MIRROR": "default"}
    assert reloaded.DATABASE_ROUTERS == ["registry.db_router.PrimaryReplicaRouter"]
