"""The schema endpoint (issue 14, defect 6): YAML or JSON as asked, the committed openapi.yaml's version, and
every error in the API's one JSON error shape."""

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.django_db
COMMITTED = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_format_json_gives_json_and_the_default_is_yaml(client):
    as_json = client.get("/api/v1/schema/?format=json")
    as_yaml = client.get("/api/v1/schema/")

    assert as_json.status_code == as_yaml.status_code == 200
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert as_json.json()["openapi"].startswith("3.")
    assert yaml.safe_load(as_yaml.content)["paths"].keys() == as_json.json()["paths"].keys()


def test_the_live_schema_has_the_committed_files_version(client):
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))

    assert client.get("/api/v1/schema/?format=json").json()["info"]["version"] == committed["info"]["version"]


@pytest.mark.parametrize(("query", "named"), [("?format=xml", "format"), ("?colour=blue", "colour")])
def test_a_bad_parameter_is_a_400_in_the_error_shape(client, query, named):
    response = client.get(f"/api/v1/schema/{query}")

    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert named in response.json()["error"]["fields"]


def test_an_unacceptable_accept_is_a_406_in_the_error_shape(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["status"] == 406
