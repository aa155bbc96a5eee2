"""A database made ready for ``make bench`` (``bench --prepare``): created when missing (PostgreSQL), migrated,
its cache tables made, and, when it holds no records at all, filled by ``generate_synthetic`` with as many
agreements as its name says (bench_10k: 10,000) or ``--agreements`` asks."""

import re
from pathlib import Path

from django.core.management import call_command
from django.db import connection

SIZE_IN_NAME = re.compile(r"(\d+)([km]?)$", re.IGNORECASE)
MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}
SYNTHETIC_SEED = 13
SQLITE_SUFFIXES = {".sqlite3", ".sqlite", ".db"}


class PrepareError(Exception):
    pass


def agreements_from_name(name):
    """How many agreements a database's name asks for: ``bench_10k`` 10,000, ``bench_2m`` 2,000,000,
    ``scale_5000`` 5,000; None when its name ends in no number."""
    path = Path(name)
    found = SIZE_IN_NAME.search(path.stem if path.suffix in SQLITE_SUFFIXES else path.name)
    if not found:
        return None
    return int(found.group(1)) * MULTIPLIERS[found.group(2).lower()]


def create_database_if_missing():
    """PostgreSQL: CREATE DATABASE when the configured one does not exist (through the maintenance database)."""
    if connection.vendor != "postgresql":
        return False
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    credentials = {key: value for key, value in (("host", params.get("HOST")), ("port", params.get("PORT")),
                                                  ("user", params.get("USER")), ("password", params.get("PASSWORD")))
                   if value}
    try:
        psycopg.connect(dbname=params["NAME"], **credentials).close()
        return False
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as maintenance:
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))
    return True


def holds_records():
    from registry.interchange import record_types

    return any(record_type.model.objects.exists() for record_type in record_types())


def prepare(agreements=None, say=print):
    if create_database_if_missing():
        say(f"Created the database {connection.settings_dict['NAME']}.")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if holds_records():
        return
    count = agreements or agreements_from_name(connection.settings_dict["NAME"])
    if not count:
        raise PrepareError(f"The database {connection.settings_dict['NAME']} is empty and its name says no size: "
                           "give --agreements N.")
    say(f"Filling it: generate_synthetic --agreements {count} --seed {SYNTHETIC_SEED}…")
    call_command("generate_synthetic", agreements=count, seed=SYNTHETIC_SEED)
    if connection.vendor == "postgresql":  # as after any bulk load: statistics for the planner, the visibility map
        say("VACUUM ANALYZE…")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
