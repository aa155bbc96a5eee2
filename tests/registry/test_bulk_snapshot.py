"""How export_bulk writes a snapshot (on a small world, not the seed): where, with a BOM on request, the files
apps register, and atomically — a failing writer leaves neither a snapshot nor a hidden folder."""

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry import bulk
from registry.bulk import BulkFile
from tests.builders import make_agency, make_agreement, make_term, make_vendor, one_change
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
# 1 (the latest public change) + for each of the 9 types one query for its JSON Lines records and one for its CSV
# rows (18) + for the 5 types that have records here one per prefetch, per chunk of 500: their parts (parties,
# participating agencies, amounts), citations and their sources (21; since issue 13 the CSV reads a link with its
# target, and a citation with its source, in one query: 6 fewer). Not one more with more records.
EXPORT_QUERIES = 34
# The OCDS files contracts registers (contracts/ocds/packages.py), read a chunk of agreements at a time: for each
# package the agreements (1) and the retracted ones (1): 4; then per chunk, for each package, the agreements'
# parts (7 prefetches), the testing under them (1: none here, else 1 more) and the changes that touched them (3:
# the slugs their terms and markers ever had, then the change-log rows), and for the record package the history
# of the agreements and of their participating agencies, parties, amounts, terms, markers and citations (7) and
# the agencies, vendors and sources it names (3): 11 + 21. None per agreement (15 each before issue 13).
OCDS_QUERIES = 4
OCDS_QUERIES_PER_CHUNK = 32


def export(*args):
    out = io.StringIO()
    call_command("export_bulk", *map(str, args), stdout=out)
    return Path(out.getvalue().strip())


def test_snapshots_go_to_export_root_by_default(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path

    folder = export()

    assert folder.parent == tmp_path / "snapshots" and (folder / "manifest.json").is_file()


def test_with_bom_each_csv_starts_with_one_and_still_validates(tmp_path):
    from frictionless import validate

    make_agreement(slug="deal", title=FORMULA, ceiling_amount="5.00")

    folder = export(tmp_path, "--bom")

    assert (folder / "agreements.csv").read_bytes().startswith("\ufeffslug,url,html_url".encode())
    assert not (folder / "agreements.jsonl").read_bytes().startswith("\ufeff".encode())
    with (folder / "agreements.csv").open(encoding="utf-8-sig", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert row["title"] == "'" + FORMULA and row["ceiling_amount"] == "5.00"
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_a_registered_file_is_written_and_listed_with_its_extras(tmp_path, monkeypatch):
    make_agreement(slug="deal")
    seen = {}

    def write(stream, context):
        seen["context"] = context
        stream.write(b'{"releases": []}')
        return {"rows": 0, "ocds_left_out": [{"slug": "deal", "reason": "no government party"}]}

    monkeypatch.setitem(bulk._FILES, "ocds-release-package.json", BulkFile(
        "ocds-release-package.json", "OCDS release package", "Every agreement as an OCDS release.",
        "application/json", write))

    folder = export(tmp_path)

    manifest = json.loads((folder / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["name"] == "ocds-release-package.json")
    assert entry["rows"] == 0 and entry["bytes"] == 16 and entry["media_type"] == "application/json"
    assert manifest["ocds_left_out"] == [{"slug": "deal", "reason": "no government party"}]
    assert seen["context"].generated_at.strftime("%Y-%m-%dT%H:%M:%SZ") == manifest["generated_at"]


def test_a_failing_writer_leaves_no_snapshot_and_no_hidden_folder(tmp_path, monkeypatch):
    make_agreement(slug="deal")

    def write(stream, context):
        stream.write(b"half a file")
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(bulk._FILES, "broken.json", BulkFile("broken.json", "Broken", "Fails.", "application/json",
                                                             write))

    with pytest.raises(RuntimeError, match="the disk is full"):
        export(tmp_path)

    assert list(tmp_path.iterdir()) == []


def test_a_second_export_in_the_same_second_is_refused_and_leaves_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr("registry.bulk.snapshot.generation_time", lambda: datetime(2026, 12, 6, 12, 15, tzinfo=UTC))
    first = export(tmp_path)

    with pytest.raises(CommandError, match="2026-12-06T121500Z already exists"):
        export(tmp_path)

    assert [path.name for path in tmp_path.iterdir()] == [first.name] == ["2026-12-06T121500Z"]


def small_world(rows):
    for _ in range(rows):
        agreement = make_agreement(vendors=[make_vendor()], participating=[make_agency()])
        make_term(agreement=agreement)


@two_world_sizes
def test_the_export_runs_the_same_queries_for_any_number_of_records(tmp_path, django_assert_num_queries, rows,
                                                                     monkeypatch):
    monkeypatch.setattr(bulk, "_FILES", {})  # the core's own files; the OCDS files are pinned below
    with one_change():  # the core's files read records, not changes (the OCDS test below builds change by change)
        small_world(rows)
    with django_assert_num_queries(EXPORT_QUERIES):
        export(tmp_path)


@two_world_sizes
def test_the_ocds_files_run_the_same_queries_for_any_number_of_agreements_in_a_chunk(tmp_path,
                                                                                    django_assert_num_queries, rows):
    small_world(rows)
    with django_assert_num_queries(EXPORT_QUERIES + OCDS_QUERIES + OCDS_QUERIES_PER_CHUNK):
        export(tmp_path)


def test_the_ocds_files_cost_a_fixed_number_of_queries_per_chunk_of_agreements(tmp_path, django_assert_num_queries,
                                                                               monkeypatch):
    monkeypatch.setattr("contracts.ocds.packages.BULK_CHUNK", 8)
    small_world(20)  # three chunks
    with django_assert_num_queries(EXPORT_QUERIES + OCDS_QUERIES + 3 * OCDS_QUERIES_PER_CHUNK):
        export(tmp_path)


def test_if_missing_writes_a_first_snapshot_and_then_leaves_it(tmp_path):
    first = export(tmp_path, "--if-missing")
    make_agreement()

    again = export(tmp_path, "--if-missing")

    assert again == first and [path.name for path in tmp_path.iterdir()] == [first.name]
