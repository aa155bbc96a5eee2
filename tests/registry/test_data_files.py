"""The bulk files: which snapshot is the latest, which files may be served, and how (/data/latest/<file> and
/data/snapshots/<snapshot>/<file>): ETag, 304, ranges, If-Range, HEAD, and a 404 for everything else."""

import json

import pytest
from django.utils.http import http_date

from registry.bulk.snapshots import latest_snapshot, snapshot_named
from tests.snapshots import AGREEMENTS_CSV, AGREEMENTS_JSONL, SNAPSHOT, sha256_of, write_snapshot

pytestmark = pytest.mark.django_db

GENERATED = 1796559300  # 2026-12-06T12:15:00Z
ETAG = f'"sha256-{sha256_of(AGREEMENTS_JSONL)}"'
SIZE = len(AGREEMENTS_JSONL)
URL = "/data/latest/agreements.jsonl"


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def snapshot(export_root):
    return write_snapshot(export_root)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# Which snapshot is the latest

def test_the_latest_snapshot_is_the_greatest_complete_name(export_root):
    write_snapshot(export_root, "2026-12-05T000000Z")
    write_snapshot(export_root, "2026-12-06T000000Z")

    assert latest_snapshot().name == "2026-12-06T000000Z"


def test_it_ignores_partial_folders_and_folders_without_a_readable_manifest(export_root):
    write_snapshot(export_root, "2026-12-01T000000Z")
    write_snapshot(export_root, ".partial-2026-12-09T000000Z-ab12")
    write_snapshot(export_root, "2026-12-08T000000Z").joinpath("manifest.json").unlink()
    write_snapshot(export_root, "2026-12-07T000000Z").joinpath("manifest.json").write_text("{not json")
    write_snapshot(export_root, "2026-12-06T000000Z").joinpath("manifest.json").write_text("[1, 2]")
    write_snapshot(export_root, "2026-12-05T000000Z").joinpath("manifest.json").write_bytes(b"\xff\xfe{}")
    write_snapshot(export_root, "zzz-not-a-time")

    assert latest_snapshot().name == "2026-12-01T000000Z"


def test_there_is_no_snapshot_before_the_first_export(export_root):
    assert latest_snapshot() is None
    (export_root / "snapshots").mkdir()
    assert latest_snapshot() is None


def test_only_names_the_manifest_lists_are_files_of_a_snapshot(export_root):
    folder = write_snapshot(export_root, extra_entries=[
        {"name": "../../settings.py", "sha256": "0" * 64}, {"name": "/etc/passwd", "sha256": "0" * 64},
        {"name": ".hidden", "sha256": "0" * 64}, {"name": "unchecked.csv"}, "not an entry"])
    (folder / "stray.csv").write_text("on disk, not listed")

    snapshot = latest_snapshot()

    assert sorted(snapshot.files) == ["agreements.csv", "agreements.jsonl", "manifest.json"]
    assert snapshot.file("agreements.jsonl").path == folder / "agreements.jsonl"
    for name in ("stray.csv", "../../settings.py", "/etc/passwd", ".hidden", "unchecked.csv", "", None):
        assert snapshot.file(name) is None


def test_a_snapshot_reads_its_time_change_and_version_from_the_manifest(export_root):
    write_snapshot(export_root, generated_at="2026-12-06T12:15:00Z")
    write_snapshot(export_root, "2026-12-07T080000Z", generated_at="nonsense")

    assert snapshot_named(SNAPSHOT).generated_at.isoformat() == "2026-12-06T12:15:00+00:00"
    assert snapshot_named(SNAPSHOT).change_id == 1234 and snapshot_named(SNAPSHOT).schema_version == "1.0"
    assert latest_snapshot().generated_at.isoformat() == "2026-12-07T08:00:00+00:00"  # from the folder's name
    assert snapshot_named("../snapshots") is None and snapshot_named(".partial") is None


# Serving a file

def test_it_serves_the_latest_copy_with_its_checksum_as_etag(client, snapshot):
    response = client.get(URL)

    assert response.status_code == 200 and response.streaming
    assert body(response) == AGREEMENTS_JSONL
    assert response["ETag"] == ETAG
    assert response["Last-Modified"] == http_date(GENERATED) == "Sun, 06 Dec 2026 12:15:00 GMT"
    assert response["Content-Length"] == str(SIZE)
    assert response["Content-Type"] == "application/jsonl"
    assert response["Content-Disposition"] == 'attachment; filename="agreements.jsonl"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Accept-Ranges"] == "bytes"


