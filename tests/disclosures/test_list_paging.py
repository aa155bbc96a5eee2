"""Paging through the designation, testing-disclosure, event and source lists: with a page size of
2, every ordering in both directions returns each public row exactly once, NULLs last, and the
previous links give back the same pages. Then the query count of every list and detail page,
pinned at two data sizes."""

import datetime
import re
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType

from disclosures.filters import DesignationFilterSet, EventFilterSet, TestingDisclosureFilterSet
from disclosures.models import Designation, DesignationRelation, Event, EventLink, TestingDisclosure
from registry.filters import SourceFilterSet
from registry.models import Source
from registry.services import apply_change
from tests.builders import (
    builder_user,
    in_one_change,
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_source,
    make_testing_disclosure,
    make_vendor,
)
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

ACTOR, SUBJECT = EventLink.Role.ACTOR, EventLink.Role.SUBJECT
DAYS = [datetime.date(2025, 7, 1), None, datetime.date(2024, 1, 1), datetime.date(2025, 7, 1), None,
        datetime.date(2026, 2, 1), datetime.date(2023, 5, 1)]
TITLES = ["Beta", "Alpha", "Beta", "Gamma", "Alpha", "Delta", "Beta"]  # ties, broken by id


@in_one_change
def build_designations():
    vendor = make_vendor()
    for n in range(len(DAYS)):
        make_designation(vendor=vendor, title=TITLES[n],
                         announced_on=DAYS[n], announced_on_precision="day" if DAYS[n] else "",
                         effective_on=DAYS[-1 - n], effective_on_precision="day" if DAYS[-1 - n] else "")
    make_designation(vendor=vendor, retracted=True, title="Alpha")
    make_designation(vendor=vendor, published=False, title="Alpha")


@in_one_change
def build_testing_disclosures():
    agency = make_agency()
    for n in range(len(DAYS)):
        tested = DAYS[(n + 2) % len(DAYS)]
        tested = min(tested, DAYS[n]) if tested and DAYS[n] else tested
        make_testing_disclosure(agency=agency, title=TITLES[n],
                                disclosed_on=DAYS[n], disclosed_on_precision="day" if DAYS[n] else "",
                                tested_from=tested, tested_from_precision="day" if tested else "")
    make_testing_disclosure(agency=agency, retracted=True)


@in_one_change
def build_events():
    for n in range(len(DAYS)):
        occurred = DAYS[n] or datetime.date(2025, 7, 1)  # an event always has a date: ties instead of NULLs
        make_event(title=TITLES[n], occurred_on=occurred, occurred_on_precision="day")
    make_event(retracted=True)


@in_one_change
def build_sources():
    for n in range(len(DAYS)):
        make_source(title=TITLES[n], published_on=DAYS[n], published_on_precision="day" if DAYS[n] else "")
    make_source(retracted=True, title="Alpha")
    make_source(published=False, title="Alpha")


LISTS = {
    "/designations/": (Designation, DesignationFilterSet, build_designations),
    "/testing-disclosures/": (TestingDisclosure, TestingDisclosureFilterSet, build_testing_disclosures),
    "/events/": (Event, EventFilterSet, build_events),
    "/sources/": (Source, SourceFilterSet, build_sources),
}
ORDERINGS = [(url, name, descending) for url, (_, filterset, _) in LISTS.items()
             for name in filterset.ordering_fields for descending in (False, True)]


def expected_slugs(model, column, descending):
    rows = list(model.objects.public().values_list(column, "id", "slug"))
    present = sorted((r for r in rows if r[0] is not None), key=lambda r: (r[0], r[1]), reverse=descending)
    missing = sorted((r for r in rows if r[0] is None), key=lambda r: r[1], reverse=descending)
    return [slug for _, _, slug in present + missing]


def read_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    html = response.content.decode()
    rows = re.findall(r'<th scope="row"><a href="/[a-z-]+/([^/"]+)/">', html)
    links = {rel: unescape(href) for rel, href in re.findall(r'<a rel="(next|prev)" href="([^"]+)"', html)}
    return rows, links


@pytest.mark.parametrize(("url", "name", "descending"), ORDERINGS,
                         ids=[f"{u}?ordering={'-' if d else ''}{n}" for u, n, d in ORDERINGS])
