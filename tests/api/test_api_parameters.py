"""Every parameter is read once per request: one 400 names every bad one, whichever check it fails;
the guide's parameter table comes from the same declarations as the checks and the OpenAPI document."""

import re

import pytest

from registry.api.parameters import FILTERSET_SHARED, parameter_table
from registry.api_urls import router
from registry.pagination import encode_cursor
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db

MIXED = "fields=bogus&colour=blue&page_size=0&cursor=zzz&count=maybe"


def fields_of(response):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_parameters"
    return error["fields"]


def test_it_names_every_bad_parameter_of_a_list_at_once(client):
    make_agreement()

    fields = fields_of(client.get(f"/api/v1/agreements/?{MIXED}&vendor=nobody&include=everything"
                                  "&include_retracted=perhaps&updated_after=soon&format=xml&as_of=2026-01-01&q="))

    assert fields == {
        "fields": ["Unknown field(s): bogus."],
        "colour": ["Unknown parameter."],
        "page_size": ["Use a whole number from 1 to 500."],
        "cursor": ["This cursor is not valid: start again from the first page."],
        "count": ["Use true or false."],
        "vendor": fields["vendor"],  # the FilterSet's own message
        "include": ["Unknown: everything. Allowed: citations."],
        "include_retracted": ["Use true or false."],
        "updated_after": ["Use an RFC 3339 time (2026-03-01T12:00:00Z) or a date (2026-03-01)."],
        "format": ["Use json or csv."],
        "as_of": ["Unknown parameter."],  # details only
        "q": ["This parameter may not be empty: leave it out instead."],
    }


def test_it_names_every_bad_parameter_of_a_record_at_once(client):
    make_agreement(slug="deal")

    fields = fields_of(client.get(f"/api/v1/agreements/deal/?{MIXED}&as_of=last-tuesday&format=csv&omit=nothing"))

    assert fields == {
        "fields": ["Unknown field(s): bogus."],
        "omit": ["Unknown field(s): nothing."],
        "colour": ["Unknown parameter."],
        "page_size": ["Unknown parameter."],
        "cursor": ["Unknown parameter."],
        "count": ["Unknown parameter."],
        "as_of": ["Use an RFC 3339 time (2026-03-01T12:00:00Z) or a date (2026-03-01)."],
        "format": ["A record is json."],
    }


def test_it_names_every_bad_parameter_of_the_change_feed_at_once(client):
    fields = fields_of(client.get(f"/api/v1/changes/?{MIXED}&after=x&type=widget&format=csv"))

    assert fields == {
        "fields": ["Unknown parameter."],
        "colour": ["Unknown parameter."],
        "page_size": ["Use a whole number from 1 to 500."],
        "cursor": ["Unknown parameter."],
        "count": ["Unknown parameter."],
        "after": ["Use a whole number."],
        "type": [fields["type"][0]],
        "format": ["The change feed is json."],
    }
    assert fields["type"][0].startswith("Unknown record type. Use one of: agreement, term,")


def test_it_names_a_bad_cursor_with_a_bad_filter_reading_it_in_the_ordering_asked_for(client):
    make_agreement()
    title_cursor = encode_cursor("A title", 1)

    assert set(fields_of(client.get("/api/v1/agreements/?vendor=nobody&ordering=title&cursor=zzz"))) == {
        "vendor", "cursor"}
    assert set(fields_of(client.get(f"/api/v1/agreements/?vendor=nobody&ordering=title&cursor={title_cursor}"))) \
        == {"vendor"}
    assert client.get(f"/api/v1/agreements/?ordering=title&cursor={title_cursor}").status_code == 200
    # announced is a date: a title's cursor cannot be read in that ordering
    assert set(fields_of(client.get(f"/api/v1/agreements/?ordering=announced&cursor={title_cursor}"))) == {
        "cursor"}


def test_it_names_a_bad_ordering_without_judging_the_cursor_against_it(client):
    assert set(fields_of(client.get("/api/v1/agreements/?ordering=price&cursor=" + encode_cursor("x", 1)))) == {
        "ordering"}