def test_each_format_has_its_content_type(client, snapshot):
    assert client.get("/data/latest/agreements.csv")["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get("/data/latest/manifest.json")["Content-Type"] == "application/json"
    assert body(client.get("/data/latest/agreements.csv")) == AGREEMENTS_CSV


def test_the_manifest_is_served_with_its_own_checksum(client, snapshot):
    manifest = (snapshot / "manifest.json").read_bytes()

    response = client.get("/data/latest/manifest.json")

    assert body(response) == manifest
    assert response["ETag"] == f'"sha256-{sha256_of(manifest)}"'
    assert json.loads(manifest)["files"][0]["name"] == "agreements.jsonl"


def test_head_gives_the_headers_without_the_body(client, snapshot):
    response = client.head(URL)

    assert response.status_code == 200 and body(response) == b""
    assert response["Content-Length"] == str(SIZE) and response["ETag"] == ETAG
    assert response["Content-Type"] == "application/jsonl"


def test_a_permalink_serves_any_snapshot_still_on_disk_and_never_changes(client, export_root):
    write_snapshot(export_root, SNAPSHOT)
    write_snapshot(export_root, "2026-12-07T000000Z", files={"agreements.jsonl": b"{}\n"})

    old = client.get(f"/data/snapshots/{SNAPSHOT}/agreements.jsonl")
    latest = client.get(URL)

    assert body(old) == AGREEMENTS_JSONL and old["Cache-Control"] == "public, max-age=31536000, immutable"
    assert old["ETag"] == ETAG
    assert body(latest) == b"{}\n"


def test_the_files_views_run_no_query(client, snapshot, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(URL)
        client.get(f"/data/snapshots/{SNAPSHOT}/agreements.jsonl", HTTP_RANGE="bytes=0-1")


# Conditional requests

@pytest.mark.parametrize("headers", [{"HTTP_IF_NONE_MATCH": ETAG}, {"HTTP_IF_NONE_MATCH": f'"other", W/{ETAG}'},
                                     {"HTTP_IF_NONE_MATCH": "*"}, {"HTTP_IF_MODIFIED_SINCE": http_date(GENERATED)},
                                     {"HTTP_IF_MODIFIED_SINCE": http_date(GENERATED + 60)},
                                     {"HTTP_IF_NONE_MATCH": ETAG, "HTTP_RANGE": "bytes=0-9"}])
def test_a_copy_the_client_has_is_not_sent_again(client, snapshot, headers):
    response = client.get(URL, **headers)

    assert response.status_code == 304 and body(response) == b""
    assert response["ETag"] == ETAG and response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("headers", [{"HTTP_IF_NONE_MATCH": '"sha256-0000"'},
                                     {"HTTP_IF_MODIFIED_SINCE": http_date(GENERATED - 60)},
                                     {"HTTP_IF_NONE_MATCH": '"sha256-0000"', "HTTP_IF_MODIFIED_SINCE": http_date(GENERATED)}])
def test_a_changed_file_is_sent_whole(client, snapshot, headers):
    response = client.get(URL, **headers)

    assert response.status_code == 200 and body(response) == AGREEMENTS_JSONL


def test_a_conditional_request_for_a_missing_file_is_still_a_404(client, snapshot):
    assert client.get("/data/latest/nothing.csv", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_if_match_that_fails_is_a_412(client, snapshot):
    assert client.get(URL, HTTP_IF_MATCH='"sha256-0000"').status_code == 412
    assert client.get(URL, HTTP_IF_MATCH=ETAG).status_code == 200


# Ranges

@pytest.mark.parametrize(("header", "start", "end"), [
    ("bytes=0-9", 0, 9), ("bytes=10-19", 10, 19), (f"bytes={SIZE - 5}-", SIZE - 5, SIZE - 1),
    ("bytes=-7", SIZE - 7, SIZE - 1), (f"bytes=5-{SIZE + 100}", 5, SIZE - 1), (f"bytes=-{SIZE * 2}", 0, SIZE - 1),
    ("bytes=0-0", 0, 0), (f"bytes={SIZE - 1}-{SIZE - 1}", SIZE - 1, SIZE - 1), ("BYTES = 3-4", 3, 4)])
def test_a_range_gives_those_bytes(client, snapshot, header, start, end):
    response = client.get(URL, HTTP_RANGE=header)

    assert response.status_code == 206
    assert body(response) == AGREEMENTS_JSONL[start:end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["ETag"] == ETAG and response["Content-Type"] == "application/jsonl"


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_a_range_past_the_end_is_a_416_naming_the_size(client, snapshot, header):
    response = client.get(URL, HTTP_RANGE=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=9-3", "bytes=a-b", "bytes=", "bytes=-", "items=0-1",
                                    "0-1", "bytes=1-2-3", "bytes= -"])
def test_several_or_malformed_ranges_get_the_whole_file(client, snapshot, header):
    response = client.get(URL, HTTP_RANGE=header)

    assert response.status_code == 200 and body(response) == AGREEMENTS_JSONL


@pytest.mark.parametrize(("if_range", "status"), [
    (ETAG, 206), ('"sha256-0000"', 200), (f"W/{ETAG}", 200), (http_date(GENERATED), 206),
    (http_date(GENERATED - 3600), 200), ("not a date", 200)])
def test_if_range_applies_the_range_only_to_the_same_copy(client, snapshot, if_range, status):
    response = client.get(URL, HTTP_RANGE="bytes=0-4", HTTP_IF_RANGE=if_range)

    assert response.status_code == status
    assert body(response) == (AGREEMENTS_JSONL[:5] if status == 206 else AGREEMENTS_JSONL)


def test_head_ignores_a_range(client, snapshot):
    response = client.head(URL, HTTP_RANGE="bytes=0-4")

    assert response.status_code == 200 and response["Content-Length"] == str(SIZE)


# Everything else is a 404

@pytest.mark.parametrize("path", [
    "/data/latest/stray.csv", "/data/latest/..", "/data/latest/../manifest.json", "/data/latest/%2e%2e",
    "/data/latest/..%2fmanifest.json", "/data/latest/%2e%2e%2f%2e%2e%2fsettings.py", "/data/latest//etc/passwd",
    "/data/latest/%2Fetc%2Fpasswd", "/data/latest/.hidden", "/data/latest/",
    "/data/snapshots/.partial-2026-12-09T000000Z-ab12/agreements.jsonl",
    "/data/snapshots/.partial-2026-12-09T000000Z-ab12/manifest.json",
    f"/data/snapshots/{SNAPSHOT}/stray.csv", f"/data/snapshots/{SNAPSHOT}/..%2f..%2fsettings.py",
    "/data/snapshots/../agreements.jsonl", "/data/snapshots/%2e%2e/agreements.jsonl",
    "/data/snapshots/2026-01-01T000000Z/agreements.jsonl", "/data/snapshots/latest/agreements.jsonl",
    "/data/latest/agreements.jsonl/", "/data/latest/missing.jsonl"])
def test_nothing_but_a_listed_file_is_served(client, export_root, path):
    folder = write_snapshot(export_root, extra_entries=[
        {"name": "missing.jsonl", "sha256": "0" * 64, "bytes": 3}])  # listed, gone from disk
    (folder / "stray.csv").write_text("secret")
    (folder / ".hidden").write_text("secret")
    write_snapshot(export_root, ".partial-2026-12-09T000000Z-ab12")
    (export_root / "snapshots" / "settings.py").write_text("secret")
    (export_root / "settings.py").write_text("secret")

    response = client.get(path)

    assert response.status_code == 404
    assert b"secret" not in body(response)


def test_a_missing_file_points_to_the_data_page(client, snapshot):
    response = client.get("/data/latest/nothing.csv")

    assert response.status_code == 404 and b"/data/" in response.content
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_without_a_snapshot_a_file_is_a_404_pointing_to_the_data_page(client, export_root):
    response = client.get(URL)

    assert response.status_code == 404
    assert b"No bulk snapshot has been published yet" in response.content and b"/data/" in response.content


def test_a_corrupt_manifest_is_a_404_not_a_500(client, export_root):
    write_snapshot(export_root).joinpath("manifest.json").write_text('{"files": "everything"}')

    assert client.get(URL).status_code == 404
    assert client.get(f"/data/snapshots/{SNAPSHOT}/agreements.jsonl").status_code == 404


def test_files_only_answer_get_and_head(client, snapshot):
    assert client.post(URL).status_code == 405
