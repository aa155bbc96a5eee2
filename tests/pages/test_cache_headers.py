"""Cache headers a CDN can use (registry/http_caching.py): anonymous GETs of public pages carry
`Cache-Control: public, max-age=0, s-maxage=…`, `Vary: Cookie` and an ETag, and a current copy is answered
with a 304; errors, forms and logged-in pages never are, and stay private."""

import pytest

from registry.services import apply_change
from tests.builders import builder_user, make_agreement, make_user

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/agreements/", "/agreements/deal/", "/changes/", "/search/?q=deal", "/changes/feed/"]


@pytest.fixture
def deal():
    return make_agreement(slug="deal")


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture(params=[False, True], ids=["cache-off", "cache-on"])
def response_cache(request, settings):
    settings.RESPONSE_CACHE = request.param
    settings.CDN_CACHE_SECONDS = 60
    return request.param


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_it_gives_anonymous_pages_headers_a_cdn_can_use(client, deal, response_cache, url):
    response = client.get(url)

    assert response.status_code == 200
    assert directives(response) >= {"public", "max-age=0", "s-maxage=60"}
    assert "Cookie" in response["Vary"]
    assert response["ETag"].startswith('"')


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_it_answers_a_current_copy_with_304(client, deal, response_cache, url):
    etag = client.get(url)["ETag"]

    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_change_gives_a_new_etag(client, deal, response_cache):
    etag = client.get("/agreements/deal/")["ETag"]

    deal.title = "Renamed"
    apply_change(deal, user=builder_user(), reason="edit")

    fresh = client.get("/agreements/deal/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag and b"Renamed" in fresh.content


@pytest.mark.parametrize("url", ["/agreements/missing/", "/agreements/?announced_before=July"])
def test_errors_are_never_304_nor_shared(client, deal, response_cache, url):
    response = client.get(url, HTTP_IF_NONE_MATCH="*")

    assert response.status_code in {400, 404}
    assert not response.has_header("ETag")
    assert "s-maxage" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/account/login/", "/account/signup/"])
def test_forms_are_not_shared(client, response_cache, url):
    response = client.get(url)

    assert "s-maxage" not in response.get("Cache-Control", "") and not response.has_header("ETag")


def test_logged_in_pages_stay_private(client, deal, response_cache):
    client.force_login(make_user("reader"))

    response = client.get("/agreements/deal/")

    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response) and not any(d.startswith("s-maxage") for d in directives(response))
    assert client.get("/agreements/deal/", HTTP_IF_NONE_MATCH=response.get("ETag", '"x"')).status_code == 200


def test_streamed_pages_carry_no_shared_headers(client, deal, response_cache):
    response = client.get("/agreements/csv/")

    assert response.streaming and "s-maxage" not in response.get("Cache-Control", "")
