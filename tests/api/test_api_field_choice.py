"""fields= and omit= (issue 14, defect 4): a record always keeps its `slug` and `url`, which are all its
schema requires, and a blank choice is refused by name instead of answering empty records."""

import pytest
import yaml

from tests.builders import make_agreement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["fields=%20", "fields=%20%20,%20", "omit=%20", "fields=,", "include=%20"])
def test_a_blank_choice_is_a_400_naming_its_parameter(client, query):
    make_agreement()

    response = client.get(f"/api/v1/agreements/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/agreements/?fields=title", "/api/v1/agreements/{slug}/?fields=title",
                                  "/api/v1/agreements/?omit=slug,url,title", "/api/v1/agreements/{slug}/?omit=slug,url"])
def test_every_record_keeps_its_slug_and_url_whatever_is_chosen(client, path):
    deal = make_agreement()

    body = client.get(path.format(slug=deal.slug)).json()
    record = body["results"][0] if "results" in body else body

    assert record["slug"] == deal.slug and record["url"].endswith(f"/api/v1/agreements/{deal.slug}/")
    assert ("title" in record) == ("omit=slug,url,title" not in path)


def test_the_response_schemas_require_only_slug_and_url(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    for name, component in schema["components"]["schemas"].items():
        if "slug" in component.get("properties", {}) and "url" in component.get("properties", {}) \
                and not name.endswith("Request"):
            assert sorted(component.get("required", [])) == ["slug", "url"], name
