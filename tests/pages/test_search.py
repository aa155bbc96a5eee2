"""Search: one syntax on both databases (words, "phrases", OR, -exclusion), whole words with English
stemming, aliases searched, escaped highlights, a page that never fails, on PostgreSQL a GIN index
the queries can use and on SQLite FTS5 tables kept in step by triggers."""

import importlib

import pytest
from django.db import connection

from contracts.models import Agency, Agreement, Vendor
from registry.interchange import record_types
from registry.search import fts_in_step, fts_table, highlight, mentions, parse_query, repair_fts, search
from registry.services import apply_change
from tests.builders import (
    PUBLISHED,
    builder_user,
    make_agency,
    make_agreement,
    make_event,
    make_term,
    make_vendor,
    one_change,
)
from tests.queries import two_world_sizes

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


def test_past_its_count_limit_a_type_says_so_and_links_to_the_list_that_counts_further(client, monkeypatch):
    monkeypatch.setattr("registry.views.search.SEARCH_COUNT_LIMIT", 3)
    for number in range(5):
        make_event(title=f"Wombat hearing {number}")
    make_agreement(title="Wombat survey")

    page = client.get("/search/", {"q": "wombat"}).content.decode()

    assert '<h2 id="events-heading">Events <span class="muted">(3+)</span></h2>' in page
    assert '<span class="muted">(1)</span>' in page  # the agreements: under the limit, exact
    assert "<strong>4+</strong> records match" in page
    assert page.count('<li><a href="/events/event-') == 5  # every match is still listed (ten per type)
    assert 'href="/events/?q=wombat">All 3+ events matching' in page


@pytest.mark.database("postgresql")  # ranking is PostgreSQL's (SQLite lists the latest)
def test_the_ten_shown_are_the_best_ranked_of_the_latest_matches(client, monkeypatch):
    best = make_agreement(title="Numbat numbat numbat", summary="Numbat numbat numbat numbat.")
    for number in range(3):
        make_agreement(title=f"Numbat study {number}")

    ranked_all = client.get("/search/", {"q": "numbat"}).content.decode()
    monkeypatch.setattr("registry.views.search.RANKED_CANDIDATES", 2)
    ranked_latest = client.get("/search/", {"q": "numbat"}).content.decode()

    first_link = '<li><a href="/agreements/'
    ranked_all, ranked_latest = (page.split('id="agreements-heading"')[1] for page in (ranked_all, ranked_latest))
    assert ranked_all.split(first_link)[1].startswith(f"{best.slug}/")  # the best ranked, though the oldest
    assert f'href="{best.get_absolute_url()}"' not in ranked_latest  # not among the 2 latest matches
    assert ranked_latest.count(first_link) == 2
    assert '<span class="muted">(4)</span>' in ranked_latest  # the count is still of every match


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


@two_world_sizes
def test_the_page_runs_one_query_per_type_whatever_the_number_of_matches(client, django_assert_num_queries, rows):
    with one_change():
        for _ in range(rows):
            make_agreement(title="Dingo deal", summary="dingo")
    # latest change (footer) · one query per record type (first ten matches with the total): 9
    with django_assert_num_queries(1 + len(record_types())):
        client.get("/search/", {"q": "dingo"})


# --- the PostgreSQL index ------------------------------------------------------------------

MIGRATIONS = ["registry.migrations.0003_search_index", "contracts.migrations.0003_search_index",
              "disclosures.migrations.0003_search_index"]
# The stored column that replaced those expression indexes (tests/registry/test_search_vector.py tests it).
VECTOR_MIGRATIONS = ["registry.migrations.0015_search_vector", "contracts.migrations.0012_search_vector",
                     "disclosures.migrations.0011_search_vector"]


def search_indexes(migrations=MIGRATIONS, table="SEARCH_INDEXES"):
    """{model label: (index name, fields, …)} from the three migrations."""
    indexes = {}
    for path in migrations:
        module = importlib.import_module(path)
        app_label = path.split(".")[0]
        for model_name, spec in getattr(module, table).items():
            indexes[f"{app_label}.{model_name}"] = spec
    return indexes


@pytest.mark.parametrize("migrations, table", [(MIGRATIONS, "SEARCH_INDEXES"), (VECTOR_MIGRATIONS, "SEARCH_VECTORS")])
def test_the_migrations_index_exactly_the_fields_each_model_searches(migrations, table):
    indexes = search_indexes(migrations, table)

    assert set(indexes) == {t.model._meta.label_lower for t in record_types()}
    for record_type in record_types():
        fields = indexes[record_type.model._meta.label_lower][1]
        assert tuple(fields) == tuple(record_type.model.search_fields), record_type.name


