"""Two to four agreements side by side (/agreements/compare/?a=…&a=…): columns in the order asked, key facts,
one row per term category; every bad choice a 400 naming it; reachable from the agreements list and each
agreement's page; the same queries whatever the number of terms."""

import re
from html import unescape

import pytest

from contracts.models import PublicTerm
from tests.builders import (
    in_one_change,
    make_agency,
    make_agreement,
    make_amount,
    make_citation,
    make_marker,
    make_source,
    make_term,
    make_vendor,
)
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

DS = PublicTerm.Category.DOMESTIC_SURVEILLANCE


def compare(client, *slugs, status=200):
    query = "&".join(f"a={slug}" for slug in slugs)
    response = client.get(f"/agreements/compare/?{query}")
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def columns(html):
    """The titles heading the comparison's columns, in order."""
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    return [unescape(title) for title in re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', head)]


def row(html, label):
    """The visible words of each cell of the row headed ``label``."""
    for found in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html, re.S):
        if re.sub(r"<[^>]+>", "", found).startswith(label):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)
            return [" ".join(unescape(re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>", " ", cell,
                                             flags=re.S)).split()) for cell in cells]
    raise AssertionError(f"no row {label!r}")


@pytest.fixture
@in_one_change
def deals():
    lab = make_vendor(name="Lab")
    agency = make_agency(name="Office of AI")
    first = make_agreement(title="First deal", vendors=[lab], awarding_agency=agency, status="active",
                           ceiling_amount="200000000.00", ceiling_currency="USD")
    second = make_agreement(title="Second deal", awarding_agency=None, status="announced")
    third = make_agreement(title="Third deal")
    fourth = make_agreement(title="Fourth deal")
    source = make_source(title="The contract text")
    quoted = make_term(agreement=first, category=DS, effect="prohibits", text_form="verbatim",
                       binding="contract_clause", text="The Contractor shall not use the models for surveillance.")
    make_citation(quoted, source=source, quote="shall not use the models for surveillance", claims=["text"])
    make_term(agreement=first, category=DS, effect="permits", status="superseded")
    make_term(agreement=second, category=DS, effect="restricts", status="requested_and_refused",
              text="The vendor asked for an exception for domestic surveillance; it was refused.")
    make_term(agreement=third, category=DS, effect="silent")
    make_amount(second, "reported_award_value", "642000000.00")
    make_marker(agreement=first, title="Classified annex")
    return first, second, third, fourth


@pytest.mark.parametrize("count", [2, 3, 4])
def test_it_compares_two_three_or_four_agreements_in_the_order_asked(client, deals, count):
    chosen = list(reversed(deals))[:count]

    html = compare(client, *(deal.slug for deal in chosen))

    assert columns(html) == [deal.title for deal in chosen]
    assert len(row(html, "Domestic surveillance")) == count
    assert len(row(html, "Termination")) == count


def test_it_shows_key_facts_with_undisclosed_said_honestly(client, deals):
    first, second, *_ = deals

    html = compare(client, first.slug, second.slug)

    assert row(html, "Agencies") == ["Office of AI (awarding)", "no awarding agency (a partnership between companies)"]
    assert row(html, "Vendors")[0] == "Lab (prime)"
    assert row(html, "Status") == ["Active", "Announced"]
    assert row(html, "Ceiling") == ["$200,000,000", "undisclosed"]
    assert row(html, "Obligated") == ["undisclosed", "undisclosed"]
    assert row(html, "Other reported amounts") == ["none public", "$642,000,000 (reported award value)"]
    assert row(html, "Classified-addendum markers")[0].startswith("Classified annex")
    assert row(html, "Classified-addendum markers")[1] == "none recorded"


def test_each_term_row_shows_the_current_terms_marked_and_linked_and_refused_ones_as_such(client, deals):
    first, second, third, fourth = deals

    html = compare(client, first.slug, second.slug, third.slug, fourth.slug)
    cells = row(html, "Domestic surveillance")

    assert cells[0] == ("Prohibits (in force; contract clause) “The Contractor shall not use the models for "
                        "surveillance.” verbatim — source: The contract text")
    assert "Permits" not in cells[0]  # superseded
    assert cells[1].startswith("none known Restricts — requested, refused (requested and refused; reported)")
    assert "Paraphrase, in the registry's words: The vendor asked for an exception" in cells[1]
    assert cells[2].startswith("Silent (in force")
    assert cells[3] == "none known"
    assert re.search(r'<a href="/terms/term-\d+/"><strong>Prohibits</strong>', html)
    assert re.search(r'<a href="/sources/[^"]+/">The contract text</a>', html)


def test_its_permalink_is_the_url_with_the_slugs_in_order(client, deals):
    first, second, *_ = deals

    html = compare(client, second.slug, first.slug)

    assert (f'<a href="http://testserver/agreements/compare/?a={second.slug}&amp;a={first.slug}">' in html)


def test_a_pasted_address_counts_as_its_slug_and_empty_fields_are_skipped(client, deals):
    first, second, *_ = deals

    html = compare(client, f"https://registry.example.org/agreements/{first.slug}/", "", second.slug, "")

    assert columns(html) == ["First deal", "Second deal"]


