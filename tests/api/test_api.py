"""The API's shared protocol: parameters, shaping, paging, CSV, ETags, as_of, retraction, errors, CORS."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Agreement
from registry.models import ChangeLog
from registry.pagination import encode_cursor
from registry.services import apply_change, retract
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_citation,
    make_party,
    make_source,
    make_vendor,
)

pytestmark = pytest.mark.django_db

RESOURCES = ["agreements", "terms", "addendum-markers", "agencies", "vendors", "designations",
             "testing-disclosures", "events", "sources", "changes", "submissions"]


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


def test_the_root_lists_every_resource_and_the_data_license(client):
    body = client.get("/api/v1/").json()

    assert list(body["resources"]) == RESOURCES
    assert body["resources"]["agreements"] == "http://testserver/api/v1/agreements/"
    assert body["data_license"]["name"] == "CC BY 4.0"
    assert body["documentation"]["openapi"].endswith("/api/v1/schema/")


def test_a_detail_has_the_interchange_shape_with_urls_and_expanded_references(client):
    agency = make_agency(slug="cdao", name="Chief Digital and AI Office")
    vendor = make_vendor(slug="openai", name="OpenAI")
    deal = make_agreement(slug="frontier", title="Frontier AI", awarding_agency=agency, vendors=[vendor],
                          ceiling_amount=200_000_000)
    deal.announced = "2025-07"
    apply_change(deal, user=builder_user(), reason="test")

    body = client.get("/api/v1/agreements/frontier/").json()

    assert body["url"] == "http://testserver/api/v1/agreements/frontier/"
    assert body["html_url"] == "http://testserver/agreements/frontier/"
    assert body["awarding_agency"] == {"slug": "cdao", "name": "Chief Digital and AI Office",
                                       "url": "http://testserver/api/v1/agencies/cdao/"}
    assert body["parties"] == [{"vendor": {"slug": "openai", "name": "OpenAI",
                                           "url": "http://testserver/api/v1/vendors/openai/"}, "role": "prime"}]
    assert body["announced"] == "2025-07"
    assert body["ceiling"] == {"amount": "200000000.00", "currency": "USD"}
    assert body["obligated"] is None
    assert body["confidence"] == "medium"
    assert body["citations"][0]["quote"] == "quoted words about frontier"
    assert body["citations"][0]["source"]["url"].startswith("http://testserver/api/v1/sources/")


def test_lists_leave_citations_out_unless_included(client):
    make_agreement()

    assert "citations" not in client.get("/api/v1/agreements/").json()["results"][0]
    included = client.get("/api/v1/agreements/?include=citations").json()["results"][0]
    assert included["citations"][0]["quote"]


def test_fields_and_omit_shape_the_response_and_omitted_columns_are_not_read(client):
    make_agreement(summary="A long summary nobody asked for")

    with CaptureQueriesContext(connection) as queries:
        row = client.get("/api/v1/agreements/?fields=slug,title").json()["results"][0]
    assert set(row) == {"slug", "url", "title"}  # slug and url always come with a record
    agreement_queries = [q["sql"] for q in queries if 'FROM "contracts_agreement"' in q["sql"]]
    assert agreement_queries and all('"summary"' not in sql for sql in agreement_queries)

    omitted = client.get("/api/v1/agreements/?omit=summary,parties").json()["results"][0]
    assert "summary" not in omitted and "parties" not in omitted and "title" in omitted


@pytest.mark.parametrize(("query", "named"), [
    ("?colour=blue", "colour"),
    ("?vendor=", "vendor"),
    ("?announced_after=July", "announced_after"),
    ("?vendor=no-such-vendor", "vendor"),
    ("?status=pending-forever", "status"),
    ("?ordering=price", "ordering"),
    ("?page_size=501", "page_size"),
    ("?page_size=two", "page_size"),
    ("?cursor=not-a-cursor", "cursor"),
    ("?fields=slug,secret", "fields"),
    ("?include=everything", "include"),
    ("?include_retracted=maybe", "include_retracted"),
    ("?count=yes-please", "count"),
    ("?updated_after=yesterday", "updated_after"),
])
def test_unknown_or_malformed_parameters_are_a_400_naming_each(client, query, named):
    make_agreement()

    response = client.get(f"/api/v1/agreements/{query}")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_parameters"
    assert named in error["fields"]
    assert named in error["message"]


def test_several_bad_parameters_are_all_named_at_once(client):
    error = error_of(client.get("/api/v1/agreements/?colour=blue&announced_before=soon&ceiling_min=-3"))

    assert {"colour", "announced_before", "ceiling_min"} <= set(error["fields"])


@pytest.mark.parametrize("query", ["?as_of=last-tuesday", "?colour=blue", "?as_of="])
def test_a_detail_refuses_unknown_or_malformed_parameters(client, query):
    make_agreement(slug="deal")

    assert client.get(f"/api/v1/agreements/deal/{query}").status_code == 400


def test_an_unknown_slug_is_a_404_in_the_error_shape(client):
    error = error_of(client.get("/api/v1/agreements/nothing-here/"))

    assert error == {"status": 404, "code": "not_found", "message": "No agreement has the slug 'nothing-here'."}


def test_paging_with_count_and_next_links(client):
    for _ in range(5):
        make_agreement()

    first = client.get("/api/v1/agreements/?page_size=2&count=true").json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["count"] == 5  # the next link keeps the query
    assert {r["slug"] for r in second["results"]}.isdisjoint({r["slug"] for r in first["results"]})


@pytest.mark.parametrize("ordering", ["announced", "-announced", "title", "-title", "ceiling", "-ceiling",
                                      "updated", "-updated"])
def test_paging_every_ordering_while_records_are_inserted_neither_skips_nor_repeats(client, ordering):
    agency = make_agency()
    originals = [make_agreement(awarding_agency=agency, ceiling_amount=None if n % 2 else n * 10) for n in range(5)]
    seen, url, inserted = [], f"/api/v1/agreements/?page_size=2&ordering={ordering}", False
    while url:
        page = client.get(url).json()
        seen += [row["slug"] for row in page["results"]]
        if not inserted:
            make_agreement(awarding_agency=agency)  # lands somewhere in the ordering while we page
            inserted = True
        url = page["next"]

    assert len(seen) == len(set(seen))
    assert {a.slug for a in originals} <= set(seen)


def test_csv_streams_every_matching_row_with_the_shared_columns(client):
    vendor = make_vendor(slug="acme")
    for n in range(3):
        make_agreement(title=f'Deal {n}, "quoted"', vendors=[vendor])
    make_agreement()

    response = client.get("/api/v1/agreements/?vendor=acme&format=csv&page_size=1")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert sorted(row["title"] for row in rows) == [f'Deal {n}, "quoted"' for n in range(3)]


def test_retracted_records_stay_reachable_and_are_listed_only_on_request(client):
    kept, gone = make_agreement(slug="kept"), make_agreement(slug="gone")
    retract(gone, user=builder_user(), reason="duplicate record")

    assert [r["slug"] for r in client.get("/api/v1/agreements/").json()["results"]] == ["kept"]
    listed = {r["slug"] for r in client.get("/api/v1/agreements/?include_retracted=true").json()["results"]}
    assert listed == {"kept", "gone"}
    body = client.get("/api/v1/agreements/gone/").json()
    assert body["retracted_at"] and body["retraction_reason"] == "duplicate record"
    assert kept.slug


def test_drafts_are_invisible(client):
    make_agreement(slug="draft", published=False)

    assert client.get("/api/v1/agreements/draft/").status_code == 404
    assert client.get("/api/v1/agreements/").json()["results"] == []


def test_as_of_gives_the_record_and_its_parts_as_they_stood(client):
    user = builder_user()
    vendor_a, vendor_b = make_vendor(slug="first-vendor"), make_vendor(slug="second-vendor")
    deal = make_agreement(slug="deal", title="Original title", vendors=[vendor_a])
    party = deal.parties.get()
    before_edits = ChangeLog.objects.latest("id").at

    deal.title = "Renamed"
    apply_change(deal, user=user, reason="renamed")
    party.vendor = vendor_b
    apply_change(party, user=user, reason="the vendor was misidentified")
    make_citation(deal, quote="a later quote")

    then = client.get(f"/api/v1/agreements/deal/?as_of={before_edits.isoformat().replace('+00:00', 'Z')}").json()
    now = client.get("/api/v1/agreements/deal/").json()

    assert then["title"] == "Original title"
    assert [p["vendor"]["slug"] for p in then["parties"]] == ["first-vendor"]
    assert [c["quote"] for c in then["citations"]] == ["quoted words about deal"]
    assert now["title"] == "Renamed"
    assert [p["vendor"]["slug"] for p in now["parties"]] == ["second-vendor"]
    assert len(now["citations"]) == 2


def test_as_of_before_the_record_existed_is_a_404(client):
    make_agreement(slug="deal")

    assert client.get("/api/v1/agreements/deal/?as_of=2001-01-01").status_code == 404


def test_a_date_alone_means_the_end_of_that_day(client):
    deal = make_agreement(slug="deal")
    today = deal.created_at.date().isoformat()

    assert client.get(f"/api/v1/agreements/deal/?as_of={today}").status_code == 200


def test_etags_give_304_until_something_changes(client):
    import time

    deal = make_agreement(slug="deal")
    time.sleep(1.1)  # Last-Modified is stated once the latest change is a second old
    first = client.get("/api/v1/agreements/deal/")
    etag = first["ETag"]

    assert client.get("/api/v1/agreements/deal/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/agreements/", HTTP_IF_NONE_MATCH=etag).status_code == 200  # another path
    assert client.get("/api/v1/agreements/deal/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    deal.title = "Changed"
    apply_change(deal, user=builder_user(), reason="edit")
    assert client.get("/api/v1/agreements/deal/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_304_costs_one_query_saying_the_record_is_there(client):
    make_agreement(slug="deal")
    etag = client.get("/api/v1/agreements/deal/")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/agreements/deal/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len([q for q in queries if '"contracts_agreement"' in q["sql"]]) == 1


@pytest.mark.parametrize("path", ["/api/v1/agreements/no-such-deal/", "/api/v1/agreements/no-such-deal/ocds/",
                                  "/api/v1/agreements/deal/?as_of=2001-01-01"])
def test_a_precondition_never_turns_a_404_into_a_304(client, path):
    make_agreement(slug="deal")

    etag = client.get("/api/v1/agreements/deal/")["ETag"]
    for header in ("*", etag, f"W/{etag}"):
        response = client.get(path, HTTP_IF_NONE_MATCH=header)
        assert response.status_code == 404, (path, header)
        assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize("path", ["/api/v1/agreements/?nope=1", "/api/v1/agreements/deal/?nope=1",
                                  "/api/v1/changes/?after=x"])
def test_a_precondition_never_turns_a_400_into_a_304(client, path):
    make_agreement(slug="deal")

    assert client.get(path, HTTP_IF_NONE_MATCH="*").status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/agreements/deal/", "/api/v1/agreements/", "/api/v1/changes/"])
def test_a_304_restates_its_validators_and_a_weak_tag_matches(client, path):
    import time

    make_agreement(slug="deal")
    time.sleep(1.1)  # Last-Modified is stated once the latest change is a second old
    first = client.get(path)

    for header in (first["ETag"], f'W/{first["ETag"]}', f'"other", W/{first["ETag"]}'):
        again = client.get(path, HTTP_IF_NONE_MATCH=header)
        assert again.status_code == 304, header
        assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
        assert again["Cache-Control"] == first["Cache-Control"]
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_updated_after_returns_only_records_changed_since(client):
    old = make_agreement(slug="old")
    cutoff = Agreement.objects.get(slug="old").updated_at
    make_agreement(slug="newer")  # "new" is a page address: a reserved slug

    stamp = cutoff.isoformat().replace("+00:00", "Z")
    assert [r["slug"] for r in client.get(f"/api/v1/agreements/?updated_after={stamp}").json()["results"]] == ["newer"]
    make_citation(old)  # a part changed: the record changed
    assert {r["slug"] for r in client.get(f"/api/v1/agreements/?updated_after={stamp}").json()["results"]} == {
        "old", "newer"}


def test_cors_allows_get_from_any_origin_without_credentials(client):
    make_agreement()

    response = client.get("/api/v1/agreements/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options("/api/v1/agreements/", HTTP_ORIGIN="https://newsroom.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_not_allowed_here(client, method):
    make_agreement(slug="deal")

    response = getattr(client, method)("/api/v1/agreements/deal/", data={}, content_type="application/json")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize(("url", "message"), [("/api/v1/agreements/?format=xml", "Use json or csv."),
                                              ("/api/v1/agreements/deal/?format=csv", "A record is json.")])
def test_an_unsupported_format_is_a_400_naming_it(client, url, message):
    make_agreement(slug="deal")

    error = error_of(client.get(url))

    assert error["fields"]["format"] == [message]


def test_asking_for_something_other_than_json_is_a_406(client):
    response = client.get("/api/v1/agreements/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert error_of(response)["code"] == "not_acceptable"


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/widgets/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_published_record_cannot_show_a_draft_so_none_is_leaked(client):
    from django.core.exceptions import ValidationError

    draft_vendor = make_vendor(slug="secret-vendor", published=False)
    deal = make_agreement(slug="deal")

    with pytest.raises(ValidationError, match="is a draft"):
        make_party(deal, draft_vendor)
    assert client.get("/api/v1/agreements/deal/").json()["parties"] == []


def test_source_page_address_is_source_url_and_url_is_the_api_address(client):
    source = make_source(slug="report", url="https://news.example.org/a-report")

    body = client.get("/api/v1/sources/report/").json()

    assert body["source_url"] == "https://news.example.org/a-report"
    assert body["url"] == "http://testserver/api/v1/sources/report/"
    assert source.slug == "report"


def test_agreement_model_is_unchanged_by_reads(client):
    make_agreement(slug="deal")
    before = ChangeLog.objects.count()

    client.get("/api/v1/agreements/deal/")

    assert ChangeLog.objects.count() == before
    assert Agreement.objects.get(slug="deal").history.count() == 1


@pytest.mark.parametrize("url", [
    "/api/v1/agreements/?updated_after=9999-12-31T23:59:59-05:00",
    "/api/v1/agreements/deal/?as_of=9999-12-31T23:59:59-05:00",
    "/api/v1/agreements/?ordering=updated&cursor=" + encode_cursor(
        "9999-12-31 23:59:59-05:00", 1),
    "/api/v1/agreements/?ordering=title&cursor=" + encode_cursor(
        "a\x00b", 1),
    "/api/v1/agreements/?cursor=" + encode_cursor(None, 10**30),
    "/api/v1/changes/?after=1000000000000000000000000",
    "/api/v1/agreements/?format__in=csv",
    "/api/v1/agreements/deal/?as_of__in=2026-01-01",
])
def test_out_of_range_or_misplaced_values_are_a_400_never_a_500(client, url):
    make_agreement(slug="deal")

    response = client.get(url)

    assert response.status_code == 400
    assert error_of(response)["fields"]


def test_last_modified_is_stated_only_once_the_latest_change_is_a_second_old(client):
    import time

    make_agreement(slug="deal")
    fresh = client.get("/api/v1/agreements/deal/")
    time.sleep(1.1)
    settled = client.get("/api/v1/agreements/deal/")

    assert "Last-Modified" not in fresh  # a second change within this second could not be told apart
    assert "Last-Modified" in settled and "ETag" in fresh


def test_every_api_response_reports_the_rate_limit(client):
    for url in ("/api/v1/", "/api/v1/changes/", "/api/v1/agreements/"):
        assert "RateLimit-Remaining" in client.get(url)
