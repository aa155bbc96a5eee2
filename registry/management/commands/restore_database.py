"""`manage.py restore_database <path>` (`make restore BACKUP=path`, docs/reliability.md): put a file written by
backup_database back, replacing everything the database holds. PostgreSQL: `pg_restore --clean --if-exists
--no-owner --single-transaction` (all or nothing); SQLite: the sqlite3 backup API from the file into the database.

A missing file, a file that is not a backup, or a backup of the other kind of database is refused before the
database is touched."""

import sqlite3
from pathlib import Path

from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from registry.management.commands.backup_database import (
    LOCK_WAIT_SECONDS,
    NAMES,
    POSTGRESQL,
    check_postgresql_dump,
    check_sqlite_copy,
    database_kind,
    describe,
    file_kind,
    give_up_after,
    run_client,
)


def restore_postgresql(connection, path):
    connection.close()  # this process holds nothing the restore has to wait for
    run_client("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                              f"--dbname={connection.settings_dict['NAME']}", str(path)], connection)


def restore_sqlite(connection, path):
    connection.ensure_connection()
    backup = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # Page by page into place, under the database's write lock (readers see the old or the new database).
        backup.backup(connection.connection,
                      progress=give_up_after(LOCK_WAIT_SECONDS, "The database was not restored"))
    finally:
        backup.close()


class Command(BaseCommand):
    help = ("Replace everything the database holds with a file written by backup_database (a pg_dump custom-format "
            "file on PostgreSQL, a SQLite copy on SQLite). Asks first unless --no-input is given. Restart the app "
            "servers afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to restore")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="do not ask for confirmation")

    def handle(self, *args, path, interactive=True, **options):
        connection = connections["default"]
        kind = database_kind(connection)
        path = Path(path)
        if not path.exists():
            raise CommandError(f"There is no backup at {path}.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file: give the path of a file written by backup_database.")
        found = file_kind(path)
        if found is None:
            raise CommandError(f"{path} is not a backup written by backup_database: it is neither a PostgreSQL "
                               "custom-format dump nor a SQLite database.")
        if found != kind:
            raise CommandError(f"{path} is a {NAMES[found]} backup, but this database is {NAMES[kind]}: "
                               f"restore it into a {NAMES[found]} database (DATABASE_URL).")
        if connection.in_atomic_block:
            raise CommandError("restore_database cannot run inside a transaction.")
        if kind == POSTGRESQL:
            check_postgresql_dump(path, connection)
        else:
            check_sqlite_copy(path)
        target = describe(connection)
        if interactive:
            try:
                answer = input(f"This replaces everything in {target} with the backup {path}.\n"
                               "Type 'yes' to continue, or anything else to cancel: ")
            except EOFError:  # no one to ask (a script): --no-input says so
                answer = ""
            if answer.strip() != "yes":
                self.stdout.write("Restore cancelled: nothing was changed (--no-input restores without asking).")
                return
        (restore_postgresql if kind == POSTGRESQL else restore_sqlite)(connection, path)
        # Cached responses are keyed by the latest public change id, which the restore may have taken back.
        caches["responses"].clear()
        self.stdout.write(
            f"Restored {path} into {target}: it now holds what the backed-up database held when the backup was taken.\n"
            "Restart the app servers (their in-memory response caches may hold newer pages), and run "
            "`manage.py migrate` if this code is newer than the backup."
        )
