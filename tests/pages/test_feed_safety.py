"""Feeds carry no live markup and never fail on text: every field is plain text (summaries are
``type="text"``), an editor's reason or a notice holding markup reaches a reader as those characters, and
characters XML cannot hold (control characters, in a reason or in a list's ``q``) are dropped, never a 500.
A list feed reads a control character in ``q`` as its list page does (as a space: 200)."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from registry.interchange import record_types
from registry.models import Notice
from registry.services import apply_change, change_set, give_notice, retract
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_source,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = "<img src=x onerror=alert(1)> and <script>alert(2)</script>"


@pytest.fixture
def world():
    """One record of every type, all added in one change whose reason and credit hold markup; a correction and
    a retraction whose texts hold markup."""
    with change_set(user=builder_user(), reason=f"added: {MARKUP}", credited_to=f"Watchdog {MARKUP}"):
        agency = make_agency(slug="dod")
        vendor = make_vendor(slug="acme")
        deal = make_agreement(slug="deal", title=f"Deal {MARKUP}", awarding_agency=agency, vendors=[vendor])
        make_term(agreement=deal)
        make_marker(agreement=deal)
        make_designation(vendor=vendor, issuing_agency=agency)
        make_testing_disclosure(agency=agency, vendors=[vendor])
        make_event(links=[("subject", "vendor", vendor)])
        make_source()
    with change_set(user=builder_user(), reason=f"corrected: {MARKUP}"):
        apply_change(deal)
        give_notice(deal, kind=Notice.Kind.CORRECTION, text=f"correction: {MARKUP}")
    retract(make_agreement(slug="gone", awarding_agency=agency, vendors=[vendor]), user=builder_user(),
            reason=f"withdrawn: {MARKUP}")
    return {"vendor": vendor, "agency": agency}


def feed_urls():
    return ["/changes/feed/", "/agreements/new/feed/", "/vendors/acme/feed/", "/agencies/dod/feed/",
            "/corrections/feed/", *(f"/{t.path}/feed/" for t in record_types())]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.content


@pytest.mark.parametrize("url", feed_urls())
def test_markup_in_reasons_titles_credits_and_notices_comes_out_as_text_in_every_feed(client, world, url):
    body = fetch(client, url)
    root = ET.fromstring(body)  # well-formed XML
    entries = root.findall(f"{ATOM}entry")

    assert entries, url
    # no element but Atom's own: the markup is text, escaped once
    assert {element.tag for element in root.iter()} <= {f"{ATOM}{name}" for name in (
        "feed", "title", "link", "id", "updated", "author", "name", "subtitle", "entry", "published",
        "summary", "category")}
    for summary in root.iter(f"{ATOM}summary"):
        assert summary.get("type") == "text", url
    texts = [element.text or "" for element in root.iter()]
    assert any(MARKUP in text for text in texts), url  # the reader gets the characters, as text
    feed = feedparser.parse(body)
    for entry in feed.entries:
        assert entry.summary_detail.type == "text/plain"
        assert entry.title_detail.type == "text/plain"


def test_a_reason_shows_in_the_change_feed_as_the_editor_wrote_it(client, world):
    feed = feedparser.parse(fetch(client, "/changes/feed/"))

    retraction = next(entry for entry in feed.entries if entry.title.endswith("— retracted"))
    assert f"Reason: retracted: withdrawn: {MARKUP}" in retraction.summary


def test_the_corrections_feed_carries_the_notice_text_as_text(client, world):
    feed = feedparser.parse(fetch(client, "/corrections/feed/"))

    texts = [entry.summary for entry in feed.entries]
    assert any(text.endswith(f"correction: {MARKUP}") for text in texts)
    assert any(text.endswith(f"withdrawn: {MARKUP}") for text in texts)


def test_control_characters_in_a_reason_are_dropped_from_the_feeds(client):
    vendor = make_vendor(slug="acme")
    with change_set(user=builder_user(), reason="bad\x0bline\x01feed\x1f end"):
        vendor.name = "Acme\x08 AI"
        apply_change(vendor)
        # (no NUL: PostgreSQL text cannot hold one, and every form and serializer refuses it)
        give_notice(vendor, kind=Notice.Kind.CORRECTION, text="fixed\x02 the\x1b name")

    for url in ("/changes/feed/", "/vendors/feed/", "/vendors/acme/feed/", "/corrections/feed/"):
        body = fetch(client, url)
        ET.fromstring(body)
        assert b"\x0b" not in body and b"\x01" not in body and b"\x08" not in body, url
    assert "badlinefeed end" in feedparser.parse(fetch(client, "/changes/feed/")).entries[0].summary
    assert "fixed the name" in feedparser.parse(fetch(client, "/corrections/feed/")).entries[0].summary


CONTROL = [chr(code) for code in range(0x20)] + ["\x7f"]


@pytest.mark.parametrize("path", [t.path for t in record_types()])
def test_a_control_character_in_q_is_never_a_500_on_a_list_its_feed_or_its_csv(client, path):
    """Every C0 control character (and DEL), NUL included, on every list, CSV and feed: pages read it as a space
    (registry/page_parameters.py), as the search does, so the list, its CSV and its feed all answer 200, and the
    page and the feed carry no control character."""
    make_agreement(title="Some deal")
    for char in CONTROL:
        page = client.get(f"/{path}/", {"q": f"deal{char}"})
        feed = client.get(f"/{path}/feed/", {"q": f"deal{char}"})
        assert (page.status_code, feed.status_code) == (200, 200), (path, repr(char))
        if char in "\x00\x01\x1f":  # the CSV reads the page's query: a few suffice
            assert client.get(f"/{path}/csv/", {"q": f"deal{char}"}).status_code == 200, (path, repr(char))
        ET.fromstring(feed.content)
        if char not in "\t\n\r":
            assert char.encode() not in page.content and char.encode() not in feed.content, (path, repr(char))


def test_the_feed_title_keeps_the_query_without_its_control_characters(client):
    make_agreement(title="Some deal")

    feed = feedparser.parse(fetch(client, "/agreements/feed/?q=%01deal%1F"))

    assert feed.feed.title == "AI Defense Agreements Registry: agreements where Search: “deal”"
