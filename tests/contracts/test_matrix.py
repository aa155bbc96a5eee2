"""The term comparison matrix (/terms/matrix/ and its CSV): what each cell says, the own-policy band,
the filters and the headline, bad parameters, and the queries it runs at two data sizes."""

import csv
import datetime
import io
import re
from html import unescape

import pytest

from contracts import filters, matrix
from contracts.models import PublicTerm
from tests.builders import in_one_change, make_agency, make_agreement, make_term, make_vendor
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

DS = PublicTerm.Category.DOMESTIC_SURVEILLANCE
AW = PublicTerm.Category.AUTONOMOUS_WEAPONS
CATEGORIES = PublicTerm.Category.values


def page_of(client, url="/terms/matrix/", status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def matrix_rows(html, table=0):
    """{row title: [cell text per category]} of the matrix's tables (0: agreements, 1: own policies)."""
    body = re.findall(r'<table class="records matrix[^"]*">(.*?)</table>', html, re.S)[table]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S):
        header = re.search(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', row)
        if header:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            rows[unescape(header.group(1))] = [words(cell) for cell in cells]
    return rows


def words(html):
    """A cell's visible words: tags and the screen-reader-only term titles dropped, spaces squeezed."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def cell(rows, title, category):
    return rows[title][CATEGORIES.index(category)]


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- cells -------------------------------------------------------------------------------------

def test_it_lists_every_current_effect_of_a_category_strongest_first_and_ignores_superseded_and_removed(client):
    deal = make_agreement(title="Several terms")
    old = make_term(agreement=deal, category=DS, effect="permits", status="superseded")
    make_term(agreement=deal, category=DS, effect="permits", text_form="verbatim")
    make_term(agreement=deal, category=DS, effect="prohibits", supersedes=old)
    make_term(agreement=deal, category=DS, effect="restricts", status="disputed")
    make_term(agreement=deal, category=DS, effect="silent", status="removed")
    make_term(agreement=deal, category=AW, effect="requires")

    rows = matrix_rows(page_of(client))

    assert cell(rows, "Several terms", DS) == ("prohibits (paraphrase) restricts — disputed (paraphrase) "
                                               "permits (verbatim)")
    assert cell(rows, "Several terms", AW) == "requires (paraphrase)"
    assert cell(rows, "Several terms", PublicTerm.Category.DATA_RIGHTS) == "none known"


def test_each_effect_links_to_its_term_with_the_term_named_for_screen_readers(client):
    term = make_term(agreement=make_agreement(title="Linked"), category=DS, effect="prohibits",
                     title="No bulk collection")

    html = page_of(client)

    assert (f'<a href="/terms/{term.slug}/">prohibits<span class="visually-hidden">: No bulk collection</span></a>'
            in html)


def test_none_known_is_not_silent(client):
    make_term(agreement=make_agreement(title="Says nothing"), category=DS, effect="silent")
    make_agreement(title="No term at all")

    rows = matrix_rows(page_of(client))

    assert cell(rows, "Says nothing", DS) == "silent (paraphrase)"
    assert cell(rows, "No term at all", DS) == "none known"


def test_refused_and_proposed_terms_are_shown_as_such_never_as_in_force(client):
    deal = make_agreement(title="Asked and refused")
    make_term(agreement=deal, category=DS, effect="restricts", status="requested_and_refused")
    make_term(agreement=deal, category=AW, effect="prohibits", status="proposed")
    make_term(agreement=deal, category=AW, effect="permits")

    rows = matrix_rows(page_of(client))

    assert cell(rows, "Asked and refused", DS) == "none known restricts — requested, refused (paraphrase)"
    assert cell(rows, "Asked and refused", AW) == "permits (paraphrase) prohibits — proposed (paraphrase)"


def test_drafts_and_retracted_agreements_and_terms_stay_out(client):
    deal = make_agreement(title="Public deal")
    make_term(agreement=deal, category=DS, effect="prohibits", published=False)
    make_term(agreement=deal, category=DS, effect="restricts", retracted=True)
    make_agreement(title="Draft deal", published=False)
    make_agreement(title="Retracted deal", retracted=True)

    rows = matrix_rows(page_of(client))

    assert list(rows) == ["Public deal"]
    assert cell(rows, "Public deal", DS) == "none known"


def test_own_policies_are_a_separate_labelled_band_and_never_agreement_terms(client):
    vendor, agency = make_vendor(name="Lab"), make_agency(name="Department", acronym="")
    deal = make_agreement(title="Lab deal", vendors=[vendor], awarding_agency=agency)
    make_term(vendor=vendor, category=DS, effect="prohibits", title="Usage policy")
    make_term(agency=agency, category=AW, effect="requires", title="Directive")

    html = page_of(client)
    agreements, policies = matrix_rows(html, 0), matrix_rows(html, 1)

    assert "Agencies' and vendors' own policies" in html
    assert cell(agreements, "Lab deal", DS) == "none known"
    assert cell(policies, "Department", AW) == "requires (paraphrase)"
    assert cell(policies, "Lab", DS) == "prohibits (paraphrase)"
    assert "agency policy" in html and "vendor policy" in html
    assert matrix.headline(DS)["none_known"] == 1
    assert deal.slug not in str(policies)


def test_the_policy_band_follows_the_vendor_and_agency_filters(client):
    chosen, other = make_vendor(name="Chosen lab"), make_vendor(name="Other lab")
    department = make_agency(name="Department", slug="department")
    office = make_agency(name="Office", parent=department)
    make_agreement(vendors=[chosen])
    for owner in ({"vendor": chosen}, {"vendor": other}, {"agency": office}):
        make_term(category=DS, **owner)

    by_vendor = matrix_rows(page_of(client, f"/terms/matrix/?vendor={chosen.slug}"), 1)
    by_agency = matrix_rows(page_of(client, "/terms/matrix/?agency=department"), 1)

    assert list(by_vendor) == ["Chosen lab"]
    assert list(by_agency) == ["Office"]  # sub-agencies included, as the agency filter means


# --- filters and headline -----------------------------------------------------------------------

@pytest.fixture
@in_one_change
def world():
    lab, other_lab = make_vendor(slug="lab", name="Lab"), make_vendor(slug="other-lab", name="Other lab")
    department = make_agency(slug="dept", name="Department")
    deals = {
        "prohibits": make_agreement(title="Prohibits deal", vendors=[lab], awarding_agency=department,
                                    status="active", announced_on=datetime.date(2025, 7, 1), announced_on_precision="month"),
        "restricts": make_agreement(title="Restricts deal", vendors=[lab], status="active",
                                    announced_on=datetime.date(2026, 1, 14), announced_on_precision="day"),
        "permits": make_agreement(title="Permits deal", vendors=[other_lab], status="announced",
                                  announced_on=datetime.date(2024, 1, 1), announced_on_precision="year"),
        "disputed": make_agreement(title="Disputed deal", vendors=[other_lab], status="active"),
        "refused": make_agreement(title="Refused deal", vendors=[lab], awarding_agency=department),
        "none": make_agreement(title="Silent deal", vendors=[other_lab], status="active"),
    }
    make_term(agreement=deals["prohibits"], category=DS, effect="prohibits")
    make_term(agreement=deals["restricts"], category=DS, effect="restricts", text_form="verbatim")
    make_term(agreement=deals["permits"], category=DS, effect="permits")
    make_term(agreement=deals["disputed"], category=DS, effect="restricts", status="disputed")
    make_term(agreement=deals["refused"], category=DS, effect="restricts", status="requested_and_refused")
    # a modification's own restriction is listed but not counted in the headline
    modification = make_agreement(title="Modification", parent=deals["permits"], vendors=[other_lab])
    make_term(agreement=modification, category=DS, effect="prohibits")
    return deals


def test_the_headline_counts_top_level_agreements_by_what_their_terms_in_force_do(world):
    assert matrix.headline(DS) == {"category": DS, "label": "Domestic surveillance", "agreements": 6,
                                   "restricting": 2, "disputed": 1, "other_effects": 1, "none_known": 2}
    assert matrix.headline(AW)["none_known"] == 6


def test_the_highlight_answers_which_agreements_restrict_domestic_surveillance_in_one_view(client, world):
    html = page_of(client, "/terms/matrix/?term_category=domestic_surveillance&term_effect=restricts")
    headline = words(re.search(r'<p class="headline".*?</p>', html, re.S).group(0))

    assert list(matrix_rows(html)) == ["Restricts deal", "Disputed deal"]  # a disputed term is current, shown so
    assert headline.startswith("2 of 6 top-level agreements restrict or prohibit domestic surveillance by a term in "
                               "force")
    assert "1 more by a disputed term" in headline
    assert "1 has only other effects" in headline
    assert "2 say nothing public" in headline
    assert 'term_category=domestic_surveillance&amp;term_effect=none">no current term known' in html
    assert '<th scope="col" class="highlight">Domestic surveillance</th>' in html


def test_none_lists_the_agreements_with_no_current_term_refused_ones_included(client, world):
    rows = matrix_rows(page_of(client, "/terms/matrix/?term_category=domestic_surveillance&term_effect=none"))

    assert sorted(rows) == ["Refused deal", "Silent deal"]


def test_the_headline_counts_only_what_the_other_filters_select(client, world):
    html = page_of(client, "/terms/matrix/?vendor=lab&term_category=domestic_surveillance")

    assert sorted(matrix_rows(html)) == ["Prohibits deal", "Restricts deal"]  # those with a current term in it
    assert "2 of 3 top-level agreements matching the other filters restrict or prohibit" in words(html)
    assert "vendor=lab&amp;term_category=domestic_surveillance&amp;term_effect=prohibits" in html


@pytest.mark.parametrize(("query", "titles"), [
    ("vendor=other-lab", ["Disputed deal", "Modification", "Permits deal", "Silent deal"]),
    ("agency=dept", ["Prohibits deal", "Refused deal"]),
    ("status=announced", ["Permits deal"]),
    ("status=active&vendor=lab", ["Prohibits deal", "Restricts deal"]),
    ("date_after=2025-07&date_before=2025", ["Prohibits deal"]),
    ("date_before=2024", ["Permits deal"]),
    ("vendor__in=lab,other-lab&term_category=domestic_surveillance&term_effect=prohibits",
     ["Modification", "Prohibits deal"]),
])
def test_it_filters_with_the_agreement_filters_meaning(client, world, query, titles):
    assert sorted(matrix_rows(page_of(client, f"/terms/matrix/?{query}"))) == titles


def test_filters_the_matrix_does_not_take_are_ignored_like_any_unknown_parameter(client, world):
    html = page_of(client, "/terms/matrix/?vehicle=bogus&utm_source=x")

    assert len(matrix_rows(html)) == 7
    assert 'name="vehicle"' not in html


@pytest.mark.parametrize(("query", "message"), [
    ("term_effect=bogus", "Select a valid choice"),
    ("term_category=nope", "Select a valid choice"),
    ("term_effect=none", "'No current term' needs a term category."),
    ("date_after=2025-13", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."),
    ("vendor=no-such-vendor", "no-such-vendor"),
    ("status=unknownish", "Select a valid choice"),
    ("ordering=price", "Select a valid choice"),
    ("page_size=0", "page_size must be a whole number"),
    ("cursor=garbage", "This cursor is not valid"),
])
def test_bad_parameters_are_a_400_naming_the_problem(client, world, query, message):
    html = page_of(client, f"/terms/matrix/?{query}", status=400)

    assert message in unescape(html)
    assert "Current terms of each agreement" not in html


@pytest.mark.parametrize("query", ["term_effect=bogus", "date_before=yesterday", "term_effect=none"])
def test_the_csv_refuses_bad_filters_with_a_400(client, world, query):
    assert client.get(f"/terms/matrix/csv/?{query}").status_code == 400


def test_it_pages_its_rows_with_the_keyset_paginator(client, world):
    seen, url = [], "/terms/matrix/?page_size=2&ordering=title"
    while url:
        html = page_of(client, url)
        seen += list(matrix_rows(html))
        next_link = re.search(r'rel="next" href="\?([^"]*)"', html)
        url = f"/terms/matrix/?{unescape(next_link.group(1))}" if next_link else None

    assert seen == sorted(seen) and len(seen) == 7


# --- CSV ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "vendor=lab", "term_category=domestic_surveillance&term_effect=restricts",
                                   "status=active&ordering=title"])
def test_the_csv_is_exactly_the_filtered_matrix(client, world, query):
    html = page_of(client, f"/terms/matrix/?page_size=500&{query}")
    rows = read_csv(client.get(f"/terms/matrix/csv/?{query}"))

    page_rows = matrix_rows(html)
    assert [row["title"] for row in rows] == list(page_rows)
    for row in rows:
        for n, category in enumerate(CATEGORIES):
            assert row[category] == re.sub(r" \((verbatim|paraphrase)\)", ";", page_rows[row["title"]][n]
                                           ).rstrip(";").replace("none known restricts", "none known; restricts")


def test_the_csv_says_each_effect_in_words(client, world):
    rows = {row["title"]: row for row in read_csv(client.get("/terms/matrix/csv/"))}

    assert rows["Disputed deal"][DS] == "restricts — disputed"
    assert rows["Refused deal"][DS] == "none known; restricts — requested, refused"
    assert rows["Permits deal"][AW] == "none known"
    assert rows["Modification"]["parent"] == world["permits"].slug
    assert rows["Prohibits deal"]["best_known"] == "2025-07"
    assert rows["Prohibits deal"]["html_url"] == f"http://testserver/agreements/{world['prohibits'].slug}/"
    assert rows["Prohibits deal"]["url"] == f"http://testserver/api/v1/agreements/{world['prohibits'].slug}/"


def test_the_csv_file_name_says_what_it_holds(client, world, settings):
    plain = client.get("/terms/matrix/csv/")["Content-Disposition"]
    filtered = client.get("/terms/matrix/csv/?term_category=domestic_surveillance&term_effect=restricts"
                          "&vendor=lab&date_after=2025")["Content-Disposition"]

    assert re.fullmatch(r'attachment; filename="term-matrix-\d{4}-\d{2}-\d{2}\.csv"', plain)
    assert re.fullmatch(r'attachment; filename="term-matrix-domestic-surveillance-restricts-vendor-lab-after-2025-'
                        r'\d{4}-\d{2}-\d{2}\.csv"', filtered)


# --- links -------------------------------------------------------------------------------------

def test_the_terms_and_agreements_lists_and_the_navigation_link_the_matrix(client):
    for url in ("/terms/", "/agreements/"):
        html = page_of(client, url)
        intro = re.search(r'<p class="lede">.*?</p>', html, re.S).group(0)
        assert 'href="/terms/matrix/"' in intro, url
    assert '<li><a href="/terms/matrix/">Term matrix</a></li>' in page_of(client, "/")


# --- queries -----------------------------------------------------------------------------------

@pytest.fixture
@in_one_change
def rows_of_terms(rows):
    """``rows`` agreements with several terms each, an own policy per vendor, and a modification."""
    lab = make_vendor(slug="q-lab")
    department = make_agency(slug="q-dept")
    for n in range(rows):
        deal = make_agreement(vendors=[lab, make_vendor()], awarding_agency=department,
                              announced_on=datetime.date(2025, n % 12 + 1, 1), announced_on_precision="month")
        make_term(agreement=deal, category=DS, effect="prohibits")
        make_term(agreement=deal, category=AW, effect="restricts", status="requested_and_refused")
        make_term(agreement=deal, category=AW, effect="permits", text_form="verbatim")
        make_term(vendor=lab, category=PublicTerm.Category.ACCEPTABLE_USE_POLICY)
        make_term(agency=department, category=PublicTerm.Category.LAWFUL_USE_SCOPE)
    return rows


@two_world_sizes
@pytest.mark.parametrize(("url", "queries"), [
    # (+1: the ids the facet groups count over, read once as a list: registry/facets.Bases)
    # the page of agreements (with awarding agency and parent) · their parties with vendors · their shown terms ·
    # count (capped) · the agency, vendor and status facets (one GROUP BY each; no list of every vendor or agency) ·
    # own policies · latest change (footer)
    ("/terms/matrix/", 10),
    # … and the chosen vendor and agency, each read once by the filter (the summary names them from that read) ·
    # for each, how many results its facet counts over (capped) · the headline (the agreements it counts · their
    # terms in the category)
    ("/terms/matrix/?vendor=q-lab&agency=q-dept&term_category=domestic_surveillance&term_effect=prohibits", 16),
    # … and how many results the status facet counts over (capped)
    ("/terms/matrix/?page_size=1&ordering=title&status=unknown&date_before=2100", 11),
])
def test_the_matrix_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows_of_terms,
                                                                  url, queries):
    client.get(url)  # warm the per-process caches (content types)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if "page_size" not in url:
        assert len(matrix_rows(response.content.decode())) == rows_of_terms


@two_world_sizes
@pytest.mark.parametrize(("url", "queries"), [
    # agreements (with awarding agency and parent, in one chunk) · their parties with vendors · their shown terms
    ("/terms/matrix/csv/", 3),
    # … and the chosen vendor, checked
    ("/terms/matrix/csv/?vendor=q-lab&term_category=domestic_surveillance", 4),
])
def test_the_csv_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows_of_terms,
                                                               url, queries):
    client.get(url)
    with django_assert_num_queries(queries):
        rows = read_csv(client.get(url))
    assert len(rows) == rows_of_terms


def test_the_matrix_and_its_csv_answer_every_hostile_query_without_a_5xx_and_well_formed(client, world):
    from tests.pages.test_page_fuzz import SHORT, check_csv, check_html, failures_of, queries

    parameters = [*filters.TermMatrixFilterSet(None).filters, "cursor", "page_size"]
    failures = [*failures_of(client, "/terms/matrix/", queries(parameters), check_html),
                *failures_of(client, "/terms/matrix/csv/", queries(parameters, alone=["9" * 3000], together=SHORT),
                             check_csv)]

    assert not failures, "\n".join(failures)
