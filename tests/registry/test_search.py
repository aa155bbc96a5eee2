"""Search: one syntax on both databases (words, "phrases", OR, -exclusion), aliases searched,
escaped highlights, a page that never fails, and on PostgreSQL a GIN index the queries can use."""

import importlib

import pytest
from django.db import connection

from contracts.models import Agency, Agreement
from registry.interchange import record_types
from registry.search import highlight, parse_query, search
from tests.builders import make_agency, make_agreement, make_event, make_term, make_vendor

pytestmark = pytest.mark.django_db


def found(queryset, text):
    return set(search(queryset, text).values_list("slug", flat=True))


def agreements(text):
    return found(Agreement.objects.public(), text)


@pytest.fixture
def deals():
    make_agreement(slug="maven", title="Maven Smart System expansion", summary="Targeting support for the Army.")
    make_agreement(slug="lattice", title="Lattice mesh prototype", summary="Counter-drone work for the Navy.")
    make_agreement(slug="frontier", title="Frontier AI prototype",
                   summary="Pilot on domestic surveillance safeguards with Anthropic models.")
    make_agreement(slug="reversed", title="Oversight pilot",
                   summary="Surveillance that is domestic in scope is excluded.")


def test_it_finds_records_by_a_word(deals):
    assert agreements("maven") == {"maven"}
    assert agreements("prototype") == {"lattice", "frontier"}


def test_it_needs_every_word(deals):
    assert agreements("prototype navy") == {"lattice"}


def test_it_finds_an_exact_phrase_and_not_the_same_words_apart(deals):
    assert agreements('"domestic surveillance"') == {"frontier"}
    assert agreements("domestic surveillance") == {"frontier", "reversed"}


def test_it_finds_either_word_with_or(deals):
    assert agreements("maven OR lattice") == {"maven", "lattice"}


def test_it_excludes_a_word_with_a_minus(deals):
    assert agreements("prototype -navy") == {"frontier"}
    assert agreements('pilot -"domestic surveillance"') == {"reversed"}


def test_it_reads_or_before_and_the_same_way_on_both_databases(deals):
    # (maven OR pilot) AND NOT anthropic — not maven OR (pilot AND NOT anthropic)
    assert agreements("maven OR pilot -anthropic") == {"maven", "reversed"}
    assert agreements("army OR navy prototype") == {"lattice"}


def test_it_searches_aliases():
    make_agency(slug="dod", name="Department of Defense", acronym="DoD", aliases=["Department of War"])
    make_agency(slug="army", name="Department of the Army", aliases=["War Department (historical)"])

    assert found(Agency.objects.public(), '"Department of War"') == {"dod"}


def test_it_never_finds_drafts_or_retracted_records_on_the_page(client):
    make_agreement(title="Zanzibar public deal")
    make_agreement(title="Zanzibar draft deal", published=False)
    make_agreement(title="Zanzibar retracted deal", retracted=True)

    page = client.get("/search/", {"q": "zanzibar"}).content.decode()

    assert "<mark>Zanzibar</mark> public deal" in page
    assert "draft deal" not in page and "retracted deal" not in page


def test_the_page_groups_results_by_type_with_counts_and_links(client):
    vendor = make_vendor(slug="quokka-ai", name="Quokka AI", aliases=["Quokka Public Sector LLC"])
    deal = make_agreement(title="Quokka pilot", vendors=[vendor])
    term = make_term(agreement=deal, title="Quokka usage limits", text="No quokka-based targeting.")

    page = client.get("/search/", {"q": "quokka"}).content.decode()

    assert '<h2 id="agreements-heading">Agreements <span class="muted">(1)</span></h2>' in page
    assert '<h2 id="terms-heading">Public terms <span class="muted">(1)</span></h2>' in page
    assert '<h2 id="vendors-heading">Vendors <span class="muted">(1)</span></h2>' in page
    assert f'href="{deal.get_absolute_url()}"><mark>Quokka</mark> pilot</a>' in page
    assert f'href="{term.get_absolute_url()}">' in page
    assert "Also known as <mark>Quokka</mark> Public Sector LLC" in page
    assert "events-heading" not in page  # types with no match are not shown


