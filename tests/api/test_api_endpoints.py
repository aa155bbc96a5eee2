"""Every endpoint: lists and details answer, filters narrow with the pages' semantics, bad values
are a 400, and the query count does not depend on the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosures.models import EventLink
from tests.builders import (
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
    one_change,
)
from tests.queries import queries_of, two_world_sizes

pytestmark = pytest.mark.django_db


def slugs(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


def test_agreements_filter_by_vendor_agency_with_sub_agencies_and_term(client):
    parent = make_agency(slug="dod")
    child = make_agency(slug="cdao", parent=parent)
    acme = make_vendor(slug="acme")
    make_vendor(slug="lab")
    make_agreement(slug="by-child", awarding_agency=child, vendors=[acme])
    make_agreement(slug="other", awarding_agency=make_agency())
    make_term(agreement=make_agreement(slug="with-term"), category="domestic_surveillance", effect="prohibits")

    assert slugs(client, "/api/v1/agreements/?agency=dod") == {"by-child"}
    assert slugs(client, "/api/v1/agreements/?vendor=acme") == {"by-child"}
    assert slugs(client, "/api/v1/agreements/?vendor__in=acme,lab") == {"by-child"}
    assert "vendor" in client.get("/api/v1/agreements/?vendor__in=acme,nobody").json()["error"]["fields"]
    assert slugs(client, "/api/v1/agreements/?term_category=domestic_surveillance&term_effect=prohibits") == {
        "with-term"}


def test_each_list_narrows_by_one_of_its_filters(client):
    vendor = make_vendor(slug="acme", kind="cloud_provider")
    make_vendor(slug="lab", kind="frontier_lab")
    agency = make_agency(slug="army", kind="component")
    make_agency(slug="white-house", kind="executive_office")
    deal = make_agreement(slug="deal", awarding_agency=agency, vendors=[vendor])
    make_term(slug="term-a", agreement=deal, category="autonomous_weapons")
    make_term(slug="term-b", agreement=deal, category="data_rights")
    make_marker(slug="marker-a", agreement=deal, classification="secret")
    make_marker(slug="marker-b", classification="unknown")
    make_designation(slug="scr", vendor=vendor, status="enjoined")
    make_designation(slug="other-designation", status="in_effect")
    make_testing_disclosure(slug="td-a", agency=agency, vendors=[vendor], channel="press_report")
    make_testing_disclosure(slug="td-b", channel="official_release")
    make_event(slug="lawsuit", kind="lawsuit", links=[(EventLink.Role.ACTOR, "vendor", vendor)])
    make_event(slug="statement", kind="statement")
    make_source(slug="court-doc", kind="court_filing")

    assert slugs(client, "/api/v1/vendors/?kind=cloud_provider") == {"acme"}
    assert slugs(client, "/api/v1/agencies/?kind=executive_office") == {"white-house"}
    assert slugs(client, "/api/v1/terms/?category=autonomous_weapons") == {"term-a"}
    assert slugs(client, "/api/v1/addendum-markers/?classification=secret") == {"marker-a"}
    assert slugs(client, "/api/v1/designations/?status=enjoined") == {"scr"}
    assert slugs(client, "/api/v1/designations/?vendor=acme") == {"scr"}
    assert slugs(client, "/api/v1/testing-disclosures/?channel=press_report") == {"td-a"}
    assert slugs(client, "/api/v1/testing-disclosures/?vendor=acme&agency=army") == {"td-a"}
    assert slugs(client, "/api/v1/events/?kind=lawsuit") == {"lawsuit"}
    assert slugs(client, "/api/v1/events/?vendor=acme") == {"lawsuit"}
    assert slugs(client, "/api/v1/sources/?kind=court_filing") == {"court-doc"}


@pytest.mark.parametrize(("resource", "query"), [
    ("vendors", "kind=bakery"), ("agencies", "parent=nowhere"), ("terms", "effect=maybe"),
    ("addendum-markers", "known_since_after=2025-00"), ("designations", "in_effect_on=someday"),
    ("testing-disclosures", "confirmed=perhaps"), ("events", "occurred_before=1st May"),
    ("sources", "verified=sometimes"), ("agreements", "ceiling_min=lots"),
])
def test_each_list_names_a_malformed_filter_in_a_400(client, resource, query):
    response = client.get(f"/api/v1/{resource}/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]["fields"]


BUILDERS = {
    "agreements": lambda: make_agreement(vendors=[make_vendor()], participating=[make_agency()]),
    "terms": make_term,
    "addendum-markers": make_marker,
    "agencies": lambda: make_agency(parent=make_agency()),
    "vendors": make_vendor,
    "designations": lambda: make_designation(affected=[make_agreement()]),
    "testing-disclosures": lambda: make_testing_disclosure(vendors=[make_vendor()], agreements=[make_agreement()]),
    "events": lambda: make_event(links=[(EventLink.Role.ACTOR, "vendor", make_vendor())]),
    "sources": make_source,
}


# Absolute query counts of a list (?include=citations) and of a detail, the same for 2 and 20 rows.
# Every request: the throttle's counter (one upsert) · latest public change (ETag) · the page of rows (a
# detail: the record); then one query per prefetch, named below.
QUERIES = {
    # 3 + awarding agency · participating agencies · parties with vendors · citations · reported amounts (issue 9)
    "agreements": (8, 8),
    "terms": (5, 5),  # 3 + agreement/owner · citations
    "addendum-markers": (5, 5),  # 3 + agreement · citations
    "agencies": (5, 5),  # 3 + parent · citations
    "vendors": (4, 4),  # 3 + citations
    "designations": (7, 7),  # 3 + subject vendor · affected agreements · related designations · citations
    "testing-disclosures": (7, 7),  # 3 + testing agency · vendors · agreements · citations
    "events": (5, 5),  # 3 + links · citations
    "sources": (3, 3),  # 3 + (no prefetch)
}


@pytest.mark.parametrize("resource", BUILDERS)
@two_world_sizes
def test_list_and_detail_run_the_same_queries_for_any_number_of_rows(client, resource, rows):
    with one_change():
        records = [BUILDERS[resource]() for _ in range(rows)]

    list_queries = queries_of(client, f"/api/v1/{resource}/?include=citations&page_size=500")
    detail_queries = queries_of(client, f"/api/v1/{resource}/{records[0].slug}/")

    assert (len(list_queries), len(detail_queries)) == QUERIES[resource], "\n".join(list_queries + ["--"] + detail_queries)


def csv_queries(client, url):
    """The SQL one streamed CSV runs, the stream read to its end inside the count."""
    client.get("/api/v1/")
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        body = b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in context.captured_queries], body


# ?format=csv: the throttle's counter · latest change (ETag) · the rows (one chunk) · one query per prefetch
CSV_QUERIES = {
    "agreements": 7,  # 3 + parties · participating agencies · amounts · citations
    "terms": 4,  # 3 + citations (agreement, owner and supersedes are joined)
    "addendum-markers": 4,  # 3 + citations
    "agencies": 4,  # 3 + citations
    "vendors": 4,  # 3 + citations
    "designations": 6,  # 3 + affected agreements · related designations · citations
    "testing-disclosures": 6,  # 3 + vendors · agreements · citations
    "events": 6,  # 3 + links · their targets of each kind present (here vendors) · citations
    "sources": 3,  # 3 + (no prefetch)
}


@pytest.mark.parametrize("resource", BUILDERS)
@two_world_sizes
def test_the_csv_of_every_list_runs_the_same_queries_for_any_number_of_rows(client, resource, rows):
    with one_change():
        for _ in range(rows):
            BUILDERS[resource]()

    queries, body = csv_queries(client, f"/api/v1/{resource}/?format=csv")

    assert len(body.decode().strip().splitlines()) >= rows + 1
    assert len(queries) == CSV_QUERIES[resource], "\n".join(queries)
