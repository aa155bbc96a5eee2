"""export_bulk on the seed (plus a draft, retracted records and formula-looking text, added for this module):
every file there and as the manifest says, the CSV reads back as the database says, the package passes
`frictionless validate`, no draft leaks, retractions are marked, and a snapshot imported into an empty
database exports again byte for byte."""

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from registry.api.caching import latest_change
from registry.bulk.records import exported
from registry.exports import FORMULA_TRIGGERS, PARTIAL_DATE_PATTERN
from registry.interchange import by_name, record_types
from registry.services import retract
from registry.write_serializers import to_interchange
from tests.builders import builder_user, make_agreement, make_term
from tests.ocds_validation import assert_valid

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
SITE = settings.SITE_URL.rstrip("/")


@pytest.fixture(scope="module")
def snapshot(seeded, django_db_blocker, tmp_path_factory):
    """One export for the whole module, of the seed and a few records added (and rolled back) here."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            make_agreement(slug="bulk-draft", title="A draft nobody may see", published=False)
            make_agreement(slug="bulk-formula", title=FORMULA, summary="-1 unit of the budget", ceiling_amount="1000.00")
            gone = make_agreement(slug="bulk-retracted", title="Withdrawn deal")
            own = make_term(slug="bulk-term-own", agreement=gone)
            make_term(slug="bulk-term-cascade", agreement=gone)
            retract(own, user=builder_user(), reason="the term was misread")
            retract(gone, user=builder_user(), reason="duplicate record")
            out = io.StringIO()
            call_command("export_bulk", str(tmp_path_factory.mktemp("snapshots")), stdout=out)
            yield Path(out.getvalue().strip())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def manifest_of(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def csv_rows(folder, record_type):
    with (folder / f"{record_type.plural}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def json_lines(folder, record_type):
    return [json.loads(line) for line in (folder / f"{record_type.plural}.jsonl").read_text(encoding="utf-8").splitlines()]


def unprefixed(cell):
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS) else cell


def test_every_file_is_there_and_no_partial_folder_is_left(snapshot):
    expected = {f"{t.plural}.{ext}" for t in record_types() for ext in ("jsonl", "csv")}

    assert {path.name for path in snapshot.iterdir()} == expected | {
        "datapackage.json", "manifest.json", "ocds-release-package.json", "ocds-record-package.json"}
    assert [path.name for path in snapshot.parent.iterdir()] == [snapshot.name]


def test_the_manifest_gives_each_files_rows_size_and_checksum(snapshot):
    manifest = manifest_of(snapshot)

    assert manifest["generated_at"].replace(":", "") == snapshot.name
    assert manifest["change_id"] == latest_change()[0]
    assert manifest["license"] == settings.DATA_LICENSE and manifest["site_url"] == SITE
    assert manifest["schema_version"] == "1.0"
    assert "manifest.json" not in [entry["name"] for entry in manifest["files"]]
    for entry in manifest["files"]:
        data = (snapshot / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data), entry["name"]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["name"]
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    for record_type in record_types():
        count = exported(record_type).count()
        assert rows[f"{record_type.plural}.jsonl"] == len(json_lines(snapshot, record_type)) == count
        assert rows[f"{record_type.plural}.csv"] == len(csv_rows(snapshot, record_type)) == count
    assert rows["datapackage.json"] is None


def test_the_ocds_packages_validate_and_the_manifest_lists_the_agreements_left_out(snapshot):
    manifest = manifest_of(snapshot)
    releases = json.loads((snapshot / "ocds-release-package.json").read_text(encoding="utf-8"))
    records = json.loads((snapshot / "ocds-record-package.json").read_text(encoding="utf-8"))

    assert_valid(releases, "release")
    assert_valid(records, "record")
    left_out = {row["slug"]: row["reason"] for row in manifest["ocds_left_out"]}
    assert left_out["bulk-retracted"] == "retracted"
    assert set(left_out.values()) <= {"retracted", "no government party"}
    agreements = set(exported(by_name("agreement")).values_list("slug", flat=True))
    released = {release["ocid"].removeprefix(settings.OCDS_OCID_PREFIX + "-") for release in releases["releases"]}
    assert released | set(left_out) == agreements and not released & set(left_out)
    rows = {entry["name"]: entry["rows"] for entry in manifest["files"]}
    assert rows["ocds-release-package.json"] == len(releases["releases"]) == len(records["records"])


def expected_cell(column, record):
    """The cell as the database states it, worked out apart from the export's own readers."""
    if column.address == "api":
        return f"{SITE}/api/v1/{record_type_of(record).path}/{record.slug}/"
    if column.address == "page":
        return SITE + record.get_absolute_url()
    if column.header == "source_urls":
        return "; ".join(dict.fromkeys(c.source.url for c in record.citations.order_by("position", "id")))
    value = getattr(record, column.source)
    if value is None or value == "":
        return ""
    if column.references:
        return value.slug
    if column.pattern == PARTIAL_DATE_PATTERN:
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if column.type == "number":
        return f"{value.amount:.2f}"
    if isinstance(value, list):
        return "; ".join(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def record_type_of(record):
    return next(t for t in record_types() if t.model is type(record))


def test_the_csv_reads_back_as_the_database_says(snapshot):
    for record_type in record_types():
        export = record_type.csv
        records = {r.slug: r for r in export.prepare(exported(record_type))}
        rows = csv_rows(snapshot, record_type)
        assert [row["slug"] for row in rows] == sorted(records)
        checked = [c for c in export.fields if c.source or c.address or c.header == "source_urls"]
        for row in rows:
            record = records[row["slug"]]
            for column in checked:
                assert unprefixed(row[column.header]) == expected_cell(column, record), (row["slug"], column.header)


def test_frictionless_validates_the_package(snapshot):
    from frictionless import validate

    report = validate(str(snapshot / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_package_declares_keys_and_types(snapshot):
    package = json.loads((snapshot / "datapackage.json").read_text(encoding="utf-8"))
    terms = next(r for r in package["resources"] if r["name"] == "terms")

    assert terms["schema"]["primaryKey"] == ["slug"]
    assert {"fields": "agreement", "reference": {"resource": "agreements", "fields": "slug"}} in terms["schema"]["foreignKeys"]
    assert {"fields": "supersedes", "reference": {"resource": "", "fields": "slug"}} in terms["schema"]["foreignKeys"]
    assert package["licenses"][0]["path"] == settings.DATA_LICENSE["url"]


def test_no_draft_leaks_into_any_file(snapshot):
    for path in snapshot.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "bulk-draft" not in text and "A draft nobody may see" not in text, path.name


def test_retracted_records_are_included_and_marked(snapshot):
    agreements = {line["slug"]: line for line in json_lines(snapshot, by_name("agreement"))}
    terms = {row["slug"]: row for row in csv_rows(snapshot, by_name("term"))}

    assert agreements["bulk-retracted"]["retracted_at"]
    assert agreements["bulk-retracted"]["retraction_reason"] == "duplicate record"
    assert agreements["bulk-formula"]["retracted_at"] is None
    assert terms["bulk-term-own"]["retraction_reason"] == "the term was misread"
    assert terms["bulk-term-cascade"]["retraction_reason"].startswith("Retracted with its agreement")
    assert terms["bulk-term-cascade"]["retracted_at"]


def test_the_bulk_csv_neutralises_formula_cells_and_leaves_amounts(snapshot):
    rows = {row["slug"]: row for row in csv_rows(snapshot, by_name("agreement"))}

    assert rows["bulk-formula"]["title"] == "'" + FORMULA
    assert rows["bulk-formula"]["summary"] == "'-1 unit of the budget"
    assert rows["bulk-formula"]["ceiling_amount"] == "1000.00"
    assert rows["bulk-formula"]["url"] == f"{SITE}/api/v1/agreements/bulk-formula/"


def test_each_line_is_a_record_in_the_interchange_shape_by_slug(snapshot):
    for record_type in record_types():
        text = (snapshot / f"{record_type.plural}.jsonl").read_text(encoding="utf-8")
        lines = [json.loads(line) for line in text.splitlines()]
        assert [line["slug"] for line in lines] == sorted(line["slug"] for line in lines)
        assert all(line["type"] == record_type.name for line in lines)
        for line in text.splitlines()[:3]:  # deterministic: keys sorted, no spaces
            assert line == json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    formula = next(line for line in json_lines(snapshot, by_name("agreement")) if line["slug"] == "bulk-formula")
    record = exported(by_name("agreement")).get(slug="bulk-formula")
    assert {k: v for k, v in formula.items() if k not in ("type", "updated_at")} == to_interchange(record)
    assert formula["title"] == FORMULA  # JSON is not a spreadsheet: never prefixed


def test_a_snapshot_imported_into_an_empty_database_exports_again_identically(snapshot, tmp_path, migrated_sqlite_file):
    """A second registry (a fresh SQLite file, migrated) imports the snapshot and exports it: every JSON Lines
    and CSV file (and the data package) is the same byte for byte; the manifests differ only in their time and
    change id (and the OCDS packages' checksums: those carry history and times, which an import does not bring).
    The file starts as a copy of an empty migrated registry (``migrated_sqlite_file``): migrate then has nothing
    to do (~3 s instead of ~25 s)."""
    shutil.copyfile(migrated_sqlite_file, tmp_path / "second.sqlite3")
    script = ("import sys, django; django.setup(); from django.core.management import call_command; "
              "call_command('migrate', verbosity=0); call_command('import_bulk', sys.argv[1]); "
              "call_command('export_bulk', sys.argv[2])")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'second.sqlite3'}", "SITE_URL": settings.SITE_URL,
           "DJANGO_SETTINGS_MODULE": "registry.settings", "SECRET_KEY": "test-only", "DEBUG": "false"}
    done = subprocess.run([sys.executable, "-c", script, str(snapshot), str(tmp_path / "again")], env=env,
                          cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    again = Path(done.stdout.strip().splitlines()[-1])

    first, second = manifest_of(snapshot), manifest_of(again)
    compared = [entry for entry in first["files"] if not entry["name"].startswith("ocds-")]
    assert len(compared) == 2 * len(record_types()) + 1
    for entry in compared:
        assert (again / entry["name"]).read_bytes() == (snapshot / entry["name"]).read_bytes(), entry["name"]

    def besides_time_and_history(manifest):
        """The OCDS packages carry history and their generation time (release ids, dates): not compared."""
        kept = {k: v for k, v in manifest.items() if k not in ("generated_at", "change_id", "files")}
        return kept, [entry for entry in manifest["files"] if not entry["name"].startswith("ocds-")]

    assert besides_time_and_history(first) == besides_time_and_history(second)
    assert [e["name"] for e in first["files"]] == [e["name"] for e in second["files"]]
