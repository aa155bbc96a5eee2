"""CSV: one column definition per type; streamed; all matching rows; RFC 4180 quoting."""

import csv
import io

import pytest

from registry.interchange import record_types
from tests.builders import make_agency, make_agreement, make_vendor, one_change
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_every_record_type_registers_one_column_definition():
    assert all(t.csv is not None and t.csv.headers()[0] == "slug" for t in record_types())


def test_the_csv_parses_back_with_commas_quotes_and_newlines_intact(client):
    tricky = 'Deal, "quoted"\nsecond line'
    make_agreement(title=tricky, summary="a, b\r\nc \"d\"")

    [row] = read_csv(client.get("/agreements/csv/"))

    assert row["title"] == tricky
    assert row["summary"] == "a, b\r\nc \"d\""


def test_the_csv_has_every_matching_row_not_just_one_page(client):
    vendor = make_vendor(slug="acme")
    for _ in range(3):
        make_agreement(vendors=[vendor])
    make_agreement()  # not acme's

    rows = read_csv(client.get("/agreements/csv/?vendor=acme&page_size=1"))

    assert len(rows) == 3
    assert all(row["vendors"] == "acme (prime)" for row in rows)


def test_the_csv_leaves_out_drafts_and_retractions(client):
    make_agreement(title="Public")
    make_agreement(title="Draft", published=False)
    make_agreement(title="Retracted", retracted=True)

    assert [row["title"] for row in read_csv(client.get("/agreements/csv/"))] == ["Public"]


def test_undisclosed_amounts_are_empty_never_zero(client):
    make_agreement(title="Undisclosed")

    [row] = read_csv(client.get("/agreements/csv/"))

    assert row["ceiling_amount"] == "" and row["obligated_amount"] == ""


def test_a_malformed_filter_is_a_400_not_a_file(client):
    response = client.get("/agreements/csv/?announced_after=July")

    assert response.status_code == 400
    assert "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD" in response.content.decode()


@two_world_sizes
def test_the_csv_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows):
    with one_change():
        for _ in range(rows):
            make_agreement(vendors=[make_vendor()], participating=[make_agency()])
    response = client.get("/agreements/csv/")
    # agreements with awarding agency and parent · parties with their vendors · participating with their agencies
    # · reported amounts · citations with their sources (each link and its target in one query since issue 13)
    with django_assert_num_queries(5):
        read_csv(response)