@pytest.mark.parametrize(("chosen", "message"), [
    ((), "Choose at least two agreements to compare."),
    (("first",), "Choose at least one more agreement: a comparison needs two to four."),
    (("first", "second", "third", "fourth", "fifth"), "Choose at most four agreements (5 were chosen)."),
    (("first", "first"), "“first” was chosen more than once."),
    (("first", "no-such-deal"), "No public agreement has the slug “no-such-deal”"),
    (("first", "draft"), "No public agreement has the slug “draft”"),
    (("first", "retracted"), "No public agreement has the slug “retracted”"),
    (("first", "bad slug <b>"), "No public agreement has the slug “bad slug <b>”"),
])
def test_a_choice_that_cannot_be_compared_is_a_400_naming_the_problem(client, deals, chosen, message):
    names = {"first": deals[0].slug, "second": deals[1].slug, "third": deals[2].slug, "fourth": deals[3].slug,
             "fifth": make_agreement().slug, "draft": make_agreement(published=False).slug,
             "retracted": make_agreement(retracted=True).slug}
    slugs = [names.get(name, name) for name in chosen]

    response = client.get("/agreements/compare/", {"a": slugs})
    html = response.content.decode()

    assert response.status_code == 400
    expected = message.replace("“first”", f"“{names['first']}”")
    for name in ("draft", "retracted"):
        expected = expected.replace(f"“{name}”", f"“{names[name]}”")
    assert expected in unescape(html)
    assert "<b>" not in html  # echoed input stays text
    assert 'name="a"' in html  # the form to choose again


def test_the_agreements_list_has_a_compare_form_with_a_labelled_checkbox_per_row(client, deals):
    html = client.get("/agreements/").content.decode()

    form = re.search(r'<form class="compare-pick" method="get" action="/agreements/compare/".*?</form>', html, re.S)
    assert form, "no compare form"
    for deal in deals:
        assert (f'<input type="checkbox" name="a" value="{deal.slug}" id="pick-{deal.slug}">'
                f'<label class="visually-hidden" for="pick-{deal.slug}">Compare “{deal.title}”</label>') in form.group(0)
    assert "Compare selected" in form.group(0)


def test_the_list_pre_checks_an_agreement_to_compare_with_or_carries_it_when_not_on_the_page(client, deals):
    first, second, *_ = deals

    html = client.get(f"/agreements/?compare={first.slug}").content.decode()
    paged = client.get(f"/agreements/?compare={first.slug}&ordering=-title&page_size=1").content.decode()

    assert f'value="{first.slug}" id="pick-{first.slug}" checked>' in html
    assert f'<input type="hidden" name="a" value="{first.slug}">' not in html
    assert f'<input type="hidden" name="a" value="{first.slug}">' in paged  # "Third deal" is alone on page 1


def test_each_agreement_page_has_a_compare_with_form(client, deals):
    first = deals[0]

    html = client.get(first.get_absolute_url()).content.decode()
    form = re.search(r'<form class="compare-with".*?</form>', html, re.S).group(0)

    assert 'action="/agreements/compare/"' in form and 'method="get"' in form
    assert f'<input type="hidden" name="a" value="{first.slug}">' in form
    assert '<label for="compare-with-a">' in form
    assert f'href="/agreements/?compare={first.slug}"' in form


@pytest.fixture
@in_one_change
def compared(rows):
    """Four agreements, each with ``rows`` terms (quoted, with sources), amounts, parties and markers."""
    slugs = []
    for _ in range(4):
        deal = make_agreement(vendors=[make_vendor(), make_vendor()], participating=[make_agency()])
        for n in range(rows):
            term = make_term(agreement=deal, category=PublicTerm.Category.values[n % 13], text_form="verbatim")
            make_citation(term, claims=["text"])
            make_amount(deal, "reported_award_value", "1000.00", position=n)
            make_marker(agreement=deal)
        slugs.append(deal.slug)
    return slugs


@two_world_sizes
def test_the_comparison_runs_the_same_queries_for_any_number_of_terms(client, django_assert_num_queries, compared):
    url = "/agreements/compare/?" + "&".join(f"a={slug}" for slug in compared)
    client.get(url)  # warm the per-process caches (content types)
    # agreements (with awarding agency, parent) · parties+vendors · participating links · their agencies ·
    # amounts · shown terms · their citations with sources · public markers · latest change (footer)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert len(columns(response.content.decode())) == 4


def test_a_bad_choice_runs_no_query_beyond_the_check(client, django_assert_num_queries, deals):
    client.get("/agreements/compare/?a=x")
    # the one slug checked · latest change (footer); five slugs are refused before any query
    with django_assert_num_queries(2):
        assert client.get("/agreements/compare/?a=x").status_code == 400
    with django_assert_num_queries(1):
        assert client.get("/agreements/compare/?a=1&a=2&a=3&a=4&a=5").status_code == 400


def test_the_comparison_answers_every_hostile_choice_without_a_5xx_and_well_formed(client, deals):
    from tests.pages.test_page_fuzz import VALUES, check_html, encoded, failures_of

    good = f"a={deals[0].slug}&a={deals[1].slug}"
    hostile = [f"{good}&a={encoded(value)}" for value in VALUES] + [f"a={encoded(value)}&a={encoded(value)}x"
                                                                     for value in VALUES]
    hostile += [f"{good}&{encoded(value)}=1" for value in VALUES] + ["a", "a=&a=", "&&&=&==&a", "a=/&a=//", "a=%3F"]
    failures = failures_of(client, "/agreements/compare/", hostile, check_html)

    assert not failures, "\n".join(failures)
