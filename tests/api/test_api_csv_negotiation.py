"""A list is JSON or CSV, asked for with ?format=csv or Accept: text/csv (issue 14, defect 6: the two together
answered 406); a record is JSON only; errors keep the one JSON error shape whatever was asked for."""

import pytest

from tests.builders import make_agreement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "accept"), [("?format=csv", "text/csv"), ("?format=csv", "application/json"),
                                               ("", "text/csv"), ("?format=csv", "*/*")])
def test_a_list_answers_csv_when_asked_either_way(client, query, accept):
    deal = make_agreement()

    response = client.get(f"/api/v1/agreements/{query}", HTTP_ACCEPT=accept)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert deal.slug in b"".join(response.streaming_content).decode()


def test_without_either_a_list_is_json(client):
    make_agreement()

    assert client.get("/api/v1/agreements/", HTTP_ACCEPT="application/json, text/csv;q=0.5").json()["results"]


def test_a_record_is_json_only(client):
    deal = make_agreement()

    assert client.get(f"/api/v1/agreements/{deal.slug}/", HTTP_ACCEPT="text/csv").status_code == 406
    assert client.get(f"/api/v1/agreements/{deal.slug}/").json()["slug"] == deal.slug


def test_an_error_asked_for_as_csv_is_the_json_error_shape(client):
    response = client.get("/api/v1/agreements/?nope=1", HTTP_ACCEPT="text/csv")

    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "nope" in response.json()["error"]["fields"]
