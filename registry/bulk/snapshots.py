"""Reading the snapshots ``export_bulk`` leaves under ``EXPORT_ROOT/snapshots`` (the data page and its
file views).

A snapshot is a folder named by its UTC generation time (``2026-12-06T121500Z``) holding flat files and
a ``manifest.json`` that lists them with their size and SHA-256. A snapshot still being written lives in a
dot-folder and is renamed into place when complete, so a reader skips dot-folders, folders with another
name and folders whose manifest is missing or unreadable: the latest snapshot is the greatest name that
has a readable manifest.

Only files the manifest lists (and the manifest itself) are ever handed out: a name from a URL is looked up
in the manifest, never joined to a path as it is.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

SNAPSHOT_NAME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{6}Z")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # flat, never hidden, no separator
SHA256 = re.compile(r"[0-9a-f]{64}")
MANIFEST = "manifest.json"
FORMATS = {"jsonl", "csv", "json"}
MAX_MANIFEST_BYTES = 10 * 1024 * 1024  # a manifest lists a few dozen files; anything larger is not one


@dataclass(frozen=True)
class SnapshotFile:
    name: str
    path: Path
    format: str  # "jsonl", "csv", "json" (or "" when neither the manifest nor the name says)
    sha256: str
    bytes: int | None
    rows: int | None
    record_type: str | None
    title: str
    description: str


@dataclass(frozen=True)
class Snapshot:
    path: Path
    name: str  # the folder's name: its generation time
    manifest: dict
    files: dict  # {name: SnapshotFile}, in manifest order, manifest.json last
    generated_at: datetime

    def file(self, name):
        """The listed file called ``name``, or None (any other name, however it is spelled)."""
        return self.files.get(name)

    @property
    def change_id(self):
        """The last change the snapshot includes (None before any change, or when the manifest does not say)."""
        return whole_number(self.manifest.get("change_id"))

    @property
    def schema_version(self):
        return text(self.manifest.get("schema_version"))


def snapshots_root():
    return Path(settings.EXPORT_ROOT) / "snapshots"


def snapshot_names(root=None):
    """The names of complete-looking snapshot folders, newest first (their manifests are not read)."""
    root = Path(root) if root is not None else snapshots_root()
    try:
        entries = list(root.iterdir())
    except OSError:  # no export yet, or unreadable
        return []
    return sorted((e.name for e in entries if SNAPSHOT_NAME.fullmatch(e.name) and e.is_dir()), reverse=True)


def latest_snapshot(root=None):
    """The newest snapshot with a readable manifest, or None."""
    root = Path(root) if root is not None else snapshots_root()
    for name in snapshot_names(root):
        snapshot = read_snapshot(root / name)
        if snapshot is not None:
            return snapshot
    return None


def snapshot_named(name, root=None):
    """The snapshot called ``name`` if it is still on disk and readable, else None."""
    if not isinstance(name, str) or not SNAPSHOT_NAME.fullmatch(name):
        return None
    root = Path(root) if root is not None else snapshots_root()
    return read_snapshot(root / name)


def read_snapshot(folder):
    """A Snapshot from ``folder``'s manifest, or None when there is none or it cannot be read as one."""
    manifest_path = folder / MANIFEST
    try:
        with open(manifest_path, "rb") as stream:
            raw = stream.read(MAX_MANIFEST_BYTES + 1)
        manifest = json.loads(raw)
    except (OSError, ValueError):  # missing, unreadable, not UTF-8, not JSON
        return None
    if len(raw) > MAX_MANIFEST_BYTES or not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    files = {}
    for entry in manifest["files"]:
        listed = listed_file(folder, entry)
        if listed is not None and listed.name not in files:
            files[listed.name] = listed
    # The manifest is served too (it is what a download is checked against); it cannot list its own checksum.
    files[MANIFEST] = SnapshotFile(
        name=MANIFEST, path=manifest_path, format="json", sha256=hashlib.sha256(raw).hexdigest(), bytes=len(raw),
        rows=None, record_type=None, title="Manifest",
        description="What this snapshot holds: when it was made, and every file's size, rows and SHA-256.")
    return Snapshot(path=folder, name=folder.name, manifest=manifest, files=files,
                    generated_at=generation_time(manifest.get("generated_at"), folder.name))


def listed_file(folder, entry):
    """One manifest entry as a SnapshotFile; None for an entry without a safe flat name and a SHA-256."""
    if not isinstance(entry, dict):
        return None
    name, sha256 = entry.get("name"), entry.get("sha256")
    if not (isinstance(name, str) and FILE_NAME.fullmatch(name) and name != MANIFEST):
        return None
    if not (isinstance(sha256, str) and SHA256.fullmatch(sha256)):
        return None
    file_format = entry.get("format")
    if file_format not in FORMATS:
        file_format = next((f for f in FORMATS if name.endswith(f".{f}")), "")
    return SnapshotFile(
        name=name, path=folder / name, format=file_format, sha256=sha256,
        bytes=whole_number(entry.get("bytes")), rows=whole_number(entry.get("rows")),
        record_type=text(entry.get("record_type")) or None,
        title=text(entry.get("title")), description=text(entry.get("description")))


def generation_time(value, folder_name):
    """The manifest's ``generated_at`` (UTC), or the time the folder's name gives."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return datetime.strptime(folder_name, "%Y-%m-%dT%H%M%SZ").replace(tzinfo=UTC)


def whole_number(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def text(value):
    return value if isinstance(value, str) else ""
