"""/timeline/ and its feed: every dated fact by year and month, partial dates placed honestly (a month-only date
under its month after its days, "July 2025"; a year-only date after the months of its year, "2025"), filtered by
vendor, agency (sub-agencies included), kind and date range; bad parameters a 400 naming the field; the same
queries whatever the number of facts."""

import datetime
import re
from html import unescape

import feedparser
import pytest

from registry.models import TimelineEntry
from registry.services import apply_change
from tests.builders import (
    builder_user,
    in_one_change,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_testing_disclosure,
    make_vendor,
)
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<li><time datetime="([^"]*)">([^<]*)</time> — ([^:<]*): <a href="([^"]+)">([^<]*)</a>')


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:800]
    return response.content.decode()


def shown(html):
    """[(datetime attribute, date as written, label, link, title)] in page order."""
    return [tuple(unescape(part) for part in match) for match in ENTRY.findall(html)]


def titles(html):
    return [entry[4] for entry in shown(html)]


def headings(html):
    return [unescape(text) for text in re.findall(r'<h[34][^>]*>([^<]+)</h[34]>', html)]


def announced(title, date, precision, **fields):
    return make_agreement(title=title, announced_on=date, announced_on_precision=precision, **fields)


@pytest.fixture
@in_one_change
def mixed():
    """Facts of 2025 at every precision: days and a month-only date in July, a month-only date in December, a
    year-only date; and one of 2024."""
    return [
        announced("Year only", datetime.date(2025, 1, 1), "year"),
        announced("July only", datetime.date(2025, 7, 1), "month"),
        announced("July 14", datetime.date(2025, 7, 14), "day"),
        announced("July 1", datetime.date(2025, 7, 1), "day"),
        announced("December only", datetime.date(2025, 12, 1), "month"),
        announced("March 3", datetime.date(2025, 3, 3), "day"),
        announced("Last year", datetime.date(2024, 11, 5), "day"),
    ]


def test_it_orders_days_then_the_month_then_the_year_and_writes_each_date_as_precisely_as_known(client, mixed):
    page = get(client, "/timeline/")

    assert titles(page) == ["Last year", "March 3", "July 1", "July 14", "July only", "December only", "Year only"]
    assert headings(page) == ["2024", "November 2024", "2025", "March 2025", "July 2025", "December 2025",
                              "Date within 2025 unknown"]
    dates = {entry[4]: (entry[0], entry[1]) for entry in shown(page)}
    assert dates["July only"] == ("2025-07", "July 2025")
    assert dates["Year only"] == ("2025", "2025")
    assert dates["July 1"] == ("2025-07-01", "1 July 2025")
    assert "1 January 2025" not in page and page.count("1 July 2025") == 1  # only the fact known to the day


def test_newest_first_reverses_the_order_with_each_periods_unknown_part_first(client, mixed):
    page = get(client, "/timeline/", ordering="-date")

    assert titles(page) == ["Year only", "December only", "July only", "July 14", "July 1", "March 3", "Last year"]
    assert headings(page)[:3] == ["2025", "Date within 2025 unknown", "December 2025"]


def test_every_kind_of_dated_fact_is_listed_with_a_link_to_its_record(client):
    vendor = make_vendor()
    deal = make_agreement(title="Prototype deal", vendors=[vendor], awarded_on=datetime.date(2025, 6, 2),
                          awarded_on_precision="day")
    designation = make_designation(title="Risk designation", vendor=vendor,
                                   effective_on=datetime.date(2026, 3, 5), effective_on_precision="day")
    testing = make_testing_disclosure(title="Model evaluation", disclosed_on=datetime.date(2026, 1, 1),
                                      disclosed_on_precision="month")
    event = make_event(title="Injunction granted", kind="court_order", occurred_on=datetime.date(2026, 3, 26),
                       occurred_on_precision="day")

    entries = {entry[4]: entry for entry in shown(get(client, "/timeline/"))}

    assert entries["Prototype deal"][2:4] == ("Agreement awarded", deal.get_absolute_url())
    assert entries["Risk designation"][2:4] == ("Designation took effect", designation.get_absolute_url())
    assert entries["Model evaluation"][1:4] == ("January 2026", "Testing disclosed", testing.get_absolute_url())
    assert entries["Injunction granted"][2:4] == ("Court order", event.get_absolute_url())


def test_drafts_and_retracted_records_are_not_listed(client):
    make_agreement(title="A draft", published=False, announced_on=datetime.date(2025, 1, 2),
                   announced_on_precision="day")
    make_agreement(title="Withdrawn", retracted=True, announced_on=datetime.date(2025, 1, 2),
                   announced_on_precision="day")
    make_agreement(title="Standing", announced_on=datetime.date(2025, 1, 2), announced_on_precision="day")

    assert titles(get(client, "/timeline/")) == ["Standing"]


# --- filters ---------------------------------------------------------------------------------

@pytest.fixture
@in_one_change
def world():
    dod = make_agency(slug="dod", name="Department of Defense")
    army = make_agency(slug="army", name="Army", parent=dod)
    other_agency = make_agency(slug="nasa", name="NASA")
    openai = make_vendor(slug="openai", name="OpenAI")
    other_vendor = make_vendor(slug="acme", name="Acme")
    day = {"announced_on": datetime.date(2025, 7, 14), "announced_on_precision": "day"}
    return {
        "deal": make_agreement(title="OpenAI deal", vendors=[openai], awarding_agency=army, **day),
        "other": make_agreement(title="Acme deal", vendors=[other_vendor], awarding_agency=other_agency,
                                announced_on=datetime.date(2024, 2, 1), announced_on_precision="month"),
        "designation": make_designation(title="OpenAI designation", vendor=openai, issuing_agency=other_agency,
                                        announced_on=datetime.date(2026, 1, 1), announced_on_precision="year"),
        "testing": make_testing_disclosure(title="Army testing", agency=army, vendors=[other_vendor],
                                           tested_from=datetime.date(2025, 3, 1), tested_from_precision="month"),
        "event": make_event(title="OpenAI statement", occurred_on=datetime.date(2025, 8, 1),
                            occurred_on_precision="day", links=[("actor", "vendor", openai)]),
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"vendor": "openai"}, ["OpenAI deal", "OpenAI statement", "OpenAI designation"]),
    ({"vendor": ["openai", "acme"]}, ["Acme deal", "Army testing", "OpenAI deal", "OpenAI statement",
                                     "OpenAI designation"]),
    ({"vendor__in": "openai,acme", "kind": "agreement.announced"}, ["Acme deal", "OpenAI deal"]),
    ({"agency": "dod"}, ["Army testing", "OpenAI deal"]),  # through its sub-agency, the Army
    ({"agency": "army"}, ["Army testing", "OpenAI deal"]),
    ({"agency": "nasa"}, ["Acme deal", "OpenAI designation"]),
    ({"kind": ["designation.announced", "event.statement"]}, ["OpenAI statement", "OpenAI designation"]),
    ({"after": "2025-07", "before": "2025"}, ["OpenAI deal", "OpenAI statement"]),
    ({"after": "2025-07-15"}, ["OpenAI statement", "OpenAI designation"]),
    ({"before": "2024-02"}, ["Acme deal"]),  # inclusive of the whole month
    ({"before": "2024-01-31"}, []),
    ({"after": "2026", "before": "2026-01-01"}, ["OpenAI designation"]),  # a year-only date counts from its 1st day
])
def test_the_filters_select_the_facts_they_name(client, world, params, expected):
    assert titles(get(client, "/timeline/", **params)) == expected


