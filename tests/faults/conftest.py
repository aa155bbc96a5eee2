"""Fault tests (`make faults`, docs/reliability.md): real server processes against real databases, with the
database cut, locked, killed or slowed on purpose. They run outside the ordinary suite (pyproject ignores this
folder) and need PostgreSQL on 127.0.0.1:5432 (user postgres, trust), as CI has.

A template database is migrated and seeded once per session; each test that changes data works on its own copy
(``CREATE DATABASE … TEMPLATE``, a file copy: about a second)."""

import os
import sqlite3
import uuid

import psycopg
import pytest

from tests.serving import manage

POSTGRES = os.environ.get("FAULTS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
TEMPLATE = f"registry_faults_template_{os.getpid()}"  # one per run: runs may overlap on one cluster
BASE_ENV = {"SECRET_KEY": "faults-only-secret-key", "DEBUG": "false", "REDIS_URL": "", "GUNICORN_WORKERS": "2",
            "API_RATE_ANONYMOUS": "100000/min", "DATABASE_REPLICA_URLS": ""}


def admin_sql(*statements):
    """Statements run on the cluster's maintenance database, outside any transaction (CREATE/DROP DATABASE)."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


def drop(name):
    admin_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
              "AND pid <> pg_backend_pid()", f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """The pages need the static files' manifest, as under `make serve`."""
    manage({**BASE_ENV, "DATABASE_URL": "sqlite:///:memory:"}, "collectstatic", "--noinput", "-v0")


@pytest.fixture(scope="session")
def seeded_template():
    """The migrated, seeded database every copy is made from (its URL)."""
    drop(TEMPLATE)
    admin_sql(f'CREATE DATABASE "{TEMPLATE}"')
    env = {**BASE_ENV, "DATABASE_URL": f"{POSTGRES}/{TEMPLATE}"}
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["load_seed"], ["rebuild_timeline"]):
        manage(env, *command)
    yield f"{POSTGRES}/{TEMPLATE}"
    drop(TEMPLATE)


@pytest.fixture
def database_copy(seeded_template):
    """A factory: a fresh copy of the seeded database, as an environment for manage.py and gunicorn. Every copy
    is dropped after the test."""
    made = []

    def copy():
        name = f"registry_faults_{uuid.uuid4().hex[:10]}"
        admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        made.append(name)
        return {**BASE_ENV, "DATABASE_URL": f"{POSTGRES}/{name}"}

    yield copy
    for name in made:
        drop(name)


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory):
    """A migrated, seeded SQLite file, made once per session."""
    path = tmp_path_factory.mktemp("sqlite-template") / "registry.sqlite3"
    env = {**BASE_ENV, "DATABASE_URL": f"sqlite:///{path}"}
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["load_seed"]):
        manage(env, *command)
    return path


@pytest.fixture
def sqlite_copy(seeded_sqlite_template, tmp_path):
    """A fresh copy of the seeded SQLite file (SQLite's backup API), as an environment; its path is in
    DATABASE_URL."""
    def copy(name="registry.sqlite3"):
        path = tmp_path / name
        with sqlite3.connect(seeded_sqlite_template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        return {**BASE_ENV, "DATABASE_URL": f"sqlite:///{path}"}

    return copy

