"""Named actors and fixtures shared by the whole suite. Builders live in tests/builders.py."""

import gc
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission

from tests.builders import forget_builder_user, make_member, make_organization, make_user

REGISTRY_APPS = ("registry", "contracts", "disclosures")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def org_a(db):
    return make_organization("Watchdog A")


@pytest.fixture
def org_b(db):
    return make_organization("Watchdog B")


@pytest.fixture
def alice(db, org_a):
    """A watchdog member of organisation A."""
    user = make_user("alice")
    make_member(user, org_a, credited_publicly=True)
    return user


@pytest.fixture
def bob(db, org_b):
    """A watchdog member of organisation B."""
    user = make_user("bob")
    make_member(user, org_b)
    return user


@pytest.fixture
def mod(db):
    """A moderator: reviews submissions."""
    user = make_user("mod")
    moderators, _ = Group.objects.get_or_create(name="moderators")
    user.groups.add(moderators)
    return user


@pytest.fixture
def staff(db):
    """A registry editor: staff, with every permission on the registry's own records."""
    user = make_user("staff", staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS))
    return user


def pytest_configure(config):
    """Test accounts need no costly password hash (PBKDF2 takes ~0.3 s per user); production keeps Django's."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The failed-login lockout (django-axes) is tested in tests/accounts/, which turns it on; elsewhere it is off so
    # that client.login() works (axes refuses an authenticate() without a request, which client.login() makes).
    settings.AXES_ENABLED = False


def uses_real_commits(item):
    """Tests that commit for real (a live server, a browser): pytest-django flushes the database
    after each, so they run before the seeded tests, and the seed is loaded after them."""
    return item.get_closest_marker("live") is not None or "live_server" in getattr(item, "fixturenames", ())


def deselect_other_databases(config, items):
    """A test marked ``database("postgresql")`` tests what only that database has (a stored column, a session
    setting, writers running side by side): on the other it is deselected, not skipped. CI runs both.

    Browser tests (Chromium through Playwright) run with the SQLite suite only: they test what a browser does with
    the pages (scripts, layout, accessibility, the CSP), and the pages are the same HTML on either database; what
    the database changes in a page (its rows, counts, search) is tested on both by the ordinary page tests. Run
    once, they take ~2 minutes off the PostgreSQL suite."""
    from django.db import connection

    def databases(item):
        if marker := item.get_closest_marker("database"):
            return marker.args
        return ("sqlite",) if item.get_closest_marker("browser") else None

    other = [item for item in items if (vendors := databases(item)) and connection.vendor not in vendors]
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = [item for item in items if item not in other]


def pytest_collection_modifyitems(config, items):
    """Run order: ordinary tests, then tests with real commits, then the tests that read the seed,
    so that the seed is loaded once per session (the ``seeded`` fixture) and no other test sees it."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.live)
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    deselect_other_databases(config, items)

    def group(item):
        if "seeded" in getattr(item, "fixturenames", ()):
            return 2
        return 1 if uses_real_commits(item) else 0

    items.sort(key=group)  # stable: the order within each group is kept


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """pytest-django's test database (migrated), then two things for the rest of the session:

    - the objects alive now (Django, the project, the test modules) are moved out of the cycle collector's reach
      (gc.freeze): each collection then looks only at what the tests made. export_bulk collects after each chunk
      (registry.bulk.records.streamed), which took ~0.2 s a call over the whole test process's objects.
    - on SQLite, a file copy of the freshly migrated database (``migrated_sqlite_file``), for the tests that need
      a second, empty registry: migrating one from scratch takes ~25 s.
    """
    from django.db import connection

    copy = None
    if connection.vendor == "sqlite":
        copy = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(copy)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
    gc.collect()
    gc.freeze()
    return copy


@pytest.fixture(scope="session")
def migrated_sqlite_file(django_db_setup, tmp_path_factory):
    """A SQLite file of an empty, migrated registry, made once per test process: on SQLite a copy of the test
    database as its migrations left it, on PostgreSQL migrated by ``manage.py migrate``. Copy it (never write
    to it) for a second registry: a real server, an import; ``migrate`` on the copy then has nothing to do."""
    if django_db_setup is not None:
        return django_db_setup
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-only-migrate", "DEBUG": "false",
           "REDIS_URL": ""}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=600, stdout=subprocess.DEVNULL)
    return path


@pytest.fixture(scope="session")
def seeded(django_db_setup, django_db_blocker):
    """The real seed data, loaded once per test session (once per xdist worker: each has its own test
    database) through load_seed and rolled back at the end.

    The tests that use it run last (see ``pytest_collection_modifyitems``); each still runs in its
    own savepoint (request ``db`` or mark ``django_db``), so what one test writes never reaches the
    next. Only the seed's own tests (tests/seed/) read the seed: feature tests use the builders.
    """
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def generous_api_rates(settings):
    """Tests make many requests from one address; the throttle tests set their own limits."""
    settings.API_RATES = {"anonymous": "100000/min", "standard": "100000/min", "partner": "100000/min",
                         "failed_token": "100000/min"}


@pytest.fixture(autouse=True)
def fresh_builder_user():
    """tests.builders reads its user once per test: forgotten before and after each (the database is rolled back)."""
    forget_builder_user()
    yield
    forget_builder_user()


@pytest.fixture(autouse=True)
def fresh_response_cache():
    """The responses cache lives in process memory and its keys are change ids, which every test's rolled-back
    database hands out again: start each test with it empty."""
    from django.core.cache import caches

    caches["responses"].clear()
    yield
    caches["responses"].clear()