def test_the_summary_says_what_the_filters_select(client, world):
    page = unescape(get(client, "/timeline/", vendor="openai", kind="designation.announced", after="2025-07"))

    assert "Vendor: OpenAI" in page and "Kind of fact: Designation announced" in page
    assert "On or after: July 2025" in page


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"after": "2025-13"}, "after", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."),
    ({"before": "yesterday"}, "before", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."),
    ({"kind": "agreement.signed"}, "kind", "Select a valid choice"),
    ({"vendor": "nobody"}, "vendor", "Select a valid choice"),
    ({"agency": "nowhere"}, "agency", "Select a valid choice"),
    ({"agreement": "no-deal"}, "agreement", "Select a valid choice"),
    ({"ordering": "title"}, "ordering", "Select a valid choice"),
    ({"cursor": "not-a-cursor"}, None, "This cursor is not valid"),
    ({"page_size": "0"}, None, "page_size must be a whole number from 1 to 500."),
])
def test_bad_parameters_are_a_400_naming_the_field(client, world, params, field, message):
    page = get(client, "/timeline/", status=400, **params)

    assert message in unescape(page)
    if field in ("vendor", "agency"):  # a group of the chosen values and a text field, with the error
        assert f'id="id_{field}_text"' in page and 'class="facet field has-error"' in page
    elif field in ("after", "before", "kind", "ordering"):
        assert f'id="id_{field}"' in page and 'class="field has-error"' in page
    assert shown(page) == []


def test_unknown_parameters_are_ignored(client, world):
    assert len(shown(get(client, "/timeline/", utm_source="newsletter"))) == 5


def test_paging_returns_each_fact_once_in_order(client, mixed):
    seen, url = [], "/timeline/?page_size=2"
    while url:
        page = get(client, url)
        seen += titles(page)
        following = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = "/timeline/" + unescape(following.group(1)) if following else None

    assert seen == ["Last year", "March 3", "July 1", "July 14", "July only", "December only", "Year only"]


def test_the_newest_recorded_first_is_a_flat_list(client, mixed):
    page = get(client, "/timeline/", ordering="-recorded")

    assert titles(page)[0] == "Last year"  # recorded last
    assert "Date within 2025 unknown" not in page


def test_the_page_links_its_feed_with_the_same_query(client, world):
    page = get(client, "/timeline/", vendor="openai")

    assert 'href="/timeline/feed/?vendor=openai"' in page


def test_the_navigation_links_the_timeline(client):
    assert '<a href="/timeline/">Timeline</a>' in get(client, "/about/")


# --- the feed --------------------------------------------------------------------------------