def test_the_stored_columns_replace_exactly_the_expression_indexes():
    indexes, vectors = search_indexes(), search_indexes(VECTOR_MIGRATIONS, "SEARCH_VECTORS")
    assert {label: spec[2] for label, spec in vectors.items()} == {label: spec[0] for label, spec in indexes.items()}


def test_each_type_has_a_gin_index_its_search_uses_on_postgresql_and_none_on_sqlite():
    vectors = search_indexes(VECTOR_MIGRATIONS, "SEARCH_VECTORS")
    with connection.cursor() as cursor:
        for record_type in record_types():
            model = record_type.model
            index_name, _, replaced = vectors[model._meta.label_lower]
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            # The expression index is gone on PostgreSQL (the stored column's replaced it); SQLite never had
            # either: it searches its FTS5 tables.
            assert replaced not in constraints, replaced
            if connection.vendor != "postgresql":
                assert index_name not in constraints, index_name
                continue
            assert constraints[index_name]["type"] == "gin", index_name
            assert constraints[index_name]["columns"] == ["search_vector"], index_name
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            for record_type in record_types():
                model = record_type.model
                plan = search(model.objects.order_by(), "surveillance").explain()

                assert vectors[model._meta.label_lower][0] in plan, plan


# --- whole words, stemming and hostile queries, on both databases -----------------------------


@pytest.fixture
def words():
    make_agreement(slug="ledger", title="Ledger upgrade", summary="A transaction processing system.")
    make_agreement(slug="signals", title="Signals pilot", summary="Shared with the NSA for evaluation.")
    make_agreement(slug="grant", title="Research grant", summary="The award covers software licenses.")
    make_agreement(slug="wargame", title="Tabletop exercise", summary="A war game for planners.")
    make_agreement(slug="statute", title="Risk designation notice", summary="Under 10 U.S.C. § 3252 (supply chain).")


def test_it_matches_whole_words_never_inside_a_word(words):
    assert agreements("NSA") == {"signals"}  # not "transaction"
    assert agreements("war") == {"wargame"}  # not "award" nor "software"
    assert agreements("ward") == set()


def test_punctuation_is_not_a_word_and_a_section_sign_finds_the_number(words):
    assert agreements("§ 3252") == agreements("3252") == {"statute"}
    assert agreements('"§ 3252"') == {"statute"}
    assert agreements("§") == agreements("*") == set(Agreement.objects.public().values_list("slug", flat=True))


def test_it_stems_english_words(words):
    make_agreement(slug="contract", title="Support contract", summary="Cloud services.")

    assert agreements("contracts") == {"contract"}
    assert agreements("licensed") == agreements("license") == {"grant"}


def test_phrases_or_and_exclusions_match_whole_words(words):
    assert agreements('"war game"') == {"wargame"}
    assert agreements('"award game"') == set()
    assert agreements("war OR NSA") == {"wargame", "signals"}
    assert agreements("pilot OR exercise -war") == {"signals"}
    assert agreements("-war") == {"ledger", "signals", "grant", "statute"}


def test_it_searches_each_alias_as_words():
    make_vendor(slug="quoll", name="Quoll Systems", aliases=["Pentagon Analytics LLC", "QS Federal"])
    make_vendor(slug="other", name="Other Systems", aliases=[])

    assert found(Vendor.objects.public(), "pentagon") == {"quoll"}
    assert found(Vendor.objects.public(), '"QS Federal"') == {"quoll"}
    assert found(Vendor.objects.public(), "systems -analytics") == {"other"}


def test_records_written_again_or_deleted_are_found_by_their_current_words():
    deal = make_agreement(slug="renamed", title="Echidna pilot")
    deal.title = "Platypus pilot"
    apply_change(deal, user=builder_user(), reason="renamed in a test")

    assert agreements("platypus") == {"renamed"}
    assert agreements("echidna") == set()

    Agreement.objects.filter(pk=deal.pk).delete()
    assert agreements("platypus") == set()


def test_rows_written_in_bulk_are_found():
    agency = make_agency()
    Agreement.objects.bulk_create([Agreement(slug=f"bulk-{n}", title=f"Bandicoot batch {n}", awarding_agency=agency,
                                             published_at=PUBLISHED) for n in range(3)])

    assert agreements("bandicoot") == {"bulk-0", "bulk-1", "bulk-2"}


HOSTILE = ['"unbalanced', 'war"', '(war', 'war)', '"(" ")"', "war*", "*", "NEAR(war nsa)", "war NEAR nsa",
           "title:war", ":", "war:", "^war", "war AND", "AND", "NOT war", "war OR OR", "OR war", '""', '"-"',
           "- -war", "{war}", "[war]", "war + nsa", "'war'", "x\\", "\u200b", "a" * 300, '"' + "war " * 100]