def test_paging_through_every_ordering_returns_each_public_row_once_with_nulls_last(client, url, name, descending):
    model, filterset, build = LISTS[url]
    build()
    ordering = f"{'-' if descending else ''}{name}"
    expected = expected_slugs(model, filterset.ordering_fields[name], descending)

    pages, next_url = [], f"{url}?ordering={ordering}&page_size=2"
    while next_url:
        rows, links = read_page(client, next_url)
        pages.append(rows)
        next_url = url + links["next"] if "next" in links else None
        assert len(pages) <= len(expected)

    assert [slug for page in pages for slug in page] == expected
    assert all(len(page) == 2 for page in pages[:-1])
    assert len(expected) == 7  # retracted and draft rows never appear

    backwards, previous_url = [], links.get("prev")
    while previous_url:
        rows, links = read_page(client, url + previous_url)
        backwards.insert(0, rows)
        previous_url = links.get("prev")
    assert backwards == pages[:-1]


# --- query counts --------------------------------------------------------------------------

def count_queries(client, django_assert_num_queries, url, expected):
    ContentType.objects.clear_cache()  # so that the content-type lookup is counted every time
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


@in_one_change
def designation_with(size):
    vendor = make_vendor()
    designation = make_designation(vendor=vendor, affected=[make_agreement() for _ in range(size)])
    for _ in range(size):
        make_event(links=[(SUBJECT, "designation", designation), (ACTOR, "vendor", vendor)])
        make_citation(designation)
        # related designations both ways, each with an event of its own
        for this, other in ((designation, make_designation(vendor=vendor)), (make_designation(vendor=vendor), designation)):
            apply_change(DesignationRelation(designation=this, related=other), user=builder_user(), reason="t")
            make_event(links=[(SUBJECT, "designation", other if this is designation else this)])
    return designation


@in_one_change
def disclosure_with(size):
    disclosure = make_testing_disclosure(vendors=[make_vendor() for _ in range(size)],
                                         agreements=[make_agreement() for _ in range(size)])
    for _ in range(size):
        make_event(links=[(SUBJECT, "testing_disclosure", disclosure)])
        make_citation(disclosure)
    return disclosure


@in_one_change
def event_with(size):
    event = make_event()
    for _ in range(size):
        for field, target in (("vendor", make_vendor()), ("agency", make_agency()), ("agreement", make_agreement()),
                              ("designation", make_designation()), ("testing_disclosure", make_testing_disclosure())):
            make_event(links=[(SUBJECT, "related_event", event)])
            apply_change(EventLink(event=event, role=ACTOR, **{field: target}), user=builder_user(), reason="t")
        make_citation(event)
    return event


@in_one_change
def source_with(size):
    source = make_source()
    for _ in range(size):
        for record in (make_designation(), make_testing_disclosure(), make_event()):
            make_citation(record, source=source)
    return source


@pytest.mark.parametrize("size", [1, 6])
def test_the_designation_page_runs_the_same_queries_for_any_number_of_links(client, django_assert_num_queries, size):
    designation = designation_with(size)
    # designation + vendor + issuing agency · affected agreements + agreements + awarding agencies ·
    # event links + events · related designations (as written) · related designations (the other way) ·
    # the related designations' event links + events + designations ·
    # content type of designations · citations · their sources · latest change (footer) ·
    # notices · revisions with their total (issue 10) · its timeline (issue 11)
    count_queries(client, django_assert_num_queries, designation.get_absolute_url(), 13)


@pytest.mark.parametrize("size", [1, 6])
def test_the_testing_page_runs_the_same_queries_for_any_number_of_links(client, django_assert_num_queries, size):
    disclosure = disclosure_with(size)
    # disclosure + agency · vendor links + vendors · agreement links + agreements · event links + events ·
    # content type of testing disclosures · citations · their sources · latest change (footer) ·
    # notices · revisions with their total (issue 10)
    count_queries(client, django_assert_num_queries, disclosure.get_absolute_url(), 10)


@pytest.mark.parametrize("size", [1, 4])
def test_the_event_page_runs_the_same_queries_for_any_number_of_links(client, django_assert_num_queries, size):
    event = event_with(size)
    # event · its links + every kind of linked record · links from other events + those events ·
    # content type of events · citations · their sources · latest change (footer) ·
    # notices · revisions with their total (issue 10)
    count_queries(client, django_assert_num_queries, event.get_absolute_url(), 9)


