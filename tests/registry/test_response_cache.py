"""The response cache (registry/response_cache.py): anonymous GETs of the API and the public pages are kept
under the latest public change id, so the next identical request runs fewer queries and gets the same body,
and a change is visible on the very next request. Never a logged-in, token or streamed response; throttling
still applies; RESPONSE_CACHE=false turns it off."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.services import apply_change
from tests.builders import builder_user, make_agreement, make_user

pytestmark = pytest.mark.django_db

API_LIST = "/api/v1/agreements/?page_size=5"
API_DETAIL = "/api/v1/agreements/deal/"
CHANGES = "/api/v1/changes/"
PAGE = "/agreements/deal/"
LIST_PAGE = "/agreements/"


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE = True
    settings.RESPONSE_CACHE_SECONDS = 300


@pytest.fixture
def deal():
    return make_agreement(slug="deal", title="The first title")


def fetched(client, url, **headers):
    """The response and the number of queries it took (the throttle's window counter is warmed first)."""
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def rename(agreement, title):
    agreement.title = title
    apply_change(agreement, user=builder_user(), reason="edit")


@pytest.mark.parametrize("url", [API_LIST, API_DETAIL, CHANGES, PAGE, LIST_PAGE, "/", "/changes/feed/"])
def test_it_serves_the_kept_response_with_fewer_queries_and_the_same_body(client, deal, url):
    first, first_queries = fetched(client, url)
    second, second_queries = fetched(client, url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second_queries < first_queries
    _, not_modified_queries = fetched(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second_queries <= not_modified_queries + 1  # what a 304 costs, and the cache read


@pytest.mark.parametrize("url", [API_DETAIL, API_LIST, PAGE, LIST_PAGE])
def test_it_shows_a_change_on_the_very_next_request(client, deal, url):
    assert b"The first title" in client.get(url).content
    assert b"The first title" in client.get(url).content  # now from the cache

    rename(deal, "A corrected title")

    fresh = client.get(url)
    assert b"A corrected title" in fresh.content and b"The first title" not in fresh.content


def test_it_keeps_each_query_string_apart(client, deal):
    make_agreement(slug="other")

    assert client.get("/api/v1/agreements/?page_size=1").json()["results"] != \
        client.get("/api/v1/agreements/?page_size=2").json()["results"]


def test_it_never_keeps_a_logged_in_page(client, deal):
    client.force_login(make_user("reader"))
    logged_in, _ = fetched(client, PAGE)
    again, again_queries = fetched(client, PAGE)
    client.logout()
    anonymous, _ = fetched(client, PAGE)

    assert b"Log out" in logged_in.content and b"Log out" in again.content
    assert b"Log out" not in anonymous.content  # the logged-in copy was not kept for anyone
    assert "private" in again["Cache-Control"]


def test_it_never_serves_a_kept_page_to_a_logged_in_reader(client, deal):
    client.get(PAGE)
    client.get(PAGE)  # kept
    client.force_login(make_user("reader"))

    assert b"Log out" in client.get(PAGE).content


def test_it_never_keeps_a_token_holders_api_response(client, deal, capsys):
    make_user("alice")
    call_command("create_token", "alice")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}

    client.get(API_DETAIL, **auth)  # the token's own throttle window and its first use
    _, first_queries = fetched(client, API_DETAIL, **auth)
    _, second_queries = fetched(client, API_DETAIL, **auth)

    assert second_queries == first_queries
    _, anonymous_first = fetched(client, API_DETAIL)
    _, anonymous_second = fetched(client, API_DETAIL)
    assert anonymous_second < anonymous_first  # the anonymous copy was not the token holder's


@pytest.mark.parametrize("url", ["/api/v1/agreements/?format=csv", "/agreements/csv/"])
def test_it_never_keeps_a_streamed_response(client, deal, url):
    first, first_queries = fetched(client, url)
    second, second_queries = fetched(client, url)

    assert first.streaming and second.streaming
    assert body(second) == body(first)
    assert second_queries == first_queries


def test_throttling_still_applies_to_kept_api_responses(client, deal, settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "3/hour"}

    responses = [client.get(API_DETAIL) for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r["RateLimit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
    assert responses[1].content == responses[0].content
    assert responses[2]["ETag"] == responses[0]["ETag"]
    assert responses[2]["Vary"] == "Accept, Authorization"


def test_a_kept_api_response_still_answers_304(client, deal):
    etag = client.get(API_DETAIL)["ETag"]
    client.get(API_DETAIL)

    assert client.get(API_DETAIL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_errors_are_never_kept(client, deal):
    _, first_queries = fetched(client, "/api/v1/agreements/missing/")
    missing, second_queries = fetched(client, "/api/v1/agreements/missing/")

    assert missing.status_code == 404 and second_queries == first_queries


@pytest.mark.parametrize("url", [API_DETAIL, API_LIST, PAGE])
def test_response_cache_false_turns_it_off(client, deal, settings, url):
    settings.RESPONSE_CACHE = False

    _, first_queries = fetched(client, url)
    _, second_queries = fetched(client, url)

    assert second_queries == first_queries