def test_the_page_shows_ten_per_type_and_links_to_the_list_for_the_rest(client):
    for number in range(12):
        make_event(title=f"Wombat hearing {number}")

    page = client.get("/search/", {"q": "wombat"}).content.decode()

    assert '<span class="muted">(12)</span>' in page
    assert page.count('<li><a href="/events/event-') == 10
    assert 'href="/events/?q=wombat">All 12 events matching' in page


def test_highlights_are_escaped_before_matches_are_marked(client):
    make_agreement(title="<script>alert(1)</script> Wallaby deal", summary="The <b>wallaby</b> clause & more.")

    page = client.get("/search/", {"q": "wallaby"}).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Wallaby</mark> deal" in page
    assert "The &lt;b&gt;<mark>wallaby</mark>&lt;/b&gt; clause &amp; more." in page


def test_highlight_marks_every_searched_word_and_phrase_but_not_exclusions():
    text = 'Domestic surveillance & "autonomous" weapons; Anthropic'
    marked = highlight(text, '"domestic surveillance" OR weapons -anthropic')

    assert str(marked) == ("<mark>Domestic surveillance</mark> &amp; &quot;autonomous&quot; <mark>weapons</mark>; "
                           "Anthropic")


@pytest.mark.parametrize("query", ['"', "-", "--", '-"', "OR", "a OR", "x" * 500, '"' * 501, "\\", "\x00nul",
                                   "(((", "&&&|!:*", "'", "the", "-the", "é" * 300, "😀 OR 🙂"])
def test_an_empty_or_absurd_query_never_fails(client, query):
    make_agreement(title="Quoll agreement")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "Search the registry" in response.content.decode()


def test_an_empty_query_asks_for_words_and_searches_nothing(client, django_assert_num_queries):
    make_agreement(title="Numbat deal")

    with django_assert_num_queries(1):  # latest change (footer)
        page = client.get("/search/", {"q": ' " - '}).content.decode()

    assert "enter at least one word" in page
    assert "Numbat deal" not in page


def test_parse_query_reads_words_phrases_or_and_exclusions():
    groups = parse_query('maven "domestic surveillance" OR weapons -anthropic -"side letter"')

    assert [[(t.text, t.negated) for t in group] for group in groups] == [
        [("maven", False)],
        [("domestic surveillance", False), ("weapons", False)],
        [("anthropic", True)],
        [("side letter", True)],
    ]


@pytest.mark.parametrize("rows", [2, 11])
def test_the_page_runs_one_query_per_type_whatever_the_number_of_matches(client, django_assert_num_queries, rows):
    for _ in range(rows):
        make_agreement(title="Dingo deal", summary="dingo")
    # latest change (footer) · one query per record type (first ten matches with the total): 9
    with django_assert_num_queries(1 + len(record_types())):
        client.get("/search/", {"q": "dingo"})


# --- the PostgreSQL index ------------------------------------------------------------------

MIGRATIONS = ["registry.migrations.0003_search_index", "contracts.migrations.0003_search_index",
              "disclosures.migrations.0003_search_index"]


def search_indexes():
    """{model label: (index name, fields)} from the three migrations."""
    indexes = {}
    for path in MIGRATIONS:
        module = importlib.import_module(path)
        app_label = path.split(".")[0]
        for model_name, spec in module.SEARCH_INDEXES.items():
            indexes[f"{app_label}.{model_name}"] = spec
    return indexes


def test_the_migrations_index_exactly_the_fields_each_model_searches():
    indexes = search_indexes()

    assert set(indexes) == {t.model._meta.label_lower for t in record_types()}
    for record_type in record_types():
        _, fields = indexes[record_type.model._meta.label_lower]
        assert tuple(fields) == tuple(record_type.model.search_fields), record_type.name


def test_each_type_has_a_gin_index_its_search_uses_on_postgresql_and_none_on_sqlite():
    indexes = search_indexes()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # The migrations do nothing here: SQLite searches with icontains and has no such index.
            for record_type in record_types():
                model = record_type.model
                index_name, _ = indexes[model._meta.label_lower]
                assert index_name not in connection.introspection.get_constraints(cursor, model._meta.db_table)
            return
        cursor.execute("SET LOCAL enable_seqscan = off")
        for record_type in record_types():
            model = record_type.model
            index_name, _ = indexes[model._meta.label_lower]
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert constraints[index_name]["type"] == "gin", index_name

            plan = search(model.objects.order_by(), "surveillance").explain()

            assert index_name in plan, plan