@pytest.mark.parametrize("size", [1, 5])
def test_the_source_page_runs_the_same_queries_for_any_number_of_citing_records(client, django_assert_num_queries,
                                                                                size):
    source = source_with(size)
    # source · citations citing it + their content types · designations · testing disclosures · events
    # (one query per type of record cited, whatever the number of records) · latest change (footer) ·
    # notices · revisions with their total (issue 10)
    count_queries(client, django_assert_num_queries, source.get_absolute_url(), 8)


LIST_QUERIES = {
    # (+1: the ids the facet groups count over, read once as a list: registry/facets.Bases)
    # page of rows + vendor + issuing agency · count · latest change (footer) · one GROUP BY per facet group
    # (issue 11: they replace the form's choice lists): vendor, issuing agency, kind, status, confidence
    "/designations/": (lambda: designation_with(1), 9),
    # page of rows + agency · vendor links + vendors · count · latest change · facets: agency, vendor,
    # agreement, kind of testing, channel, confirmed, confidence
    "/testing-disclosures/": (lambda: disclosure_with(2), 12),
    # page of rows · count · latest change · facets: kind, vendor, agency, agreement, designation, confidence
    "/events/": (lambda: make_event(), 10),
    # page of rows · count · latest change · facets: kind, tier, confidence
    "/sources/": (lambda: make_source(), 7),
}


@pytest.mark.parametrize("url", LIST_QUERIES)
@two_world_sizes
def test_each_list_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, url, rows):
    build, expected = LIST_QUERIES[url]
    for _ in range(rows):
        build()

    count_queries(client, django_assert_num_queries, url, expected)


@pytest.mark.parametrize("url", LIST_QUERIES)
def test_a_filtered_sorted_second_page_runs_no_more_queries_than_the_first(client, django_assert_num_queries, url):
    build, expected = LIST_QUERIES[url]
    for _ in range(5):
        build()
    _, links = read_page(client, f"{url}?ordering=-updated&page_size=2&confidence=medium")

    # … and one: the confidence facet, its filter in use, counts the results it counts over (capped)
    count_queries(client, django_assert_num_queries, url + links["next"], expected + 1)


@in_one_change
def vendor_with_linked_records(size):
    """A vendor whose agreements, designations and testing disclosures each have an event that does not
    link the vendor itself; and an agency that issued the designations."""
    vendor, agency = make_vendor(), make_agency()
    events = []
    for _ in range(size):
        agreement = make_agreement(vendors=[vendor])
        designation = make_designation(vendor=vendor, issuing_agency=agency)
        disclosure = make_testing_disclosure(vendors=[vendor])
        for field, target in (("agreement", agreement), ("designation", designation),
                              ("testing_disclosure", disclosure)):
            events.append(make_event(links=[(SUBJECT, field, target)]))
    make_event(links=[(SUBJECT, "designation", make_designation())])  # another vendor's: not shown
    return vendor, agency, events


@pytest.mark.parametrize("size", [1, 6])
def test_a_vendor_page_shows_every_event_of_its_records_in_the_same_queries(client, django_assert_num_queries, size):
    vendor, _, events = vendor_with_linked_records(size)
    # vendor · parties + agreements · designations · testing links + disclosures · events of the vendor and
    # of its agreements, designations and disclosures (one query) · own policies · content type of vendors ·
    # citations · sources · latest change (footer) · the agreements' reported amounts ·
    # notices · revisions with their total (issue 10) · its agreements by year (issue 11: the chart)
    count_queries(client, django_assert_num_queries, vendor.get_absolute_url(), 14)
    page = client.get(vendor.get_absolute_url()).content.decode()
    assert sorted(re.findall(r'href="/events/([^/"]+)/"', page)) == sorted(event.slug for event in events)


def test_an_agency_page_shows_the_events_of_the_designations_it_issued(client):
    _, agency, events = vendor_with_linked_records(1)
    designation_event = events[1]
    page = client.get(agency.get_absolute_url()).content.decode()
    assert f'href="/events/{designation_event.slug}/"' in page
