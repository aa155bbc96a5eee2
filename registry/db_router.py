"""Reads go to a streaming read replica, writes to the primary (``DATABASE_REPLICA_URLS``).

The rules, in order (docs/scaling.md, "The replica router"):

- Writes always go to the primary (``default``), and a request that wrote reads from the primary for
  the rest of that request: a reader sees their own write even when the replica has not replayed it.
- A read inside a transaction on the primary stays on the primary (it must see the transaction's rows
  and its locks), as does every read while no replica is configured.
- Otherwise a read goes to one replica, chosen at the request's first read and kept for the request,
  so the change id that keys a cached response and the rows behind it come from the same replica
  (a replica replays in order: the rows are never older than the change id read before them).
- The cache tables of the database cache (throttle counters, the response cache) stay on the primary
  and do not count as a write: a counter is read-modify-write, and an API request's counter must not
  pin its reads to the primary. Sessions and login lockouts are read on the primary too: a session
  written by the previous request (a login) must be found by the next one, however far the replica lags.

"This request wrote" and the chosen replica live in context variables, reset when a request starts
(``request_started``); outside requests (commands) they are simply never reset, and commands write.
"""

import contextvars
import random

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_PREFIX = "replica_"
CACHE_APP_LABEL = "django_cache"  # the model Django's database cache uses for its tables
PRIMARY_ONLY_APPS = {CACHE_APP_LABEL, "sessions", "axes"}

_wrote = contextvars.ContextVar("registry_request_wrote", default=False)
_replica = contextvars.ContextVar("registry_request_replica", default=None)


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def start_request(**kwargs):
    """A new request has written nothing and chosen no replica yet."""
    _wrote.set(False)
    _replica.set(None)


request_started.connect(start_request, dispatch_uid="registry.db_router.start_request")


def request_wrote():
    return _wrote.get()


def primary_in_transaction():
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def is_cache_table(model):
    return model is not None and model._meta.app_label == CACHE_APP_LABEL


def read_on_primary_only(model):
    return model is not None and model._meta.app_label in PRIMARY_ONLY_APPS


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if read_on_primary_only(model) or request_wrote() or primary_in_transaction():
            return DEFAULT_DB_ALIAS
        replicas = replica_aliases()
        if not replicas:
            return DEFAULT_DB_ALIAS
        chosen = _replica.get()
        if chosen not in replicas:
            chosen = random.choice(replicas)  # noqa: S311 - spreads reads over replicas, not a secret
            _replica.set(chosen)
        return chosen

    def db_for_write(self, model, **hints):
        if not is_cache_table(model):
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """The primary and its replicas hold the same rows: objects read from either may be related."""
        same_database = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_database and obj2._state.db in same_database:
            return True
        return None  # unsaved objects: Django's own rule

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas replay the primary's schema
