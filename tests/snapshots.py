"""Bulk snapshots written by hand, in the layout export_bulk writes (docs/data.md): flat files and a
manifest.json with each file's size and SHA-256, so the data page and its file views are tested without
the exporter."""

import hashlib
import json
from pathlib import Path

SNAPSHOT = "2026-12-06T121500Z"
FORMATS = {".jsonl": "jsonl", ".csv": "csv", ".json": "json"}

AGREEMENTS_JSONL = b''.join(b'{"slug": "deal-%d", "title": "Deal %d"}\n' % (i, i) for i in range(40))
AGREEMENTS_CSV = "slug,title\r\ndeal-1,“Deal” one\r\n".encode()


def write_snapshot(root, name=SNAPSHOT, files=None, *, generated_at="2026-12-06T12:15:00Z", change_id=1234,
                   extra_entries=(), **manifest):
    """A complete snapshot folder ``root/snapshots/<name>``: ``files`` {name: bytes} and their manifest."""
    files = {"agreements.jsonl": AGREEMENTS_JSONL, "agreements.csv": AGREEMENTS_CSV} if files is None else files
    folder = Path(root) / "snapshots" / name
    folder.mkdir(parents=True)
    entries = []
    for file_name, content in files.items():
        (folder / file_name).write_bytes(content)
        suffix = Path(file_name).suffix
        entries.append({"name": file_name, "format": FORMATS.get(suffix, ""),
                        "record_type": "agreement" if file_name.startswith("agreements.") else None,
                        "rows": None if suffix == ".json" else content.count(b"\n") - (suffix == ".csv"),
                        "bytes": len(content),
                        "sha256": hashlib.sha256(content).hexdigest()})
    document = {"generated_at": generated_at, "change_id": change_id, "schema_version": "1.0",
                "publisher": "AI Defense Agreements Registry", "license": {"name": "CC BY 4.0"},
                "files": entries + list(extra_entries), "ocds_left_out": [], **manifest}
    (folder / "manifest.json").write_text(json.dumps(document))
    return folder


def sha256_of(content):
    return hashlib.sha256(content).hexdigest()
