"""/corrections/: every correction and retraction notice, newest first, with the record it concerns, its kind,
date, text and credit; filtered by kind and record type, keyset-paginated, with its Atom feed of the same query.
The footer and the about page link it; the about page says how to submit."""

import re

import feedparser
import pytest

from registry.interchange import by_name
from registry.services import retract
from tests.builders import builder_user, make_agreement, make_vendor
from tests.pages.notice_data import MAKERS, correct
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def items_of(page):
    return re.findall(r'<li class="notice (correction|retraction)">(.*?)</li>', page, re.S)


def read_feed(client, url="/corrections/feed/", **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


@pytest.fixture
def notices():
    deal = make_agreement(title="Maven expansion")
    vendor = make_vendor(name="Acme AI")
    withdrawn = make_agreement(title="Phantom deal")
    correct(deal, "The ceiling was $200M, not $2B.", credited_to="Watchdog A")
    retract(withdrawn, user=builder_user(), reason="No such agreement was made.")
    correct(vendor, "Founded in 2019, not 2021.")
    return {"deal": deal, "vendor": vendor, "withdrawn": withdrawn}


def test_it_lists_every_notice_newest_first_with_its_record_kind_date_text_and_credit(client, notices):
    page = client.get("/corrections/").content.decode()
    items = items_of(page)

    assert [kind for kind, _ in items] == ["correction", "retraction", "correction"]
    newest, retraction, oldest = (body for _, body in items)
    assert f'Vendor <a href="/vendors/{notices["vendor"].slug}/">Acme AI</a>' in newest
    assert "Founded in 2019, not 2021." in newest and "Credited to registry staff." in newest
    assert f'<a href="/agreements/{notices["withdrawn"].slug}/">Phantom deal</a>' in retraction
    assert "<strong>Retraction</strong>" in retraction and "No such agreement was made." in retraction
    assert "The ceiling was $200M, not $2B." in oldest and "Credited to Watchdog A." in oldest
    assert re.search(r'<time datetime="[^"]+">\d{1,2} \w+ \d{4}</time>', oldest)
    assert "<strong>3</strong> notices." in page


@pytest.mark.parametrize("record_type", MAKERS)
def test_it_links_the_record_of_every_type(client, record_type):
    record = MAKERS[record_type]()
    correct(record, "fixed")

    page = client.get("/corrections/").content.decode()

    assert f'<a href="/{by_name(record_type).path}/{record.slug}/">' in page
    assert client.get(f"/{by_name(record_type).path}/{record.slug}/").status_code == 200


def test_it_filters_by_kind_and_by_record_type(client, notices):
    retractions = client.get("/corrections/?kind=retraction").content.decode()
    vendors = client.get("/corrections/?type=vendor&kind=correction").content.decode()

    assert [kind for kind, _ in items_of(retractions)] == ["retraction"]
    assert "where Kind: Retraction" in retractions
    assert len(items_of(vendors)) == 1 and "Acme AI" in vendors


def test_a_bad_filter_is_a_400_naming_it_and_unknown_parameters_are_ignored(client, notices):
    bad = client.get("/corrections/?kind=erratum")
    ignored = client.get("/corrections/?utm_source=newsletter")

    assert bad.status_code == 400
    assert "Select a valid choice. erratum is not one of the available choices." in bad.content.decode()
    assert ignored.status_code == 200 and len(items_of(ignored.content.decode())) == 3


def test_it_pages_with_a_cursor_and_refuses_a_bad_one(client, notices):
    first = client.get("/corrections/?page_size=2").content.decode()
    next_link = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(f"/corrections/?{next_link}").content.decode()

    assert len(items_of(first)) == 2 and len(items_of(second)) == 1
    assert "Maven expansion" in second
    assert client.get("/corrections/?cursor=garbage").status_code == 400


@two_world_sizes
def test_the_page_runs_the_same_queries_for_any_number_of_notices(client, django_assert_num_queries, rows):
    deal = make_agreement()
    for number in range(rows):
        correct(deal, f"fix {number}")
    client.get("/corrections/")

    # the page of notices · their count · latest change (footer)
    with django_assert_num_queries(3):
        response = client.get("/corrections/")
    assert len(items_of(response.content.decode())) == rows


def test_the_feed_has_one_entry_per_notice_as_plain_text(client, notices):
    feed = read_feed(client)

    assert [entry.title for entry in feed.entries] == [
        "Correction: Acme AI", "Retraction: Phantom deal", "Correction: Maven expansion"]
    entry = feed.entries[2]
    assert entry.link == f"http://testserver/agreements/{notices['deal'].slug}/"
    assert entry.summary == "Correction of the agreement “Maven expansion”: The ceiling was $200M, not $2B."
    assert entry.summary_detail.type == "text/plain"
    assert entry.author == "Watchdog A"
    assert entry.id.startswith("tag:testserver,2026:notice/")
    assert feed.feed.link == "http://testserver/corrections/"


def test_the_feed_filters_as_the_page_does(client, notices):
    feed = read_feed(client, kind="retraction")

    assert [entry.title for entry in feed.entries] == ["Retraction: Phantom deal"]
    assert feed.feed.title == "AI Defense Agreements Registry: corrections and retractions where Kind: Retraction"
    assert client.get("/corrections/feed/?kind=erratum").status_code == 400


def test_the_feed_runs_one_query(client, django_assert_num_queries, notices):
    with django_assert_num_queries(1):
        client.get("/corrections/feed/")


def test_the_page_links_its_feed_with_the_same_query(client, notices):
    page = client.get("/corrections/?kind=correction").content.decode()

    assert 'href="/corrections/feed/?kind=correction"' in page


def test_every_page_footer_links_the_corrections(client):
    deal = make_agreement()
    for url in ("/", "/agreements/", deal.get_absolute_url(), "/about/"):
        assert '<a href="/corrections/">Corrections and retractions</a>' in client.get(url).content.decode(), url


def test_the_about_page_says_how_to_submit_and_links_the_corrections(client):
    page = client.get("/about/").content.decode()
    contribute = re.search(r'<section id="contribute".*?</section>', page, re.S).group(0)

    assert 'href="/account/signup/"' in contribute
    assert 'href="/submit/agreements/"' in contribute and "Suggest a correction" in contribute
    assert 'href="/corrections/"' in contribute
    assert "mailto:" not in contribute


def test_the_about_page_shows_the_contact_address_when_set(client, settings):
    settings.CONTACT_EMAIL = "editors@registry.example.org"

    page = client.get("/about/").content.decode()

    assert '<a href="mailto:editors@registry.example.org">editors@registry.example.org</a>' in page


def test_the_corrections_page_and_a_corrected_record_page_run_under_the_strict_policy(client, notices):
    from tests.pages.test_security_headers import assert_scripts_allowed, markup_of

    for url in ("/corrections/", notices["deal"].get_absolute_url(), notices["withdrawn"].get_absolute_url()):
        response = client.get(url)
        markup = markup_of(response)
        assert_scripts_allowed(response)
        assert (markup.handlers, markup.style_elements, markup.style_attributes) == ([], [], []), url
