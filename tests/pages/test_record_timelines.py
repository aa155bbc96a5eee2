"""Each vendor, agency, agreement and designation page shows its own timeline, read from the timeline table in
one query: its own dated facts (unlinked) and those of the records about it (linked), oldest first, each date as
precise as known; the testing-disclosure, term and marker pages keep showing theirs."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType

from registry import timeline
from registry.services import retract
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_term,
    make_testing_disclosure,
    make_vendor,
    one_change,
)
from tests.pages.test_timeline import build
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

ITEM = re.compile(r'<li><time datetime="([^"]*)">([^<]*)</time> — ([^<]*?)(?:: <a href="([^"]+)">([^<]*)</a>)?</li>')


def section(html):
    """The record's timeline section."""
    start = html.index('<section class="record-timeline"')
    return html[start:html.index("</section>", start)]


def items(html):
    """[(date as written, label, link or '', title or '')] of the record's timeline, in order."""
    return [(unescape(date), unescape(label), link, unescape(title))
            for _, date, label, link, title in ITEM.findall(section(html))]


def page_of(client, record):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def story():
    dod = make_agency(slug="dod", name="Department of Defense")
    cdao = make_agency(slug="cdao", name="CDAO", parent=dod)
    openai = make_vendor(slug="openai", name="OpenAI")
    deal = make_agreement(title="OpenAI prototype", vendors=[openai], awarding_agency=cdao,
                          announced_on=datetime.date(2025, 6, 1), announced_on_precision="month",
                          awarded_on=datetime.date(2025, 6, 16), awarded_on_precision="day",
                          end_on=datetime.date(2026, 1, 1), end_on_precision="year")
    term = make_term(agreement=deal, title="No domestic surveillance", effective_on=datetime.date(2025, 6, 16),
                     effective_on_precision="day")
    designation = make_designation(title="Supply-chain risk", vendor=openai, issuing_agency=dod, affected=[deal],
                                   announced_on=datetime.date(2026, 2, 27), announced_on_precision="day",
                                   effective_on=datetime.date(2026, 3, 1), effective_on_precision="month")
    testing = make_testing_disclosure(title="Model evaluation", agency=cdao, vendors=[openai], agreements=[deal],
                                      tested_from=datetime.date(2025, 1, 1), tested_from_precision="year")
    injunction = make_event(title="Injunction", kind="court_order", occurred_on=datetime.date(2026, 3, 26),
                            occurred_on_precision="day", links=[("subject", "designation", designation)])
    unrelated = make_agreement(title="Someone else's deal", announced_on=datetime.date(2025, 6, 2),
                               announced_on_precision="day")
    return locals()


def test_an_agreement_shows_its_own_dates_and_those_of_the_records_about_it(client, story):
    shown = items(page_of(client, story["deal"]))

    # a month-only date after the days of its month, a year-only date after the months of its year
    assert shown == [
        ("16 June 2025", "Agreement awarded", "", ""),
        ("16 June 2025", "Term took effect", story["term"].get_absolute_url(), "No domestic surveillance"),
        ("June 2025", "Agreement announced", "", ""),
        ("2025", "Testing began", story["testing"].get_absolute_url(), "Model evaluation"),
        ("27 February 2026", "Designation announced", story["designation"].get_absolute_url(), "Supply-chain risk"),
        ("March 2026", "Designation took effect", story["designation"].get_absolute_url(), "Supply-chain risk"),
        ("2026", "Agreement performance end (or expected end)", "", ""),
    ]


def test_a_vendor_shows_the_dates_of_its_agreements_designations_testing_and_their_events(client, story):
    html = page_of(client, story["openai"])
    titles = [title for _, _, _, title in items(html)]

    assert titles == ["OpenAI prototype", "No domestic surveillance", "OpenAI prototype", "Model evaluation",
                      "Supply-chain risk", "Injunction", "Supply-chain risk", "OpenAI prototype"]
    assert "Someone else" not in section(html)
    assert 'href="/timeline/?vendor=openai"' in section(html)


def test_an_agency_shows_the_dates_of_its_sub_agencies(client, story):
    shown = {title for _, _, _, title in items(page_of(client, story["dod"]))}
    assert shown == {"Model evaluation", "OpenAI prototype", "No domestic surveillance", "Supply-chain risk",
                     "Injunction"}  # the CDAO's agreement and testing; the designation the DoD issued


def test_a_designation_shows_its_legal_steps_and_events_in_order(client, story):
    html = page_of(client, story["designation"])

    assert items(html) == [
        ("27 February 2026", "Designation announced", "", ""),
        ("26 March 2026", "Court order", story["injunction"].get_absolute_url(), "Injunction"),
        ("March 2026", "Designation took effect", "", ""),
    ]
    assert 'href="/timeline/?designation=' in section(html)
    assert ">Legal history</h2>" in html  # with court details, as before


@pytest.mark.parametrize("name", ["testing", "term"])
def test_testing_and_term_pages_keep_their_timeline(client, story, name):
    record = story[name]
    assert any(link == "" for _, _, link, _ in items(page_of(client, record)))  # its own date, unlinked


def test_a_retracted_record_leaves_the_timelines_of_others(client, story):
    retract(story["designation"], user=builder_user(), reason="never issued")

    titles = {title for _, _, _, title in items(page_of(client, story["openai"]))}
    assert "Supply-chain risk" not in titles
    assert "Injunction" not in titles  # the event stands, linked only to the retracted designation


def test_a_page_without_dated_facts_shows_no_timeline(client):
    vendor = make_vendor()
    assert 'class="record-timeline"' not in page_of(client, vendor)


def test_a_long_timeline_shows_the_latest_facts_and_links_the_rest(client, monkeypatch):
    monkeypatch.setattr(timeline, "PAGE_ENTRIES", 3)
    vendor = make_vendor(slug="busy")
    for month in range(1, 6):
        make_agreement(title=f"Deal {month}", vendors=[vendor], announced_on=datetime.date(2025, month, 1),
                       announced_on_precision="month")

    html = page_of(client, vendor)

    assert [title for _, _, _, title in items(html)] == ["Deal 3", "Deal 4", "Deal 5"]
    assert "The 3 latest dated facts." in section(html)
    assert 'href="/timeline/?vendor=busy">Every dated fact in the full timeline' in section(html)


@two_world_sizes
def test_a_vendor_page_runs_the_same_queries_for_any_number_of_facts(client, django_assert_num_queries, rows):
    with one_change():
        vendor = build(rows)
    client.get("/healthz")
    ContentType.objects.clear_cache()

    # vendor · parties + agreements · designations · testing links + disclosures · its timeline (one query) ·
    # own policies · content type of vendors · citations · sources · latest change (footer) · the agreements'
    # reported amounts · notices · revisions with their total · its agreements by year (the chart)
    with django_assert_num_queries(14):
        page = page_of(client, vendor)
    assert len(items(page)) == 4 * rows
