"""`manage.py backup_database [path]` (`make backup`, docs/reliability.md): a consistent copy of the whole database,
taken while the site serves. PostgreSQL: `pg_dump --format=custom` (Debian's postgresql-client), the connection
details given through PG* environment variables, never on a command line. SQLite: the sqlite3 online backup API
(one read transaction, so writers are not stopped), the copy a single self-contained file.

The file is written beside its final path, checked (pg_restore can read its table of contents; SQLite's quick
check), and only then renamed into place, readable by its owner only: a failed backup never replaces a good one.
restore_database (which shares the helpers here) puts one back."""

import datetime
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

POSTGRESQL, SQLITE = "postgresql", "sqlite"
NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}
SUFFIXES = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}
# The first bytes of each kind of file: pg_dump's custom format, and every SQLite database.
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
# sqlite3's result codes for a database another connection holds, and how long a backup or restore waits for it.
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
LOCK_WAIT_SECONDS = 60
# Connection options that libpq also reads from the environment.
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                 "connect_timeout": "PGCONNECT_TIMEOUT", "target_session_attrs": "PGTARGETSESSIONATTRS"}


def database_kind(connection):
    if connection.vendor in (POSTGRESQL, SQLITE):
        return connection.vendor
    raise CommandError(f"Backups cover PostgreSQL and SQLite; this database is {connection.vendor}.")


def file_kind(path):
    """POSTGRESQL, SQLITE or None, from the file's first bytes."""
    with open(path, "rb") as file:
        start = file.read(len(MAGIC[SQLITE]))
    return next((kind for kind, magic in MAGIC.items() if start.startswith(magic)), None)


def default_path(kind):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BASE_DIR) / "backups" / f"registry-{stamp}{SUFFIXES[kind]}"


def describe(connection):
    """Which database, for messages (never the password)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == POSTGRESQL:
        host = connection.settings_dict.get("HOST") or "the local socket"
        port = connection.settings_dict.get("PORT")
        return f'the PostgreSQL database "{name}" on {host}{f":{port}" if port else ""}'
    return f"the SQLite database {name}"


def libpq_environment(connection):
    """The environment for pg_dump and pg_restore: this process's, without any PG* variable of its own, plus the
    connection's details (the password stays out of every command line and process listing)."""
    details = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                          ("NAME", "PGDATABASE")):
        if details.get(key):
            env[variable] = str(details[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if details.get("OPTIONS", {}).get(option):
            env[variable] = str(details["OPTIONS"][option])
    return env


def run_client(program, arguments, connection):
    """Run pg_dump or pg_restore against the connection's database; its stdout, or a CommandError with its
    stderr."""
    binary = shutil.which(program)
    if binary is None:
        raise CommandError(f"{program} was not found: install PostgreSQL's client programs "
                           "(Debian: apt-get install postgresql-client).")
    # An argument list (no shell), the program found on PATH, the arguments this module's own.
    result = subprocess.run([binary, *arguments], env=libpq_environment(connection),  # noqa: S603
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{program} failed (exit status {result.returncode}): {result.stderr.strip()}")
    return result.stdout


def check_postgresql_dump(path, connection):
    """A CommandError unless pg_restore reads the file's table of contents and it holds a Django database."""
    listing = run_client("pg_restore", ["--list", str(path)], connection)
    if "django_migrations" not in listing:
        raise CommandError(f"{path} is a PostgreSQL dump, but not of a Django database (no django_migrations table).")


def check_sqlite_copy(path):
    """A CommandError unless the file passes SQLite's quick check and holds a Django database."""
    try:
        copy = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is not a readable SQLite database: {error}") from None
    if problems != ["ok"]:
        raise CommandError(f"{path} fails SQLite's quick check: {'; '.join(problems[:5])}")
    if "django_migrations" not in tables:
        raise CommandError(f"{path} is a SQLite database, but not a Django one (no django_migrations table).")


def backup_postgresql(connection, temporary):
    run_client("pg_dump", ["--format=custom", f"--file={temporary}"], connection)
    check_postgresql_dump(temporary, connection)


def give_up_after(seconds, what):
    """A progress callback for sqlite3's backup, which otherwise retries a locked database for ever."""
    deadline = time.monotonic() + seconds

    def progress(status, remaining, total):
        if status in (SQLITE_BUSY, SQLITE_LOCKED) and time.monotonic() > deadline:
            raise CommandError(f"{what}: the database stayed locked for {seconds} seconds; nothing was written.")

    return progress


def backup_sqlite(connection, temporary):
    connection.ensure_connection()
    copy = sqlite3.connect(temporary)
    try:
        # One step: the whole database as of one read transaction (in WAL mode, writers go on meanwhile).
        connection.connection.backup(copy, progress=give_up_after(LOCK_WAIT_SECONDS, "No backup was taken"))
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the live database uses
    finally:
        copy.close()
    check_sqlite_copy(temporary)


class Command(BaseCommand):
    help = ("Write a consistent copy of the whole database to a file while the site serves: pg_dump's custom "
            "format on PostgreSQL, SQLite's online backup on SQLite. Prints the path written. restore_database "
            "puts one back.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?",
                            help="the file to write (replaced only once the new copy is complete); default "
                                 "backups/registry-<UTC time>.dump on PostgreSQL, .sqlite3 on SQLite")

    def handle(self, *args, path=None, **options):
        connection = connections["default"]
        kind = database_kind(connection)
        if connection.in_atomic_block:
            raise CommandError("backup_database cannot run inside a transaction (it copies what is committed).")
        path = Path(path) if path else default_path(kind)
        if path.is_dir():
            raise CommandError(f"{path} is a folder: give the path of the file to write.")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)  # mode 0600
        os.close(handle)
        try:
            (backup_postgresql if kind == POSTGRESQL else backup_sqlite)(connection, temporary)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        self.stdout.write(str(path))
