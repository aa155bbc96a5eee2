"""The home page starts from the questions: what the registry is and how current, which agreements restrict
domestic surveillance or autonomous weapons (each number linking to the list of exactly those agreements),
which vendors carry a designation, when agencies tested models and when that became known, what changed."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from contracts.filters import AgreementFilterSet
from contracts.headlines import counted_term_headlines, term_headline
from contracts.models import Agreement
from tests.builders import make_agreement, make_designation, make_term, make_testing_disclosure, make_vendor
from tests.queries import two_world_sizes
from tests.reading import main, words

pytestmark = pytest.mark.django_db

SURVEILLANCE = "domestic_surveillance"


def listed(url):
    """The slugs the agreements list shows for ``url``: its FilterSet over the public agreements."""
    query = urlsplit(url).query
    filterset = AgreementFilterSet(QueryDict(query), queryset=Agreement.objects.public())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("slug", flat=True))


@pytest.fixture
def terms():
    """Agreements whose surveillance terms say every kind of thing, and policies that are no agreement's."""
    deals = {slug: make_agreement(slug=slug) for slug in (
        "prohibits", "restricts-disputed", "permits", "refused", "superseded-then-silent", "no-term", "retracted-term",
        "proposed")}
    make_term(agreement=deals["prohibits"], category=SURVEILLANCE, effect="prohibits")
    make_term(agreement=deals["prohibits"], category=SURVEILLANCE, effect="permits")  # still restricting
    make_term(agreement=deals["restricts-disputed"], category=SURVEILLANCE, effect="restricts", status="disputed")
    make_term(agreement=deals["permits"], category=SURVEILLANCE, effect="permits")
    make_term(agreement=deals["refused"], category=SURVEILLANCE, effect="prohibits", status="requested_and_refused")
    old = make_term(agreement=deals["superseded-then-silent"], category=SURVEILLANCE, effect="prohibits",
                    status="superseded")
    make_term(agreement=deals["superseded-then-silent"], category=SURVEILLANCE, effect="silent", supersedes=old)
    make_term(agreement=deals["retracted-term"], category=SURVEILLANCE, effect="prohibits", retracted=True)
    make_term(agreement=deals["proposed"], category=SURVEILLANCE, effect="restricts", status="proposed")
    make_term(agreement=deals["no-term"], category="autonomous_weapons", effect="prohibits")
    make_term(vendor=make_vendor(), category=SURVEILLANCE, effect="prohibits")  # a vendor's own policy
    make_agreement(slug="draft", published=False)
    return deals


def test_the_headline_counts_current_restricting_terms_other_effects_and_none(terms):
    headline = term_headline(SURVEILLANCE)

    assert {k: headline[k] for k in ("restricting", "other_effects", "none_known", "total")} == {
        "restricting": 2, "other_effects": 2, "none_known": 4, "total": 8}


def test_each_number_links_to_the_list_of_exactly_those_agreements(terms):
    headline = term_headline(SURVEILLANCE)
    urls = headline["urls"]

    assert listed(urls["restricting"]) == {"prohibits", "restricts-disputed"}
    assert listed(urls["with_term"]) == {"prohibits", "restricts-disputed", "permits", "superseded-then-silent"}
    assert listed(urls["none_known"]) == {"refused", "no-term", "retracted-term", "proposed"}
    assert listed(urls["total"]) == set(terms)
    assert len(listed(urls["restricting"])) == headline["restricting"]
    assert len(listed(urls["none_known"])) == headline["none_known"]
    assert len(listed(urls["with_term"])) - headline["restricting"] == headline["other_effects"]
    assert parse_qs(urlsplit(urls["restricting"]).query) == {"term_category": [SURVEILLANCE],
                                                             "term_effect": ["prohibits", "restricts"]}
    assert urls["matrix"] == f"/terms/matrix/?term_category={SURVEILLANCE}"