def read_feed(client, **params):
    response = client.get("/timeline/feed/", params)
    assert response.status_code == 200, response.content[:500]
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return response, feed


def test_the_feed_lists_the_facts_most_recently_recorded_first_updated_when_recorded(client, world):
    _, feed = read_feed(client)

    assert [entry.title for entry in feed.entries] == [
        "Statement: OpenAI statement — 1 August 2025", "Testing began: Army testing — March 2025",
        "Designation announced: OpenAI designation — 2026", "Agreement announced: Acme deal — February 2024",
        "Agreement announced: OpenAI deal — 14 July 2025"]
    recorded = {entry.title: entry.updated for entry in feed.entries}
    statement = TimelineEntry.objects.get(title="OpenAI statement")
    assert recorded["Statement: OpenAI statement — 1 August 2025"] == statement.recorded_at.isoformat()
    designation = next(e for e in feed.entries if e.title.startswith("Designation announced"))
    assert designation.title == "Designation announced: OpenAI designation — 2026"
    assert designation.link.endswith(world["designation"].get_absolute_url())
    assert designation.summary == "Designation announced on 2026: OpenAI designation."


def test_an_edited_date_is_the_same_feed_entry_updated(client, world):
    _, before = read_feed(client)
    deal = world["deal"]
    deal.announced_on, deal.announced_on_precision = datetime.date(2025, 7, 1), "month"
    apply_change(deal, user=builder_user(), reason="the sources say July")

    _, after = read_feed(client)

    old = next(e for e in before.entries if "OpenAI deal" in e.title)
    new = after.entries[0]
    assert new.title == "Agreement announced: OpenAI deal — July 2025"
    assert new.id == old.id and new.updated > old.updated


def test_the_feed_takes_the_pages_filters(client, world):
    _, feed = read_feed(client, agency="dod")

    assert {entry.title.split(": ", 1)[1].split(" — ")[0] for entry in feed.entries} == {"OpenAI deal", "Army testing"}
    assert "Agency: Department of Defense" in feed.feed.title


def test_a_bad_feed_query_is_a_400_naming_the_field(client):
    response = client.get("/timeline/feed/", {"after": "July"})

    assert response.status_code == 400
    assert "after: Enter a date as YYYY, YYYY-MM or YYYY-MM-DD." in response.content.decode()


def test_the_feed_is_plain_text_whatever_a_title_holds(client):
    markup = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"
    make_agreement(title=markup, announced_on=datetime.date(2025, 7, 14), announced_on_precision="day")

    response, feed = read_feed(client)

    body = response.content.decode()
    assert "<script>" not in body and "<img" not in body
    assert feed.entries[0].title == f"Agreement announced: {markup} — 14 July 2025"
    assert 'type="text"' in body and 'type="html"' not in body
    assert "<script>" not in get(client, "/timeline/")


# --- query counts ----------------------------------------------------------------------------

def build(rows):
    vendor = make_vendor(slug="openai")
    agency = make_agency(slug="dod")
    for n in range(rows):
        deal = make_agreement(vendors=[vendor], awarding_agency=agency, announced_on=datetime.date(2025, 1 + n % 12, 1),
                              announced_on_precision="month" if n % 2 else "day")
        make_designation(vendor=vendor, affected=[deal], effective_on=datetime.date(2025, 1, 1),
                         effective_on_precision="year")
        make_testing_disclosure(vendors=[vendor], disclosed_on=datetime.date(2026, 2, 3), disclosed_on_precision="day")
        make_event(links=[("subject", "agreement", deal)])
    return vendor


@two_world_sizes
def test_the_page_and_the_feed_run_the_same_queries_for_any_number_of_facts(client, django_assert_num_queries,
                                                                            rows):
    build(rows)
    client.get("/healthz")  # the throttle's counter, warmed

    # the page of entries · their count (capped) · latest change (footer); the vendor and agency fields list only
    # the chosen ones (and take any other by name or slug): no list of every vendor and agency
    with django_assert_num_queries(3):
        get(client, "/timeline/")
    # the vendor, read by the filter (its summary names it from the filter's read: registry/filters.describe) ·
    # entries · count · latest change
    with django_assert_num_queries(4):
        get(client, "/timeline/", vendor="openai", after="2025", ordering="-date", page_size="5")
    # the entries
    with django_assert_num_queries(1):
        read_feed(client)
    # the agency, read once by the filter (the summary names it from that read) · the entries
    with django_assert_num_queries(2):
        read_feed(client, agency="dod", kind="agreement.announced")


# --- hostile queries -------------------------------------------------------------------------

def test_the_page_and_its_feed_answer_every_hostile_query_without_a_5xx_and_well_formed(client, world):
    from registry.filters import TimelineFilterSet
    from tests.pages.test_page_fuzz import PAGING, check_feed, check_html, failures_of, queries

    parameters = [*TimelineFilterSet(None).filters, *PAGING]
    failures = [*failures_of(client, "/timeline/", queries(parameters), check_html),
                *failures_of(client, "/timeline/feed/", queries(parameters, alone=["9999-12-31"]), check_feed)]

    assert not failures, "\n".join(failures)
