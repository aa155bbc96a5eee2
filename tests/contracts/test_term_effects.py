"""``term_effect`` takes several effects (issue 11: the home page's "prohibits or restricts" links to one list):
one current term of the category with any of them; ``none`` stands alone."""

import pytest

from tests.builders import make_agreement, make_term

pytestmark = pytest.mark.django_db


def listed(client, query):
    page = client.get(f"/agreements/?{query}").content.decode()
    return {slug for slug in ("prohibits", "restricts", "permits", "mixed") if f'href="/agreements/{slug}/"' in page}


@pytest.fixture
def deals():
    for slug, effect in (("prohibits", "prohibits"), ("restricts", "restricts"), ("permits", "permits")):
        make_term(agreement=make_agreement(slug=slug), category="domestic_surveillance", effect=effect)
    mixed = make_agreement(slug="mixed")  # restricts autonomous weapons, permits surveillance: not one term with both
    make_term(agreement=mixed, category="autonomous_weapons", effect="restricts")
    make_term(agreement=mixed, category="domestic_surveillance", effect="permits")


def test_several_effects_select_agreements_with_one_term_of_any_of_them(client, deals):
    query = "term_category=domestic_surveillance&term_effect=prohibits&term_effect=restricts"

    assert listed(client, query) == {"prohibits", "restricts"}


def test_the_in_alias_reads_the_same(client, deals):
    assert listed(client, "term_category=domestic_surveillance&term_effect__in=prohibits,restricts") == {
        "prohibits", "restricts"}


def test_none_cannot_be_combined_with_an_effect(client, deals):
    response = client.get("/agreements/?term_category=domestic_surveillance&term_effect=none&term_effect=permits")

    assert response.status_code == 400
    assert "cannot be combined with an effect" in response.content.decode()


def test_the_api_takes_several_effects_too(client, deals):
    response = client.get("/api/v1/agreements/?term_category=domestic_surveillance&term_effect=prohibits"
                          "&term_effect=restricts")

    assert {row["slug"] for row in response.json()["results"]} == {"prohibits", "restricts"}