def test_the_headlines_of_every_category_are_two_queries(terms, django_assert_num_queries):
    with django_assert_num_queries(2):  # the public agreements · their current terms by category
        headlines = counted_term_headlines()

    assert [h["category"] for h in headlines] == [SURVEILLANCE, "autonomous_weapons"]
    assert headlines[1]["restricting"] == 1


def test_the_page_asks_the_questions_as_headings_in_order(client, terms):
    page = main(client.get("/").content.decode())

    assert re.findall(r"<h2[^>]*>(.*?)</h2>", page) == [
        "Which agreements restrict domestic surveillance or autonomous weapons?",
        "Which vendors carry a government designation?",
        "When did agencies test AI models, and when did we learn?",
        "What changed recently?",
        "What does the registry hold?",
    ]
    assert re.findall(r"<h[1-6]", page)[0] == "<h1"


def test_the_page_shows_the_headline_numbers_with_their_links(client, terms):
    page = main(client.get("/").content.decode())
    text = words(page)

    restricting = term_headline(SURVEILLANCE)["urls"]["restricting"].replace("&", "&amp;")
    assert f'<a href="{restricting}"><strong>2</strong> of 8 agreements</a>' in page
    assert "2 of 8 agreements have a current term that prohibits or restricts domestic surveillance." in text
    assert "4 have no current public term about it that the registry knows of" in text
    assert "proposed, refused, removed and superseded terms are not counted" in text
    assert "an agency's or a vendor's own policy, which is not a term of any agreement" in text


def test_the_page_counts_designations_by_status_and_links_each(client):
    vendor = make_vendor()
    make_designation(vendor=vendor, status="in_effect", effective_on=datetime.date(2026, 1, 2),
                     effective_on_precision="day")
    make_designation(vendor=vendor, status="enjoined")
    make_designation(status="reported")
    make_designation(status="reported", published=False)

    page = main(client.get("/").content.decode())

    assert "The registry records 3 designations of 2 vendors." in words(page)
    assert '<a href="/designations/?status=reported">1 reported</a>' in page
    assert '<a href="/designations/?status=in_effect">1 in effect</a>' in page
    assert '<a href="/vendors/?has_designation=true">' in page


def test_the_latest_testing_disclosures_show_when_testing_began_and_the_lag(client):
    make_testing_disclosure(title="Red-teaming of Acme-1", tested_from=datetime.date(2024, 1, 29),
                            tested_from_precision="day", disclosed_on=datetime.date(2024, 3, 1),
                            disclosed_on_precision="day")
    make_testing_disclosure(title="Quiet pilot", tested_from=datetime.date(2025, 11, 1), tested_from_precision="month",
                            disclosed_on=datetime.date(2025, 12, 1), disclosed_on_precision="month")

    text = words(main(client.get("/").content.decode()))

    assert "testing began 29 January 2024, disclosed 1 March 2024; lag: 32 days" in text
    assert "testing began November 2025, disclosed December 2025; lag: between 1 and 60 days" in text


def test_the_page_never_says_more_than_the_record_when_it_is_empty(client):
    text = words(main(client.get("/").content.decode()))

    assert "0 of 0 agreements" in text
    assert "No designation of a vendor is recorded yet." in text
    assert "None yet." in text


@two_world_sizes
def test_the_home_page_runs_the_same_queries_whatever_the_number_of_records(client, django_assert_num_queries, rows):
    for _ in range(rows):
        deal = make_agreement()
        make_term(agreement=deal, category=SURVEILLANCE, effect="restricts")
        make_term(agreement=deal, category="autonomous_weapons", effect="permits")
        make_designation(status="enjoined")
        make_testing_disclosure(tested_from=datetime.date(2025, 1, 1), tested_from_precision="year")
    client.get("/")
    # the 9 counts, as of the latest public change (its id; the responses cache is in memory) · latest change sets ·
    # (no one-record set: each builder's set holds a citation too, so no record query) · newest source · days
    # sources were checked · the terms headline, as of the latest change (its id) · designations in effect ·
    # designations by status · their vendors · latest testing disclosures · latest change (footer)
    with django_assert_num_queries(10):
        assert client.get("/").status_code == 200
