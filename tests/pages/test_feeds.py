"""Atom feeds from the ChangeLog: every change, new agreements, a vendor's or agency's records, and
the changes to any filtered list. Valid Atom, one entry per change, retractions visible, drafts never."""

import feedparser
import pytest

from contracts.models import Agreement
from registry.interchange import record_types
from registry.services import apply_change
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_term,
    make_testing_disclosure,
    make_vendor,
)
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def read(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def titles(feed):
    return [entry.title for entry in feed.entries]


def links(feed):
    return {entry.link for entry in feed.entries}


@pytest.fixture
def world():
    """A vendor and an agency with one of each linked record, and unrelated records beside them."""
    dod = make_agency(slug="dod", name="Department of Defense", acronym="DoD")
    openai = make_vendor(slug="openai", name="OpenAI")
    deal = make_agreement(slug="openai-deal", title="OpenAI prototype", awarding_agency=dod, vendors=[openai],
                          status=Agreement.Status.ACTIVE)
    return {
        "dod": dod, "openai": openai, "deal": deal,
        "policy": make_term(slug="openai-policy", title="OpenAI usage policy", vendor=openai),
        "marker": make_marker(slug="openai-marker", agreement=deal),
        "designation": make_designation(slug="openai-designation", vendor=openai, issuing_agency=dod),
        "testing": make_testing_disclosure(slug="openai-testing", agency=dod, vendors=[openai]),
        "event": make_event(slug="openai-event", links=[("subject", "vendor", openai), ("actor", "agency", dod)]),
        "other": make_agreement(slug="other-deal", title="Someone else's deal", status=Agreement.Status.COMPLETED),
    }


def feed_urls(world):
    return ["/changes/feed/", "/agreements/new/feed/", f"/vendors/{world['openai'].slug}/feed/",
            f"/agencies/{world['dod'].slug}/feed/", *(f"/{t.path}/feed/" for t in record_types())]


def test_every_feed_is_valid_atom(client, world):
    for url in feed_urls(world):
        feed = read(client, url)
        assert feed.feed.title.startswith("AI Defense Agreements Registry"), url
        assert feed.entries, url


def test_an_entry_names_the_record_and_the_change_and_links_to_the_record(client):
    deal = make_agreement(title="Palantir Maven expansion")

    entry = next(e for e in read(client, "/changes/feed/").entries if "Maven" in e.title)

    assert entry.title == "Palantir Maven expansion — added"
    assert entry.link == f"http://testserver{deal.get_absolute_url()}"
    assert entry.summary == "Agreement added. Reason: test data"
    assert entry.author == "registry staff"
    assert entry.updated_parsed is not None
    assert entry.id.startswith("tag:testserver,2026:change/")


def test_every_entry_has_its_own_id_one_per_change(client):
    make_agreement()
    make_agreement()

    ids = [entry.id for entry in read(client, "/changes/feed/").entries]

    assert len(ids) == len(set(ids)) >= 2


def test_a_retraction_shows_as_retracted_with_its_reason(client):
    deal = make_agreement(title="Withdrawn deal", retracted=True)

    feed = read(client, "/changes/feed/")
    entries = [e for e in feed.entries if e.link.endswith(deal.get_absolute_url())]

    assert entries[0].title == "Withdrawn deal — retracted"
    assert "retracted: retracted in a test" in entries[0].summary
    assert entries[1].title == "Withdrawn deal — added (since retracted)"


def test_drafts_never_appear_in_any_feed(client, world):
    draft = make_agreement(title="Secret draft", published=False, awarding_agency=world["dod"],
                           vendors=[world["openai"]])

    for url in feed_urls(world):
        feed = read(client, url)
        assert not any("Secret draft" in title for title in titles(feed)), url
        assert not any(link.endswith(draft.get_absolute_url()) for link in links(feed)), url


def test_the_new_agreements_feed_has_only_additions_of_agreements(client, world):
    make_agreement(title="Later draft", published=False)
    world["deal"].summary = "Updated summary."
    apply_change(world["deal"], user=builder_user(), reason="new summary")

    feed = read(client, "/agreements/new/feed/")

    assert sorted(titles(feed)) == sorted(f"{a.title} — added" for a in Agreement.objects.public())
    assert "OpenAI prototype — added" in titles(feed)


def test_a_list_feed_has_only_the_records_matching_the_list_query(client, world):
    feed = read(client, "/agreements/feed/", status="active")

    assert links(feed) == {f"http://testserver{world['deal'].get_absolute_url()}"}
    assert feed.feed.title == "AI Defense Agreements Registry: agreements where Status: Active"
    assert feed.feed.link == "http://testserver/agreements/?status=active"


def test_a_list_feed_keeps_retracted_records_matching_it(client, world):
    withdrawn = make_agreement(title="Withdrawn active deal", status=Agreement.Status.ACTIVE, retracted=True)

    feed = read(client, "/agreements/feed/", status="active")

    assert "Withdrawn active deal — retracted" in titles(feed)
    assert f"http://testserver{withdrawn.get_absolute_url()}" in links(feed)


def test_a_list_feed_ignores_unknown_parameters_and_paging(client, world):
    feed = read(client, "/agreements/feed/", status="active", utm_source="newsletter", cursor="x", ordering="title")

    assert links(feed) == {f"http://testserver{world['deal'].get_absolute_url()}"}


@pytest.mark.parametrize("query", [{"announced_after": "July"}, {"vendor": "no-such-vendor"},
                                   {"status": "sunny"}, {"ceiling_min": "lots"}])
def test_a_malformed_list_feed_query_is_a_400_naming_the_field(client, query):
    response = client.get("/agreements/feed/", query)

    assert response.status_code == 400
    assert f"{next(iter(query))}:" in response.content.decode()


def test_the_vendor_feed_has_the_vendor_and_every_record_linked_to_it(client, world):
    feed = read(client, "/vendors/openai/feed/")

    # "with vendor" means what it means in the filters: the marker of its agreement is linked to it too.
    expected = {world[k].get_absolute_url() for k in ("openai", "deal", "policy", "marker", "designation", "testing",
                                                       "event")}
    assert {link.removeprefix("http://testserver") for link in links(feed)} == expected


def test_the_agency_feed_has_the_agency_and_every_record_linked_to_it(client, world):
    participating = make_agreement(slug="joint-deal", participating=[world["dod"]])

    feed = read(client, "/agencies/dod/feed/")

    expected = {world[k].get_absolute_url() for k in ("dod", "deal", "marker", "designation", "testing", "event")}
    assert {link.removeprefix("http://testserver") for link in links(feed)} == expected | {
        participating.get_absolute_url()}


def test_the_agency_feed_includes_its_sub_agencies_records_as_its_filters_do(client, world):
    office = make_agency(slug="dod-office", parent=world["dod"])
    deal = make_agreement(slug="office-deal", awarding_agency=office)
    term = make_term(slug="office-deal-term", agreement=deal)

    feed_links = {link.removeprefix("http://testserver") for link in links(read(client, "/agencies/dod/feed/"))}

    assert {deal.get_absolute_url(), term.get_absolute_url()} <= feed_links
    assert office.get_absolute_url() not in feed_links  # the sub-agency itself is not "linked" to it


def test_a_missing_vendor_feed_is_a_404(client):
    assert client.get("/vendors/nobody/feed/").status_code == 404


@two_world_sizes
def test_feeds_run_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows):
    vendor = make_vendor(slug="anthropic")
    agency = make_agency(slug="cdao")
    for _ in range(rows):
        make_agreement(vendors=[vendor], awarding_agency=agency)
    make_vendor(), make_agency()  # the latest changes name every type, whatever the number of rows

    # changes · then the records they name, one query per type: agreement, agency, vendor, source
    with django_assert_num_queries(5):
        client.get("/changes/feed/")
    # new agreements · the agreements
    with django_assert_num_queries(2):
        client.get("/agreements/new/feed/")
    # changes matching the list · the agreements
    with django_assert_num_queries(2):
        client.get("/agreements/feed/", {"status": "unknown"})
    # the FilterSet validating ?vendor= (its summary reuses the vendors read: issue 11) · changes matching the
    # list · the agreements
    with django_assert_num_queries(3):
        client.get("/agreements/feed/", {"vendor": "anthropic"})
    # the vendor · its changes and its agreements' · the vendor and the agreements they name
    with django_assert_num_queries(4):
        client.get("/vendors/anthropic/feed/")
    with django_assert_num_queries(4):
        client.get("/agencies/cdao/feed/")
