"""Every CSV the registry writes (a list page's, the API's ?format=csv, the term matrix's, the bulk snapshot's)
names its columns as the API does and makes formula cells inert in text columns, never in typed ones."""

import csv
import io

import pytest

from registry.exports import FORMULA_TRIGGERS, Addresses, neutralise
from registry.interchange import by_name, record_types
from tests.builders import make_agency, make_agreement, make_source, make_vendor, one_change
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def unprefixed(cell):
    """What a reader does with a neutralised cell: one leading apostrophe before a formula character goes."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS) else cell


@pytest.mark.parametrize(("text", "written"), [
    (FORMULA, "'" + FORMULA), ("-40% of the budget", "'-40% of the budget"), ("+1 555", "'+1 555"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tindented", "'\tindented"), ("\rreturn", "'\rreturn"),
    ("Plain title", "Plain title"), ("a = b", "a = b"), ("", ""),
])
def test_it_prefixes_only_cells_that_start_like_a_formula(text, written):
    assert neutralise(text) == written
    assert unprefixed(written) == text


@pytest.fixture
def formulas():
    agency = make_agency(slug="cdao")
    return make_agreement(slug="formula", title=FORMULA, summary="-1 unit of the budget", awarding_agency=agency,
                          ceiling_amount="1000.00", vendors=[make_vendor(slug="acme", name="@acme")])


@pytest.mark.parametrize("url", ["/agreements/csv/", "/api/v1/agreements/?format=csv"])
def test_formula_cells_are_neutralised_and_typed_cells_untouched(client, formulas, url):
    [row] = read_csv(client.get(url))

    assert row["title"] == "'" + FORMULA
    assert row["summary"] == "'-1 unit of the budget"
    assert row["ceiling_amount"] == "1000.00"  # a number: never altered
    assert row["awarding_agency"] == "cdao"


def test_the_vendor_csv_neutralises_a_name(client, formulas):
    rows = {row["slug"]: row for row in read_csv(client.get("/vendors/csv/"))}

    assert rows["acme"]["name"] == "'@acme"


def test_the_term_matrix_csv_neutralises_the_title(client, formulas):
    [row] = read_csv(client.get("/terms/matrix/csv/"))

    assert row["title"] == "'" + FORMULA


@pytest.mark.parametrize("url", ["/agreements/csv/", "/api/v1/agreements/?format=csv", "/terms/matrix/csv/"])
def test_url_is_the_api_address_and_html_url_the_page_both_absolute(client, formulas, url):
    [row] = read_csv(client.get(url))

    assert row["url"] == "http://testserver/api/v1/agreements/formula/"
    assert row["html_url"] == "http://testserver/agreements/formula/"


def test_a_sources_web_address_is_source_url(client):
    make_source(slug="report", url="https://news.example.org/story")

    [row] = read_csv(client.get("/sources/csv/"))

    assert row["source_url"] == "https://news.example.org/story"
    assert row["url"] == "http://testserver/api/v1/sources/report/"
    assert row["html_url"] == "http://testserver/sources/report/"


def test_every_csv_starts_with_slug_url_and_html_url():
    assert all(t.csv.headers()[:3] == ["slug", "url", "html_url"] for t in record_types())


def test_every_column_has_a_table_schema_type_and_a_description():
    types = {"string", "integer", "number", "boolean", "date", "datetime"}
    for record_type in record_types():
        for column in record_type.csv.fields:
            assert column.type in types, (record_type.name, column.header)
            assert column.description, (record_type.name, column.header)


def test_typed_and_vocabulary_columns_are_never_text():
    fields = {column.header: column for column in by_name("agreement").csv.fields}

    assert fields["ceiling_amount"].type == "number" and not fields["ceiling_amount"].is_text
    assert fields["updated_at"].type == "datetime"
    assert fields["status"].enum and not fields["status"].is_text
    assert fields["awarding_agency"].references == "agency" and not fields["awarding_agency"].is_text
    assert fields["title"].is_text


def test_addresses_come_from_the_given_base():
    agreement = make_agreement(slug="deal")

    addresses = Addresses("https://registry.example.org/")

    assert addresses.api(agreement) == "https://registry.example.org/api/v1/agreements/deal/"
    assert addresses.page(agreement) == "https://registry.example.org/agreements/deal/"


@two_world_sizes
def test_the_api_csv_runs_the_same_queries_for_any_number_of_rows(client, django_assert_num_queries, rows):
    with one_change():
        for _ in range(rows):
            make_agreement(vendors=[make_vendor()], participating=[make_agency()])
    response = client.get("/api/v1/agreements/?format=csv")
    # agreements with awarding agency and parent · parties with their vendors · participating with their agencies
    # · reported amounts · citations with their sources (each link and its target in one query since issue 13)
    with django_assert_num_queries(5):
        read_csv(response)
