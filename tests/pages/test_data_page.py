"""The data page (/data/): the latest bulk snapshot with its files, checksums and columns, or a plain word that
there is none yet; schema.org Dataset JSON-LD; and everything /about/data/ used to say (it redirects here)."""

import json
import re

import pytest

from registry.interchange import by_name, in_page_order, record_types
from tests.snapshots import AGREEMENTS_CSV, AGREEMENTS_JSONL, SNAPSHOT, sha256_of, write_snapshot

pytestmark = pytest.mark.django_db

DATAPACKAGE = json.dumps({"name": "registry", "resources": [
    {"name": "agreements", "path": "agreements.csv",
     "schema": {"fields": [{"name": "slug", "type": "string", "description": "The agreement's identifier."},
                           {"name": "ceiling", "type": "number", "description": "The most it may be worth."},
                           {"name": "status", "type": "string", "description": "Where it stands.",
                            "constraints": {"required": True, "enum": ["active", "cancelled"]}}]}}],
}).encode()


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    return tmp_path


def json_ld_of(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_without_a_snapshot_it_says_so_and_how_to_make_one(client, export_root):
    response = client.get("/data/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "No bulk snapshot has been published yet" in page
    assert "python manage.py export_bulk" in page
    assert 'id="snapshot-files"' not in page
    assert "distribution" not in json_ld_of(page)


def test_it_lists_every_file_of_the_latest_snapshot_with_size_checksum_and_rows(client, export_root):
    write_snapshot(export_root, "2026-12-01T000000Z")
    folder = write_snapshot(export_root)

    page = client.get("/data/").content.decode()

    assert '<time datetime="2026-12-06T12:15:00+00:00">6 December 2026, 12:15 UTC</time>' in page
    assert "up to change 1234" in page and "schema version 1.0" in page
    table = page.split('id="snapshot-files"', 1)[1].split("</table>", 1)[0]
    for name, content in (("agreements.jsonl", AGREEMENTS_JSONL), ("agreements.csv", AGREEMENTS_CSV),
                          ("manifest.json", (folder / "manifest.json").read_bytes())):
        row = table.split(f'<a href="/data/latest/{name}">{name}</a>', 1)[1].split("</tr>", 1)[0]
        assert f"<code>{sha256_of(content)}</code>" in row
        assert f"{len(content)} bytes" in row or f"{len(content)}\xa0bytes" in row
    assert "1.5\xa0KB" in table and "1580 bytes" in table  # the JSON Lines file, for people and exactly
    assert '<td class="number">40</td>' in table  # its rows
    assert f"{sha256_of(AGREEMENTS_JSONL)}  agreements.jsonl\n" in page  # sha256sum -c lines
    assert 'href="/data/snapshots/2026-12-01T000000Z/manifest.json"' in page  # an older one, still on disk
    assert f'href="/data/snapshots/{SNAPSHOT}/manifest.json"' in page


def test_it_gives_the_columns_of_each_csv_from_the_code_when_there_is_no_data_package(client, export_root):
    write_snapshot(export_root)

    page = client.get("/data/").content.decode()

    headers = by_name("agreement").csv.headers()
    assert f"<code>agreements.csv</code>: {len(headers)} columns" in page
    for header in headers:
        assert f'<th scope="row"><code>{header}</code></th>' in page


def test_it_prefers_the_data_packages_descriptions_of_columns(client, export_root):
    write_snapshot(export_root, files={"agreements.csv": AGREEMENTS_CSV, "datapackage.json": DATAPACKAGE})

    page = client.get("/data/").content.decode()

    assert "<code>agreements.csv</code>: 3 columns" in page
    assert "The most it may be worth." in page and "<td>number</td>" in page
    assert "Where it stands.<br>One of: <code>active</code>, <code>cancelled</code>" in page


def test_a_broken_data_package_falls_back_on_the_codes_columns(client, export_root):
    write_snapshot(export_root, files={"agreements.csv": AGREEMENTS_CSV, "datapackage.json": b'{"resources": 3}'})

    page = client.get("/data/").content.decode()

    assert f"<code>agreements.csv</code>: {len(by_name('agreement').csv.headers())} columns" in page


def test_its_json_ld_describes_the_dataset_and_every_file(client, export_root, settings):
    folder = write_snapshot(export_root)

    dataset = json_ld_of(client.get("/data/").content.decode())

    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    assert dataset["url"] == "http://testserver/data/"
    assert dataset["license"] == settings.DATA_LICENSE["url"]
    assert dataset["creator"]["name"] == dataset["publisher"]["name"] == "AI Defense Agreements Registry"
    assert dataset["dateModified"] == "2026-12-06T12:15:00Z" and dataset["schemaVersion"] == "1.0"
    manifest = (folder / "manifest.json").read_bytes()
    expected = {"agreements.jsonl": (AGREEMENTS_JSONL, "application/jsonl"),
                "agreements.csv": (AGREEMENTS_CSV, "text/csv"), "manifest.json": (manifest, "application/json")}
    assert [d["name"] for d in dataset["distribution"]] == list(expected)
    for download in dataset["distribution"]:
        content, media_type = expected[download["name"]]
        assert download["@type"] == "DataDownload"
        assert download["contentUrl"] == f"http://testserver/data/latest/{download['name']}"
        assert download["contentSize"] == f"{len(content)} bytes"
        assert download["sha256"] == sha256_of(content) and download["encodingFormat"] == media_type
        assert client.get(download["contentUrl"]).status_code == 200


def test_text_from_the_manifest_cannot_break_out_of_the_json_ld(client, export_root):
    folder = write_snapshot(export_root)
    manifest = json.loads((folder / "manifest.json").read_text())
    hostile = "</script><script>alert(1)</script> & <!--"
    manifest["files"][0]["description"] = hostile
    (folder / "manifest.json").write_text(json.dumps(manifest))

    page = client.get("/data/").content.decode()

    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json_ld_of(page)["distribution"][0]["description"] == hostile
    assert "<script>alert(1)" not in page


def test_a_corrupt_manifest_is_no_snapshot_not_a_500(client, export_root):
    write_snapshot(export_root).joinpath("manifest.json").write_text('{"files": [{"name": 1}], "change_id": []')

    response = client.get("/data/")

    assert response.status_code == 200
    assert "No bulk snapshot has been published yet" in response.content.decode()


def test_it_keeps_everything_the_old_data_page_said(client, export_root, settings):
    page = client.get("/data/").content.decode()

    for record_type in record_types():
        assert f'href="/{record_type.path}/csv/"' in page
        assert f'href="/{record_type.path}/feed/"' in page
    assert 'href="/changes/feed/"' in page and 'href="/about/api/"' in page
    assert 'id="interchange"' in page and "citations are inline" in page
    assert settings.DATA_LICENSE["name"] in page and settings.CODE_LICENSE["name"] in page
    assert 'id="schedule"' in page and "OnCalendar=" in page and "manage.py export_bulk</code></pre>" in page


def test_the_old_address_redirects_for_good(client):
    response = client.get("/about/data/")

    assert response.status_code == 301 and response["Location"] == "/data/"


def test_the_page_reads_only_the_disk(client, export_root, django_assert_num_queries):
    write_snapshot(export_root, files={"agreements.csv": AGREEMENTS_CSV, "datapackage.json": DATAPACKAGE})
    write_snapshot(export_root, "2026-12-01T000000Z")
    # latest change (footer); the snapshot, its data package and the older ones are files
    with django_assert_num_queries(1):
        assert client.get("/data/").status_code == 200


def test_a_snapshot_of_an_empty_registry_names_no_change(client, export_root):
    write_snapshot(export_root, change_id=None)

    page = client.get("/data/").content.decode()

    assert 'id="snapshot-files"' in page and "up to change" not in page


def test_the_files_are_listed_as_the_pages_list_their_types_agreements_first(client, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    names = [f"{t.plural}.{ext}" for t in record_types() for ext in ("jsonl", "csv")] + ["datapackage.json"]
    write_snapshot(tmp_path, "2026-12-06T121500Z", dict.fromkeys(names, b"x\n"))

    page = client.get("/data/").content.decode()

    listed = [name for name in names if f"/data/latest/{name}" in page]
    positions = sorted(listed, key=lambda name: page.index(f"/data/latest/{name}"))
    expected = [f"{t.plural}.{ext}" for t in in_page_order() for ext in ("jsonl", "csv")] + ["datapackage.json"]
    assert positions == expected and positions[0] == "agreements.jsonl"
