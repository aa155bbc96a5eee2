"""The pages stay the same size, and their filters the same cost, whatever the registry holds (issue 13): no page
lists every vendor or agency (a vendor or an agency is chosen from the top ones, or typed by name or slug), no
filter adds SELECT DISTINCT, and a page's count stops at registry.pages.COUNT_LIMIT."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Agreement
from registry import pages
from tests.builders import make_agency, make_agreement, make_term, make_vendor

pytestmark = pytest.mark.django_db

PAGES = ("/agreements/", "/terms/matrix/", "/timeline/", "/terms/", "/addendum-markers/", "/designations/",
         "/testing-disclosures/", "/events/")


@pytest.fixture
def world():
    agency = make_agency(slug="dod", name="Department of Defense", acronym="DoD")
    vendors = [make_vendor(slug=f"lab-{n}", name=f"Lab {n}") for n in range(3)]
    deals = [make_agreement(title=f"Deal {n}", awarding_agency=agency, vendors=[vendors[n % 3]],
                            status=Agreement.Status.ACTIVE) for n in range(6)]
    make_term(agreement=deals[0], category="domestic_surveillance", effect="prohibits")
    return vendors


def size_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    # the footer's time of the latest change moves with every record built: not part of what is compared
    return len(re.sub(r"<footer.*</footer>", "", response.content.decode(), flags=re.S))


def test_it_keeps_every_page_the_same_size_when_200_more_vendors_and_agencies_exist(client, world):
    before = {url: size_of(client, url) for url in PAGES}
    for n in range(200):
        make_vendor(name=f"Another vendor with a long name {n}")
        make_agency(name=f"Another agency with a long name {n}")

    assert {url: size_of(client, url) for url in PAGES} == before


def test_the_agreements_page_with_filters_lists_no_vendor_or_agency_outside_its_top_ones(client, world):
    for n in range(30):
        make_vendor(slug=f"idle-{n}", name=f"Idle {n}")
    html = client.get("/agreements/?vendor=lab-0&status=active").content.decode()

    assert "idle-" not in html and "<select multiple" not in html
    assert 'name="vendor_text"' in html and 'name="agency_text"' in html


@pytest.mark.parametrize("url", ["/agreements/", "/terms/matrix/", "/timeline/"])
def test_a_vendor_typed_by_name_or_slug_is_the_same_page_with_its_slug(client, world, url):
    for typed in ("Lab 1", "lab 1", "lab-1"):
        response = client.get(url, {"vendor_text": typed, "status": "active"} if "timeline" not in url
                              else {"vendor_text": typed})

        assert response.status_code == 302
        assert "vendor=lab-1" in response["Location"] and "vendor_text" not in response["Location"]


@pytest.mark.parametrize("url", ["/agreements/", "/terms/matrix/", "/timeline/"])
def test_an_unknown_vendor_or_agency_is_a_form_error_beside_its_field(client, world, url):
    response = client.get(url, {"vendor_text": "Nobody Labs", "agency_text": "Ministry of Nothing"})
    html = unescape(response.content.decode())

    assert response.status_code == 400
    assert "No vendor has the name or slug “Nobody Labs”." in html
    assert "No agency has the name or slug “Ministry of Nothing”." in html
    assert 'aria-invalid="true"' in html and 'id="id_vendor_text_error"' in html


@pytest.mark.parametrize("url", ["/terms/matrix/?vendor=lab-0", "/timeline/?vendor=lab-0"])
def test_a_chosen_vendor_stays_shown_ticked_with_its_name(client, world, url):
    html = client.get(url).content.decode()

    assert re.search(r'<input type="checkbox" name="vendor" value="lab-0" id="id_vendor_0" checked>'
                     r'<label for="id_vendor_0">Lab 0', html)


def test_an_unknown_slug_in_the_query_is_still_a_form_error(client, world):
    response = client.get("/terms/matrix/?vendor=nobody")

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("url", ["/agreements/?vendor=lab-0&status=active&confidence=high",
                                 "/api/v1/agreements/?vendor=lab-0&status=active&confidence=high",
                                 "/terms/?vendor=lab-0&category=domestic_surveillance",
                                 "/designations/?status=in_effect&kind=other"])
def test_no_filter_selects_distinct_rows(client, world, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200

    assert not [query["sql"] for query in context.captured_queries if "SELECT DISTINCT" in query["sql"]]


def test_a_count_stops_at_its_limit_and_says_so(client, world, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_LIMIT", 4)
    monkeypatch.setattr(pages.capped_count, "__defaults__", (4,))
    html = client.get("/agreements/").content.decode()

    assert "<strong>4+</strong> results" in html and "Download these 4+ rows as CSV" in html