@pytest.mark.parametrize("url", ["/api/v1/agreements/?vendor=nobody", "/api/v1/agreements/deal/?as_of=soon",
                                 "/api/v1/changes/?after=x"])
def test_it_answers_a_bad_parameter_with_a_400_even_when_the_client_has_a_copy(client, url):
    make_agreement(slug="deal")

    assert client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 400


# --- the parameter table ---

def guide_table(client):
    """The guide's table as {parameter: [cell per kind]}, each cell's text or None for —."""
    page = client.get("/about/api/").content.decode()
    table = re.search(r'<table id="parameter-table">(.*?)</table>', page, re.S).group(1)
    kinds = re.findall(r'<th scope="col">(.*?)</th>', table)[1:]
    rows = {}
    for name, cells in re.findall(r'<tr><th scope="row"><code>(\w+)</code></th>(.*?)</tr>', table, re.S):
        rows[name] = [None if cell == "—" else re.sub("<.*?>", "", cell) for cell in re.findall(r"<td>(.*?)</td>",
                                                                                                  cells, re.S)]
    return kinds, rows


def test_it_tabulates_the_shared_parameters_by_kind_of_endpoint_in_the_guide(client):
    kinds, rows = guide_table(client)

    assert kinds == ["Lists", "Records", "Change feed"]
    taken = {name: [kind for kind, cell in zip(kinds, cells, strict=True) if cell] for name, cells in rows.items()}
    assert taken == {
        "cursor": ["Lists"], "page_size": ["Lists", "Change feed"], "count": ["Lists"],
        "include_retracted": ["Lists"], "updated_after": ["Lists"], "fields": ["Lists", "Records"],
        "omit": ["Lists", "Records"], "include": ["Lists", "Records"],
        "format": ["Lists", "Records", "Change feed"], "q": ["Lists"], "ordering": ["Lists"],
        "as_of": ["Records"], "after": ["Change feed"], "type": ["Change feed"],
    }
    assert "csv" in rows["format"][0] and "csv" not in rows["format"][1].replace("no CSV", "")


KIND_URLS = {"Lists": "/api/v1/agreements/", "Records": "/api/v1/agreements/deal/", "Change feed": "/api/v1/changes/"}


def test_it_takes_on_each_kind_of_endpoint_exactly_the_parameters_its_column_lists(client):
    make_agreement(slug="deal")
    kinds, rows = parameter_table()

    for name, cells in rows:
        for kind, cell in zip(kinds, cells, strict=True):
            response = client.get(f"{KIND_URLS[kind]}?{name}=x")
            unknown = response.status_code == 400 and response.json()["error"]["fields"].get(name) == [
                "Unknown parameter."]
            assert unknown == (cell is None), (kind, name)


def test_it_lists_only_filterset_parameters_every_list_takes():
    for _, viewset, _ in router.registry:
        assert set(FILTERSET_SHARED) <= set(viewset.filterset_class().filters), viewset


def test_it_declares_the_same_parameters_in_the_openapi_document(client):
    kinds, rows = parameter_table()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    def documented(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}

    declared = {kind: {name for name, cells in rows if cells[n]} for n, kind in enumerate(kinds)}
    assert declared["Lists"] <= documented("/api/v1/agreements/")
    assert declared["Records"] == documented("/api/v1/agreements/{slug}/")
    assert declared["Change feed"] == documented("/api/v1/changes/")


def test_it_answers_options_without_reading_the_query(client):
    make_agreement(slug="deal")

    assert client.options("/api/v1/agreements/?page_size=2").status_code == 200
    assert client.options("/api/v1/agreements/deal/?as_of=2026-01-01").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/agreements/?fields=,", "/api/v1/agreements/deal/?fields=%1F"])
def test_it_refuses_fields_that_name_no_field(client, url):
    make_agreement(slug="deal")

    assert fields_of(client.get(url)) == {"fields": ["Name at least one field."]}
