"""One filter, one meaning: the page, the API, the CSV and the Atom feed of a list select the same
records for the same query string, because they all call the same FilterSet and QuerySet rules."""

import csv
import io
import re

import feedparser
import pytest

from tests.builders import (
    in_one_change,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
@in_one_change
def world():
    department = make_agency(slug="department")
    office = make_agency(slug="office", parent=department)
    other = make_agency(slug="other")
    openai = make_vendor(slug="openai")
    by_office = make_agreement(slug="by-office", awarding_agency=office, vendors=[openai])
    joint = make_agreement(slug="joint", awarding_agency=other, participating=[office])
    make_agreement(slug="unrelated", awarding_agency=other, vendors=[make_vendor()])
    make_term(slug="office-surveillance", agreement=by_office, category="domestic_surveillance", effect="prohibits")
    make_term(slug="other-policy", agency=other, category="domestic_surveillance", effect="permits")
    make_term(slug="openai-policy", vendor=openai, category="acceptable_use_policy", effect="restricts")
    make_designation(slug="openai-designation", vendor=openai, issuing_agency=office)
    make_designation(slug="other-designation", vendor=make_vendor(slug="other-vendor"), issuing_agency=other)
    make_testing_disclosure(slug="office-testing", agency=office, vendors=[openai], agreements=[joint])
    make_testing_disclosure(slug="other-testing", agency=other)
    make_event(slug="about-joint", links=[("subject", "agreement", joint)])
    make_event(slug="by-openai", links=[("actor", "vendor", openai)])
    make_event(slug="about-other", links=[("subject", "agency", other)])


def page_slugs(client, path, query):
    response = client.get(f"/{path}/", query)
    assert response.status_code == 200
    body = response.content.decode()
    return set(re.findall(rf'<th scope="row"><a href="/{path}/([-\w]+)/"', body))


def api_slugs(client, path, query):
    response = client.get(f"/api/v1/{path}/", {**query, "page_size": 500})
    assert response.status_code == 200, response.content
    return {record["slug"] for record in response.json()["results"]}


def csv_slugs(client, path, query):
    response = client.get(f"/{path}/csv/", query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return {row["slug"] for row in csv.DictReader(io.StringIO(body, newline=""))}


def feed_slugs(client, path, query):
    response = client.get(f"/{path}/feed/", query)
    assert response.status_code == 200
    return {entry.link.rstrip("/").rsplit("/", 1)[1] for entry in feedparser.parse(response.content).entries}


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("agreements", {"agency": "department"}, {"by-office", "joint"}),
    ("agreements", {"awarding_agency": "department"}, {"by-office"}),
    ("agreements", {"vendor": "openai"}, {"by-office"}),
    ("agreements", {"term_category": "domestic_surveillance", "term_effect": "prohibits"}, {"by-office"}),
    ("terms", {"agency": "department"}, {"office-surveillance"}),
    ("terms", {"vendor": "openai"}, {"office-surveillance", "openai-policy"}),
    ("vendors", {"has_designation": "true"}, {"openai", "other-vendor"}),
    ("agencies", {"parent": "department"}, {"office"}),
    ("designations", {"issuing_agency": "department"}, {"openai-designation"}),
    ("testing-disclosures", {"agency": "department"}, {"office-testing"}),
    ("testing-disclosures", {"has_agreement": "false"}, {"other-testing"}),
    ("events", {"agency": "department"}, {"about-joint"}),
    ("events", {"vendor": "openai"}, {"by-openai"}),
])
def test_the_page_api_csv_and_feed_select_the_same_records(client, world, path, query, expected):
    found = {"page": page_slugs(client, path, query), "api": api_slugs(client, path, query),
             "csv": csv_slugs(client, path, query), "feed": feed_slugs(client, path, query)}

    assert found == dict.fromkeys(found, expected)