@pytest.mark.parametrize("query", HOSTILE)
def test_a_hostile_query_finds_what_it_can_and_never_fails(client, query):
    make_agreement(title="Tabletop war game")

    assert client.get("/search/", {"q": query}).status_code == 200
    assert client.get("/agreements/", {"q": query}).status_code == 200
    assert client.get("/vendors/", {"q": query}).status_code == 200
    assert client.get("/api/v1/agreements/", {"q": query}).status_code == 200
    assert client.get("/api/v1/sources/", {"q": query}).status_code == 200


def test_hostile_queries_are_read_as_words(words):
    assert agreements('"war') == agreements("(war") == agreements("war*") == {"wargame"}
    assert agreements("NEAR(war nsa)") == set()  # "near", "war" and "nsa": no record has all three
    assert agreements("title:war") == set()  # "title" and "war": a column filter is just a word


def test_the_search_page_and_list_pages_find_whole_words(client, words):
    page = client.get("/search/", {"q": "war"}).content.decode()
    listing = client.get("/agreements/", {"q": "war"}).content.decode()
    api = client.get("/api/v1/agreements/", {"q": "war"}).json()

    assert "A <mark>war</mark> game for planners." in page
    assert "Research grant" not in page and "<mark>war</mark>d" not in page
    assert "Tabletop exercise" in listing and "Research grant" not in listing
    assert [row["slug"] for row in api["results"]] == ["wargame"]


def test_highlight_marks_whole_words_and_their_stems_only():
    assert str(highlight("The award covers software; war is declared.", "war")) == (
        "The award covers software; <mark>war</mark> is declared.")
    assert str(highlight("Two contracts, one contract.", "contract")) == (
        "Two <mark>contracts</mark>, one <mark>contract</mark>.")
    assert str(highlight("Under 10 U.S.C. § 3252.", "§ 3252")) == "Under 10 U.S.C. § <mark>3252</mark>."


def test_the_excerpt_is_a_field_holding_the_word_not_one_holding_it_inside_another():
    make_agreement(title="War planning", summary="An award for software.", status_note="Ongoing war games.")

    assert mentions("Ongoing war games.", "war") and not mentions("An award for software.", "war")


def test_the_search_help_lists_the_differences_between_the_databases(client):
    page = client.get("/search/").content.decode()

    assert "stop words" in page and "SQLite" in page and "PostgreSQL" in page


# --- the SQLite index ------------------------------------------------------------------------

FTS_MIGRATIONS = ["registry.migrations.0008_sqlite_fts", "contracts.migrations.0004_sqlite_fts",
                  "disclosures.migrations.0004_sqlite_fts"]


def test_the_fts_migrations_index_exactly_the_fields_each_model_searches():
    fields = {}
    for path in FTS_MIGRATIONS:
        module = importlib.import_module(path)
        for model_name, spec in module.SEARCH_FIELDS.items():
            fields[f"{path.split('.')[0]}.{model_name}"] = spec

    assert fields == {t.model._meta.label_lower: tuple(t.model.search_fields) for t in record_types()}


def test_each_type_has_its_fts_table_and_triggers_on_sqlite_and_none_on_postgresql():
    tables = set(connection.introspection.table_names())
    for record_type in record_types():
        model = record_type.model
        if connection.vendor != "sqlite":
            assert fts_table(model) not in tables
            continue
        assert fts_in_step(connection, model, model.search_fields), record_type.name


def test_a_search_index_that_lost_its_triggers_is_repaired_after_migrate():
    """SQLite's schema editor drops a table's triggers when it rebuilds the table; the post_migrate repair
    puts them back and re-indexes. PostgreSQL's GIN indexes are expressions over the table itself: nothing
    to lose, and the repair creates nothing there."""
    from django.apps import apps

    on_sqlite = connection.vendor == "sqlite"
    make_agreement(slug="kept", title="Kookaburra deal")
    if on_sqlite:
        with connection.cursor() as cursor:
            for trigger in ("insert", "update", "delete"):
                cursor.execute(f'DROP TRIGGER "contracts_agreement_fts_{trigger}"')
    make_agreement(slug="missed", title="Kookaburra addendum")
    assert agreements("kookaburra") == ({"kept"} if on_sqlite else {"kept", "missed"})

    repair_fts(sender=apps.get_app_config("registry"), using="default", apps=apps)

    if on_sqlite:
        assert fts_in_step(connection, Agreement, Agreement.search_fields)
    else:
        assert fts_table(Agreement) not in connection.introspection.table_names()
    assert agreements("kookaburra") == {"kept", "missed"}
