"""import_bulk: a snapshot checked against its manifest, read through the shared loader and the write path; a
wrong row names its file, line and field and imports nothing, unless --skip-invalid (then a report)."""

import csv
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Agency, Agreement, Vendor
from registry.models import ChangeSet, Source

pytestmark = pytest.mark.django_db

PUBLISHED = "2026-01-01T00:00:00Z"
CITED = {"published_at": PUBLISHED, "citations": [{"source": "report", "quote": "the exact words"}]}
SOURCE = {"type": "source", "slug": "report", "url": "https://news.example.org/r", "title": "Report",
          "publisher": "Example News", "kind": "news_report", "published_at": PUBLISHED}
GOOD_AGENCY = {"type": "agency", "slug": "cdao", "name": "CDAO", "kind": "component", **CITED}
BAD_AGENCY = {"type": "agency", "slug": "bad", "name": "Bad", "kind": "bogus", **CITED}
VENDOR = {"type": "vendor", "slug": "acme", "name": "Acme", "kind": "frontier_lab", **CITED}
DEAL_OF_BAD = {"type": "agreement", "slug": "deal", "title": "Deal", "awarding_agency": "bad", **CITED}


def write_snapshot(folder, files):
    """A snapshot as export_bulk writes one: JSON Lines files and a manifest with their sizes and checksums."""
    folder.mkdir()
    entries = []
    for name, lines in files.items():
        data = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines).encode()
        (folder / name).write_bytes(data)
        entries.append({"name": name, "format": "jsonl", "rows": len(lines), "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
    (folder / "manifest.json").write_text(json.dumps({"generated_at": PUBLISHED, "files": entries}))
    return folder


def nothing_imported():
    return not (Source.objects.exists() or Agency.objects.exists() or Vendor.objects.exists()
                or Agreement.objects.exists())


def test_it_imports_a_snapshot_as_staff_with_a_reason_and_keeps_its_times(tmp_path):
    folder = write_snapshot(tmp_path / "2026-12-06T121500Z", {
        "sources.jsonl": [SOURCE], "agencies.jsonl": [{**GOOD_AGENCY, "updated_at": "2026-02-03T04:05:06Z",
                                                       "created_at": "2025-12-01T00:00:00Z"}],
    })

    call_command("import_bulk", str(folder), stdout=open("/dev/null", "w"))  # noqa: SIM115

    agency = Agency.objects.get(slug="cdao")
    assert agency.updated_at.isoformat() == "2026-02-03T04:05:06+00:00"
    assert agency.created_at.isoformat() == "2025-12-01T00:00:00+00:00"
    assert agency.citations.get().source.slug == "report"
    assert ChangeSet.objects.filter(reason="bulk import of snapshot 2026-12-06T121500Z").exists()


def test_a_wrong_row_is_named_by_file_line_and_field_and_nothing_is_imported(tmp_path):
    folder = write_snapshot(tmp_path / "snap", {
        "sources.jsonl": [SOURCE], "agencies.jsonl": [GOOD_AGENCY, BAD_AGENCY], "vendors.jsonl": [VENDOR],
    })

    with pytest.raises(CommandError) as refused:
        call_command("import_bulk", str(folder), "--report", str(tmp_path / "report.csv"))

    assert 'agencies.jsonl line 2, kind: "bogus" is not a valid choice.' in str(refused.value)
    assert nothing_imported()
    with (tmp_path / "report.csv").open(newline="") as stream:
        assert list(csv.reader(stream))[1] == ["agencies.jsonl", "2", "kind", '"bogus" is not a valid choice.']


def test_a_line_that_is_not_json_is_named_and_nothing_is_imported(tmp_path):
    folder = write_snapshot(tmp_path / "snap", {"sources.jsonl": [SOURCE, '{"type": "source", "slug": '],
                                                "agencies.jsonl": [GOOD_AGENCY]})

    with pytest.raises(CommandError, match=r"sources.jsonl line 2: not valid JSON"):
        call_command("import_bulk", str(folder))

    assert nothing_imported()


def test_skip_invalid_imports_the_rest_and_reports_what_it_left_out(tmp_path):
    folder = write_snapshot(tmp_path / "snap", {
        "sources.jsonl": [SOURCE], "agencies.jsonl": [GOOD_AGENCY, BAD_AGENCY], "vendors.jsonl": [VENDOR],
        "agreements.jsonl": [DEAL_OF_BAD],
    })

    call_command("import_bulk", str(folder), "--skip-invalid", "--report", str(tmp_path / "report.csv"),
                 stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(Agency.objects.values_list("slug", flat=True)) == {"cdao"}
    assert Vendor.objects.filter(slug="acme").exists() and not Agreement.objects.exists()
    with (tmp_path / "report.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {(row["file"], row["line"], row["field"]) for row in rows} == {
        ("agencies.jsonl", "2", "kind"), ("agreements.jsonl", "1", "awarding_agency")}
    assert all(row["message"] for row in rows)


@pytest.mark.parametrize("tamper", [
    lambda data: data.replace(b"Acme", b"Acne"),  # same size, another checksum
    lambda data: data + b"\n",  # another size
])
def test_a_snapshot_whose_file_does_not_match_its_manifest_is_refused_by_name(tmp_path, tamper):
    folder = write_snapshot(tmp_path / "snap", {"sources.jsonl": [SOURCE], "vendors.jsonl": [VENDOR]})
    path = folder / "vendors.jsonl"
    path.write_bytes(tamper(path.read_bytes()))

    with pytest.raises(CommandError, match=r"vendors\.jsonl"):
        call_command("import_bulk", str(folder))

    assert nothing_imported()


def test_a_folder_without_a_manifest_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("import_bulk", str(tmp_path))


def test_a_file_listed_but_missing_is_refused(tmp_path):
    folder = write_snapshot(tmp_path / "snap", {"sources.jsonl": [SOURCE]})
    (folder / "sources.jsonl").unlink()

    with pytest.raises(CommandError, match="sources.jsonl is listed in manifest.json but missing"):
        call_command("import_bulk", str(folder))
