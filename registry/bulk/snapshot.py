"""Writing a snapshot (``export_bulk``): every file in a dot-folder, fsynced, then renamed into place in one
step, so that a reader never sees half a snapshot; on any error the dot-folder is removed and nothing
appears. The whole export reads one consistent state of the database, and ``manifest.json`` names the
last public change it includes."""

import hashlib
import json
import os
import secrets
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from registry.api.caching import latest_change
from registry.bulk import SCHEMA_VERSION, SNAPSHOT_NAME_FORMAT, BulkContext, bulk_files
from registry.bulk.datapackage import descriptor
from registry.bulk.records import exported, write_csv, write_jsonl
from registry.bulk.snapshots import snapshots_root
from registry.citing import SITE_NAME
from registry.exports import Addresses
from registry.interchange import record_types


class SnapshotError(Exception):
    pass


@contextmanager
def consistent_read():
    """One state of the database for the whole export, whatever is written meanwhile. PostgreSQL: a REPEATABLE
    READ, READ ONLY transaction. SQLite: a deferred read transaction (in WAL mode a snapshot, taken at its first
    read), not the IMMEDIATE one the write path takes, so that writers go on while the export runs. Inside a
    transaction already (the tests), that transaction is the snapshot."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # it only read
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class CountingFile:
    """A binary file that counts and hashes what is written to it (no second read of a large file)."""

    def __init__(self, path):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, data):
        self.sha256.update(data)
        self.bytes += len(data)
        return self.file.write(data)

    def close(self):
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()


class Progress:
    """A progress bar on a terminal (tqdm, on stderr); nothing otherwise."""

    def __init__(self, enabled):
        self.enabled = enabled

    @contextmanager
    def bar(self, label, count):
        if not self.enabled:
            yield Silent()
            return
        from tqdm import tqdm

        with tqdm(total=count(), desc=label, unit=" records", file=sys.stderr, leave=False) as bar:
            yield bar


class Silent:
    def update(self, n=1):
        pass


def fsync_folder(path):
    descriptor_ = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor_)
    finally:
        os.close(descriptor_)


def generation_time():
    return timezone.now().replace(microsecond=0)


def write_snapshot(root=None, *, bom=False, progress=None):
    """Write a snapshot into ``root`` (default EXPORT_ROOT/snapshots); returns its folder."""
    root = Path(root or snapshots_root())
    root.mkdir(parents=True, exist_ok=True)
    generated_at = generation_time()
    name = generated_at.strftime(SNAPSHOT_NAME_FORMAT)
    final = root / name
    if final.exists():
        raise SnapshotError(f"A snapshot named {name} already exists in {root}: wait a second and run it again.")
    partial = root / f".partial-{name}-{secrets.token_hex(2)}"
    partial.mkdir()
    try:
        with consistent_read():
            manifest = write_files(partial, generated_at, bom=bom, progress=progress or Progress(False))
        write_json(partial / "manifest.json", manifest)
        fsync_folder(partial)
        os.rename(partial, final)  # atomic: the snapshot appears whole or not at all
        fsync_folder(root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def write_files(folder, generated_at, *, bom, progress):
    change_id, _ = latest_change()  # the first read of the transaction: the data below is as of this change
    site_url = settings.SITE_URL.rstrip("/")
    addresses = Addresses(site_url)
    entries, extras = [], {"ocds_left_out": []}

    def write(name, writer, **entry):
        stream = CountingFile(folder / name)
        try:
            rows = writer(stream)
        finally:
            stream.close()
        entries.append({"name": name, **entry, "rows": rows, "bytes": stream.bytes, "sha256": stream.sha256.hexdigest()})

    for record_type in record_types():
        label = record_type.label
        with progress.bar(f"{record_type.plural}.jsonl", exported(record_type).count) as bar:
            write(f"{record_type.plural}.jsonl", lambda s, t=record_type, b=bar: write_jsonl(s, t, b),
                  format="jsonl", media_type="application/jsonl", record_type=record_type.name,
                  title=f"{label} (JSON Lines)",
                  description=f"{label}: every published record in the interchange shape (docs/interchange.md), "
                              "one a line, citations inline; retracted ones included and marked.")
        with progress.bar(f"{record_type.plural}.csv", exported(record_type).count) as bar:
            write(f"{record_type.plural}.csv", lambda s, t=record_type, b=bar: write_csv(s, t, addresses, b, bom=bom),
                  format="csv", media_type="text/csv", record_type=record_type.name, title=f"{label} (CSV)",
                  description=f"{label}: every published record, one a row, in the columns of the site's CSV "
                              "(described in datapackage.json).")
    def write_datapackage(stream):
        dump_json(stream, descriptor(bom=bom))
        return None  # not a file of records

    write("datapackage.json", write_datapackage, format="json",
          media_type="application/json", record_type=None, title="Frictionless data package",
          description="The CSV files' columns, types, constraints, keys and license (Frictionless Table Schema).")
    context = BulkContext(generated_at=generated_at, site_url=site_url)
    for bulk_file in bulk_files():
        returned = {}

        def run(stream, bulk_file=bulk_file, returned=returned):
            returned.update(bulk_file.write(stream, context) or {})
            return returned.get("rows")

        write(bulk_file.name, run, format=bulk_file.format, media_type=bulk_file.media_type, record_type=None,
              title=bulk_file.title, description=bulk_file.description)
        for key, value in returned.items():
            if key == "rows":
                continue
            if isinstance(value, list):
                extras.setdefault(key, []).extend(value)
            else:
                extras[key] = value
    return {
        "generated_at": generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "change_id": change_id or None,
        "schema_version": SCHEMA_VERSION,
        "publisher": SITE_NAME,
        "site_url": site_url,
        "license": dict(settings.DATA_LICENSE),
        "files": entries,
        **extras,
    }


def dump_json(stream, data):
    stream.write((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def write_json(path, data):
    stream = CountingFile(path)
    try:
        dump_json(stream, data)
    finally:
        stream.close()
