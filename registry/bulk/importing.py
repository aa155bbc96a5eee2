"""Reading a snapshot back (``import_bulk``): its files checked against the manifest (size and SHA-256), its
JSON Lines read through the shared loader (registry/loader.py) and the one write path, in one change set.
A wrong row stops the import with its file, line and field, and nothing is imported; with ``skip_invalid``
the rows that are wrong (and those that refer to them) are left out and reported, and the rest imported."""

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from registry.interchange import by_name, record_types
from registry.loader import LoadError, load_records

READ_SIZE = 1 << 20
FIELD_PATH = re.compile(r"[A-Za-z_][\w.\[\]]*")


class SnapshotRefused(Exception):
    """The folder is not a whole snapshot: no manifest, or a file that does not match it."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self):
        where = f"{self.file} line {self.line}" if self.line else self.file or "the snapshot"
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ImportRefused(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def problem_of(file, line, message):
    """A loader message ("citations[0].source: Object with slug=x does not exist.") split into field and message."""
    head, separator, rest = message.partition(": ")
    if separator and FIELD_PATH.fullmatch(head):
        return Problem(file, line, head, rest)
    return Problem(file, line, "", message)


def read_manifest(folder):
    path = Path(folder) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotRefused(f"{folder} holds no manifest.json: not a snapshot written by export_bulk.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SnapshotRefused(f"manifest.json is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise SnapshotRefused("manifest.json has no list of files.")
    return manifest


def check_files(folder, manifest):
    """Every file the manifest lists is there, with its size and SHA-256: a changed or cut file is refused by name."""
    for entry in manifest["files"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or Path(name).name != name or name.startswith("."):
            raise SnapshotRefused(f"manifest.json lists a file with a bad name: {name!r}.")
        path = Path(folder) / name
        if not path.is_file():
            raise SnapshotRefused(f"{name} is listed in manifest.json but missing.")
        size = path.stat().st_size
        if size != entry.get("bytes"):
            raise SnapshotRefused(f"{name} has {size} bytes; manifest.json says {entry.get('bytes')}. Refused.")
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(READ_SIZE):
                digest.update(chunk)
        if digest.hexdigest() != entry.get("sha256"):
            raise SnapshotRefused(f"{name}: its SHA-256 does not match manifest.json (changed after the export). "
                                  "Refused.")


def read_records(folder, manifest):
    """({plural: [(line, record)]}, problems) from the snapshot's JSON Lines files, in load order."""
    listed = {entry["name"] for entry in manifest["files"]}
    rows, problems = {}, []
    for record_type in record_types():
        name = f"{record_type.plural}.jsonl"
        if name not in listed:
            continue
        rows[record_type.plural] = []
        with (Path(folder) / name).open(encoding="utf-8") as stream:
            for number, text in enumerate(stream, start=1):
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as error:
                    problems.append(Problem(name, number, "", f"not valid JSON: {error.msg} (column {error.colno})."))
                    continue
                if isinstance(record, dict) and record.get("type", record_type.name) != record_type.name:
                    problems.append(Problem(name, number, "type", f"“{record.get('type')}” in the file of "
                                                                  f"{record_type.plural} (expected {record_type.name})."))
                    continue
                rows[record_type.plural].append((number, record))
    return rows, problems


def import_snapshot(folder, *, skip_invalid=False, user=None):
    """Import a snapshot; returns (LoadReport, the problems of the rows left out). Raises SnapshotRefused or
    ImportRefused (nothing imported)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_files(folder, manifest)
    rows, problems = read_records(folder, manifest)
    if problems and not skip_invalid:
        raise ImportRefused(problems)
    reason = f"bulk import of snapshot {folder.resolve().name}"
    while True:
        data = {plural: [record for _, record in found] for plural, found in rows.items()}

        def locate(record_type, index, rows=rows):
            return f"{record_type.plural}.jsonl line {rows[record_type.plural][index][0]}"

        try:
            return load_records(data, user=user, reason=reason, locate=locate), problems
        except LoadError as error:
            found = [problem_of(f"{by_name(type_name).plural}.jsonl", rows[by_name(type_name).plural][index][0],
                                message) for type_name, index, message in error.problems]
            attributable = len(error.problems) == len(error.errors)
            if not (skip_invalid and attributable and found):
                others = [] if attributable else [problem_of("", None, line) for line in error.errors]
                raise ImportRefused(problems + (found if attributable else others)) from None
            problems += found
            wrong = {(by_name(type_name).plural, index) for type_name, index, _ in error.problems}
            rows = {plural: [row for index, row in enumerate(found_rows) if (plural, index) not in wrong]
                    for plural, found_rows in rows.items()}


def write_report(path, problems):
    """The problems as a CSV: file, line, field, message."""
    with Path(path).open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["file", "line", "field", "message"])
        for problem in problems:
            writer.writerow([problem.file, problem.line or "", problem.field, problem.message])
