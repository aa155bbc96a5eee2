"""PostgreSQL's stored ``search_vector`` column: the very vector the search expression computes, kept current
by every write, searched through its GIN index; and a search costs the same queries whatever it finds."""

import pytest
from django.db import connection

from contracts.models import Agreement, Vendor
from registry.interchange import record_types
from registry.search import StoredSearchVector, search, search_vector
from registry.services import apply_change, apply_changes
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
    one_change,
)
from tests.queries import queries_of, two_world_sizes

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.database("postgresql")  # the stored column is PostgreSQL's


def stored_words(record):
    """The lexemes of ``record``'s stored column, as PostgreSQL holds them now."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "search_vector" FROM "{record._meta.db_table}" WHERE "id" = %s', [record.pk])
        (vector,) = cursor.fetchone()
    return {item.split(":")[0].strip("'") for item in vector.split()}


def found(model, text):
    return set(search(model.objects.public(), text).values_list("slug", flat=True))


@postgresql_only
def test_it_keeps_the_stored_vector_current_when_a_record_is_saved_through_the_write_path():
    deal = make_agreement(slug="renamed", title="Echidna pilot", summary="Trials at sea.")
    assert {"echidna", "trial"} <= stored_words(deal)

    deal.title = "Platypus pilot"
    deal.summary = "Trials on land."
    apply_change(deal, user=builder_user(), reason="renamed in a test")

    assert {"platypus", "land"} <= stored_words(deal)
    assert not {"echidna", "sea"} & stored_words(deal)
    assert found(Agreement, "platypus") == {"renamed"}
    assert found(Agreement, "echidna") == set()


@postgresql_only
def test_it_keeps_the_stored_vector_current_when_records_are_written_in_bulk():
    """apply_changes writes with bulk_update: the column is PostgreSQL's to compute, however the row is written."""
    vendor = make_vendor(slug="quoll", name="Quoll Systems", aliases=["Pentagon Analytics LLC"])
    vendor.aliases = ["Wombat Federal"]
    vendor.notes = "Renamed in 2026."

    apply_changes([vendor], user=builder_user(), reason="new alias in a test")

    assert {"wombat", "feder", "renam"} <= stored_words(vendor)
    assert "pentagon" not in stored_words(vendor)
    assert found(Vendor, '"Wombat Federal"') == {"quoll"}
    assert found(Vendor, "pentagon") == set()


@pytest.fixture
def one_of_each_type():
    agreement = make_agreement(title="Kestrel pilot", summary="A pilot.", piid="HQ0034-26-C-0001",
                               vehicle_note="OTA", status_note="Active", value_note="Estimated", notes="**Note**")
    make_agency(name="Kestrel Office", acronym="KO", aliases=["Kestrel Bureau"], notes="n")
    make_vendor(name="Kestrel Labs", aliases=["Kestrel Inc.", "KL"], notes="n")
    make_term(agreement=agreement, title="Kestrel clause", text="No domestic surveillance.", notes="n")
    make_marker(agreement=agreement, title="Kestrel annex", described_subject="Targeting", notes="n")
    make_designation(title="Kestrel designation", authority_cited="10 U.S.C. § 3252", scope="All", notes="n")
    make_testing_disclosure(title="Kestrel test", summary="Red team", models_tested="K-1", model_version="1.0")
    make_event(title="Kestrel hearing", summary="Oral argument", court="D.D.C.", case_number="1:26-cv-1")
    make_source(title="Kestrel report", publisher="GAO", notes="n")


@postgresql_only
def test_the_stored_vector_is_exactly_the_search_vector_of_the_searched_fields(one_of_each_type):
    """So a database searched through the old expression index finds the same records through the column."""
    for record_type in record_types():
        model = record_type.model
        rows = model.objects.annotate(stored=StoredSearchVector(), computed=search_vector(model.search_fields))
        pairs = list(rows.values_list("stored", "computed"))

        assert pairs, record_type.name
        assert all(stored == computed for stored, computed in pairs), record_type.name
        assert found(model, "kestrel"), record_type.name


@postgresql_only
def test_each_type_has_a_gin_index_over_its_stored_column_that_its_search_uses():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for record_type in record_types():
            model = record_type.model
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            [index_name] = [name for name, c in constraints.items() if c["columns"] == ["search_vector"]]
            assert constraints[index_name]["type"] == "gin", index_name

            plan = search(model.objects.order_by(), "surveillance").explain()

            assert index_name in plan, plan
            assert "to_tsvector" not in plan, plan  # the column is read, not recomputed


@pytest.mark.database("sqlite")  # PostgreSQL's stored column is tested above
def test_sqlite_has_no_stored_column():
    with connection.cursor() as cursor:
        for record_type in record_types():
            table = record_type.model._meta.db_table
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            assert "search_vector" not in columns, table


# throttle window counter (one upsert) · latest change (ETag) · the page of matching agreements · agencies ·
# agreement agencies · parties · amounts
API_SEARCH_QUERIES = 7


@two_world_sizes
def test_the_api_search_runs_the_same_queries_for_any_number_of_results(client, rows):
    with one_change():
        for _ in range(rows):
            make_agreement(title="Dingo deal", summary="dingo")
        make_agreement(title="Other deal")

    searched = queries_of(client, "/api/v1/agreements/?q=dingo")
    listed = queries_of(client, "/api/v1/agreements/")

    assert len(client.get("/api/v1/agreements/?q=dingo").json()["results"]) == rows
    assert len(searched) == len(listed) == API_SEARCH_QUERIES, "\n".join(searched)
