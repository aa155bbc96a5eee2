"""Keyset pagination of the agreement, term, marker, vendor and agency lists, and the number of
queries every list and detail page runs, whatever the number of rows it shows."""

import datetime
import re
from contextlib import contextmanager
from decimal import Decimal
from html import unescape

import pytest
from django.db import transaction

from contracts.models import Agency, Agreement, ClassifiedAddendumMarker, PublicTerm, Vendor
from disclosures.models import Designation, DesignationAgreement, EventLink
from registry.pagination import encode_cursor
from registry.services import apply_change
from tests.builders import (
    PUBLISHED,
    _save,
    builder_user,
    make_agency,
    make_agreement,
    make_amount,
    make_citation,
    make_event,
    make_party,
    make_term,
    make_testing_disclosure,
    make_vendor,
    one_change,
    unique,
)
from tests.queries import LARGE, SMALL

pytestmark = pytest.mark.django_db


@contextmanager
def built_once(django_db_blocker):
    """Build a world once for a class of tests and roll it back afterwards (each test still runs in
    its own savepoint), as the seeded fixture does for the seed."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def dated(field, text):
    if text is None:
        return {field: None, f"{field}_precision": ""}
    parts = [int(p) for p in text.split("-")]
    return {field: datetime.date(*(parts + [1] * (3 - len(parts)))),
            f"{field}_precision": {1: "year", 2: "month", 3: "day"}[len(parts)]}


# tests.builders.make_marker / make_designation build a default agreement / vendor even when one is
# given (``fields.setdefault(key, make_…())`` runs first); these build only what is asked.

def make_marker(*, agreement, published=True, retracted=False, **fields):
    fields.setdefault("title", "Marker")
    fields.setdefault("existence", ClassifiedAddendumMarker.Existence.INFERRED)
    marker = ClassifiedAddendumMarker(slug=fields.pop("slug", unique("marker")), agreement=agreement,
                                      published_at=PUBLISHED if published else None, **fields)
    return _save(marker, retracted=retracted)


def make_designation(*, vendor, issuing_agency=None, affected=()):
    designation = _save(Designation(slug=unique("designation"), vendor=vendor, issuing_agency=issuing_agency,
                                    title="Designation", kind=Designation.Kind.SUPPLY_CHAIN_RISK_3252,
                                    status=Designation.Status.IN_EFFECT, published_at=PUBLISHED))
    for agreement in affected:
        apply_change(DesignationAgreement(designation=designation, agreement=agreement), user=builder_user(),
                     reason="test link")
    return designation


# --- paging ----------------------------------------------------------------------------------

@pytest.fixture(scope="class")
def rows(django_db_setup, django_db_blocker):
    """Rows of every type with equal sort values (ties) and empty ones (NULLs), plus a retracted and a
    draft row of each type that paging must never show."""
    with built_once(django_db_blocker):
        with one_change():
            agency = make_agency(slug="agency-top", name="Delta")
            for name in ("Alpha", "Alpha", "Bravo", "Charlie", "Bravo", "Echo"):
                make_agency(name=name, parent=agency)
            make_agency(name="Alpha", retracted=True)
            make_agency(name="Alpha", published=False)

            for name in ("Alpha", "Bravo", "Alpha", "Charlie", "Delta", "Bravo"):
                make_vendor(name=name)
            make_vendor(name="Alpha", retracted=True)
            make_vendor(name="Alpha", published=False)

            agreements = []
            for title, announced, ceiling in (
                ("Alpha", "2025-07-14", "200000000"), ("Bravo", "2025-07", None), ("Alpha", None, "200000000"),
                ("Charlie", "2025-07-14", "1000"), ("Delta", None, None), ("Echo", "2024", "5000000"),
                ("Bravo", "2025-07-14", None),
            ):
                agreements.append(make_agreement(
                    title=title, awarding_agency=agency, **dated("announced_on", announced),
                    ceiling_amount=Decimal(ceiling) if ceiling else None))
            make_agreement(title="Alpha", awarding_agency=agency, retracted=True)
            make_agreement(title="Alpha", awarding_agency=agency, published=False)

            for i, (title, category, effective) in enumerate((
                ("Alpha", "domestic_surveillance", "2025-07"), ("Alpha", "autonomous_weapons", None),
                ("Bravo", "domestic_surveillance", "2025-07-01"), ("Charlie", "other", None),
                ("Bravo", "autonomous_weapons", "2026"), ("Delta", "domestic_surveillance", "2025-07"),
            )):
                make_term(title=title, category=category, agreement=agreements[i % 3], **dated("effective_on", effective))
            make_term(title="Alpha", agreement=agreements[0], retracted=True)
            make_term(title="Alpha", agreement=agreements[0], published=False)
            make_term(title="Alpha", agreement=make_agreement(awarding_agency=agency, retracted=True))

            for i, (title, known) in enumerate((("Alpha", "2025-07"), ("Alpha", None), ("Bravo", "2025-07-01"),
                                                ("Charlie", None), ("Bravo", "2024"))):
                make_marker(title=title, agreement=agreements[i % 4], **dated("known_since", known))
            make_marker(title="Alpha", agreement=agreements[0], retracted=True)
            make_marker(title="Alpha", agreement=agreements[0], published=False)
        yield


LISTS = {
    "agreements": (Agreement, ("announced", "title", "ceiling", "updated")),
    "terms": (PublicTerm, ("title", "category", "effective", "updated")),
    "addendum-markers": (ClassifiedAddendumMarker, ("title", "known_since", "updated")),
    "vendors": (Vendor, ("name", "updated")),
    "agencies": (Agency, ("name", "updated")),
}
COLUMNS = {"announced": "announced_on", "title": "title", "ceiling": "ceiling_amount", "updated": "updated_at",
           "category": "category", "effective": "effective_on", "known_since": "known_since", "name": "name"}
ORDERINGS = [(path, f"{sign}{name}") for path, (_, names) in LISTS.items() for name in names for sign in ("", "-")]


def expected_order(model, ordering):
    """Public rows in the ordering, computed in Python: NULLs last either way, ties broken by id."""
    column, descending = COLUMNS[ordering.lstrip("-")], ordering.startswith("-")
    rows = list(model.objects.public().values_list("slug", column, "id"))
    present = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r[2]), reverse=descending)
    missing = sorted((r for r in rows if r[1] is None), key=lambda r: r[2], reverse=descending)
    return [slug for slug, _, _ in present + missing]


def read_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    slugs = re.findall(r'<th scope="row"><a href="/[a-z-]+/([^/"]+)/">', html)
    links = {rel: "?" + unescape(query) for rel, query in re.findall(r'rel="(next|prev)" href="\?([^"]*)"', html)}
    return slugs, links


class TestPaging:
    @pytest.mark.parametrize(("path", "ordering"), ORDERINGS)
    def test_paging_forward_and_back_shows_each_public_row_once_with_nulls_last(self, client, rows, path, ordering):
        model = LISTS[path][0]
        expected = expected_order(model, ordering)
        assert len(expected) >= 5

        pages, url = [], f"/{path}/?ordering={ordering}&page_size=2"
        while url:
            slugs, links = read_page(client, url)
            assert 1 <= len(slugs) <= 2
            pages.append(slugs)
            url = f"/{path}/{links['next']}" if "next" in links else None
        assert [slug for page in pages for slug in page] == expected

        backwards, url = [], f"/{path}/{links['prev']}"
        while url:
            slugs, links = read_page(client, url)
            backwards.insert(0, slugs)
            url = f"/{path}/{links['prev']}" if "prev" in links else None
        assert backwards == pages[:-1]

    @pytest.mark.parametrize("path", LISTS)
    def test_the_default_ordering_pages_the_same_way(self, client, rows, path):
        seen, url = [], f"/{path}/?page_size=2"
        while url:
            slugs, links = read_page(client, url)
            seen.extend(slugs)
            url = f"/{path}/{links['next']}" if "next" in links else None

        assert sorted(seen) == sorted(LISTS[path][0].objects.public().values_list("slug", flat=True))
        assert len(seen) == len(set(seen))

    @pytest.mark.parametrize("cursor", [
        "garbage", "!!!", encode_cursor("not a date", 1), encode_cursor("2025-07-14", "1"),
        encode_cursor(None, 1)[:-3], "eyJ2IjpudWxsfQ",  # {"v":null}: no id
    ])
    def test_an_invalid_cursor_is_a_400_with_a_message(self, client, rows, cursor):
        response = client.get(f"/agreements/?ordering=announced&cursor={cursor}")

        assert response.status_code == 400
        assert "This cursor is not valid: start again from the first page." in response.content.decode()

    def test_a_cursor_from_another_ordering_is_refused_not_a_500(self, client, rows):
        _, links = read_page(client, "/agreements/?ordering=title&page_size=2")
        cursor = links["next"].split("cursor=")[1]

        response = client.get(f"/agreements/?ordering=ceiling&page_size=2&cursor={cursor}")

        assert response.status_code == 400


# --- query counts ----------------------------------------------------------------------------

@pytest.fixture(scope="class", params=[SMALL, LARGE], ids=[f"{SMALL}-rows", f"{LARGE}-rows"])
def hub(request, django_db_setup, django_db_blocker):
    """A vendor, an agency and an agreement with ``n`` of everything hanging off them."""
    n = request.param
    with built_once(django_db_blocker):
        with one_change():
            department = make_agency(slug="department", name="Department", kind="department")
            office = make_agency(slug="office", name="Office", parent=department)
            vendor = make_vendor(slug="hub-vendor", name="Hub vendor")
            agreement = make_agreement(slug="hub", title="Hub agreement", awarding_agency=office, vendors=[vendor],
                                       participating=[department])
            first_term = make_term(slug="hub-term", agreement=agreement)
            first_marker = make_marker(slug="hub-marker", agreement=agreement)
            for _ in range(n):
                partner, sub = make_vendor(), make_agency(parent=department)
                make_party(agreement, partner, role="partner")
                child = make_agreement(awarding_agency=sub, parent=agreement, vendors=[vendor, partner],
                                       participating=[office])
                make_amount(child, "ceiling_increase", "1000000.00")
                make_amount(agreement, "reported_award_value", "2000000.00")
                term = make_term(agreement=agreement, category="autonomous_weapons", supersedes=first_term)
                make_term(vendor=vendor, category="acceptable_use_policy")
                make_term(agency=office, category="lawful_use_scope")
                marker = make_marker(agreement=agreement)
                make_designation(vendor=vendor, issuing_agency=office, affected=[agreement])
                make_testing_disclosure(agency=office, vendors=[vendor], agreements=[agreement])
                make_event(links=[(EventLink.Role.ACTOR, "vendor", vendor), (EventLink.Role.SUBJECT, "agreement", agreement),
                                  (EventLink.Role.SUBJECT, "agency", office), (EventLink.Role.SUBJECT, "agency", department),
                                  (EventLink.Role.SUBJECT, "term", first_term),
                                  (EventLink.Role.SUBJECT, "addendum_marker", first_marker),
                                  (EventLink.Role.SUBJECT, "term", term), (EventLink.Role.SUBJECT, "addendum_marker", marker)])
                for record in (agreement, vendor, office, first_term, first_marker):
                    make_citation(record, quote="a quote")
        yield n


class TestQueryCounts:
    """Pinned at two data sizes (the fixture runs every test with 2 and with 9 of everything)."""

    def count(self, client, django_assert_num_queries, url, expected):
        client.get(url)  # warm the per-process caches (content types)
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200

    @pytest.mark.parametrize(("url", "queries"), [
        # (+1: the ids the facet groups count over, read once as a list: registry/facets.Bases)
        # agreements · parties+vendors · public terms (a count per agreement of the page) · public markers (which
        # agreements of the page have one) · reported amounts · count (capped) · latest
        # change (footer) · one GROUP BY per facet group (issue 11: they replace the form's choice lists): agency,
        # awarding agency, vendor, vehicle, status, terms disclosure, federal data, amount kind, confidence
        ("/agreements/", 17),
        # … the same, plus the chosen agency and vendor (their slugs checked, one query each; the summary and
        # the chips reuse them; the agency tree is a subquery: Agency.objects.and_below, no query of its own) ·
        # for the agency and vendor facets (their filters in use), how many results each counts over (capped)
        ("/agreements/?vendor=hub-vendor&agency=department&term_category=autonomous_weapons", 21),
        ("/agreements/?page_size=2&ordering=-ceiling", 17),
        # terms (with agreement, agency, vendor) · count · latest change · facets: agreement, vendor, agency,
        # category, effect, binding-ness, status, confidence
        ("/terms/", 12),
        # markers (with agreement and its agency) · count · latest change · facets: agreement, vendor, agency,
        # existence, classification, confidence
        ("/addendum-markers/", 10),
        # vendors · their public parties · their public designations · count · latest change · facets: kind,
        # confidence
        ("/vendors/", 8),
        # agencies (with parent) · their public awarded agreements · count · latest change · facets: kind,
        # part of, confidence
        ("/agencies/", 8),
    ])
    def test_a_list_runs_the_same_queries_for_any_number_of_rows(self, client, django_assert_num_queries, hub,
                                                                  url, queries):
        self.count(client, django_assert_num_queries, url, queries)

    # Every detail page (issue 10): + its notices · + its newest revisions with their total (one query).
    @pytest.mark.parametrize(("url", "queries"), [
        # agreement (with awarding agency, parent) · parties+vendors · participating links · their agencies ·
        # public children · public terms · their citations with sources (footnotes of verbatim words) ·
        # public markers · public designation links with designations · public testing links with
        # disclosures · public event links with events · citations · sources · latest change ·
        # its reported amounts · its children's reported amounts
        ("/agreements/hub/", 18),
        # vendor · parties+agreements · designations · public testing links with disclosures ·
        # public event links with events · own policies · citations · sources · latest change ·
        # the agreements' reported amounts (issue 9: one more query, for the amount cells and totals) ·
        # its agreements by year (issue 11: the chart, one GROUP BY)
        ("/vendors/hub-vendor/", 13),
        # agency · sub-agencies · awarded agreements · participations+agreements · designations issued ·
        # testing disclosures · public event links with events · policies · citations · sources · latest change
        # · the awarded agreements' reported amounts (issue 9: one more query; none for an agency that awarded none)
        ("/agencies/office/", 14),
        ("/agencies/department/", 13),
        # term (with agreement, its agency, agency, vendor, supersedes) · superseded by ·
        # public event links with events · citations · sources · latest change
        ("/terms/hub-term/", 8),
        # marker (with agreement and its agency) · the agreement's parties+vendors ·
        # public event links with events · citations · sources · latest change
        ("/addendum-markers/hub-marker/", 8),
    ])
    def test_a_detail_page_runs_the_same_queries_for_any_number_of_related_rows(
            self, client, django_assert_num_queries, hub, url, queries):
        self.count(client, django_assert_num_queries, url, queries)

    def test_the_detail_pages_show_every_related_row(self, client, hub):
        agreement = client.get("/agreements/hub/").content.decode()
        vendor = client.get("/vendors/hub-vendor/").content.decode()
        department = client.get("/agencies/department/").content.decode()

        assert agreement.count('<li id="fn-') == hub + 1
        assert agreement.count('href="/addendum-markers/') == hub + 1
        assert vendor.count('href="/designations/designation-') == hub
        assert vendor.count('<tr>') == hub + 2  # header + the hub agreement + its children
        assert department.count('href="/agencies/') >= hub + 1  # its sub-agencies
