"""Bulk data: the snapshot that ``export_bulk`` writes and ``import_bulk`` reads (docs/data.md).

A snapshot is a folder under ``EXPORT_ROOT/snapshots`` named by its UTC generation time
(``2026-12-06T121500Z``), holding for every record type ``<plural>.jsonl`` (the interchange shape) and
``<plural>.csv`` (the CSV columns), ``datapackage.json`` (Frictionless), the files apps register here
(the OCDS packages) and ``manifest.json`` (sizes, SHA-256, row counts, the last change included).

The core writes the record files; an app adds a file with ``register_bulk_file`` in its
``AppConfig.ready()`` (the core never imports an app).
"""

from dataclasses import dataclass

SNAPSHOT_NAME_FORMAT = "%Y-%m-%dT%H%M%SZ"
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class BulkFile:
    """A file an app adds to every snapshot. ``write(stream, context) -> dict`` writes UTF-8 bytes to a binary
    stream (streaming: memory flat) and returns the manifest's extras: ``rows`` (its count of records, releases…)
    for the file's entry, any other key for the manifest's top level (e.g. ``ocds_left_out``: a list)."""

    name: str  # the file name in the snapshot: "ocds-release-package.json"
    title: str
    description: str
    media_type: str
    write: object
    format: str = "json"


@dataclass(frozen=True)
class BulkContext:
    """What a registered writer may need: when the snapshot is generated (an aware datetime) and the site's address."""

    generated_at: object
    site_url: str


_FILES = {}


def register_bulk_file(name, title, description, media_type, write, format="json"):
    bulk_file = BulkFile(name=name, title=title, description=description, media_type=media_type, write=write,
                         format=format)
    _FILES[name] = bulk_file
    return bulk_file


def bulk_files():
    """The registered files, in the order they were registered."""
    return list(_FILES.values())
