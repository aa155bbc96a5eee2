"""The change feed, and the sync recipe it makes possible."""

import pytest

from contracts.models import Agreement
from registry.api.parameters import RECORD_TYPES
from registry.interchange import in_api_order
from registry.services import apply_change, retract
from tests.builders import builder_user, make_agreement, make_vendor
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def all_pages(client, url):
    rows = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def test_changes_come_in_id_order_with_their_record_urls(client):
    make_agreement(slug="deal")

    changes = all_pages(client, "/api/v1/changes/")

    ids = [c["id"] for c in changes]
    assert ids == sorted(ids)
    deal = next(c for c in changes if c["slug"] == "deal")
    assert deal == {"id": deal["id"], "at": deal["at"], "type": "agreement", "slug": "deal", "action": "created",
                    "url": "http://testserver/api/v1/agreements/deal/"}


def test_after_resumes_and_type_narrows(client):
    make_agreement(slug="first")
    last = all_pages(client, "/api/v1/changes/")[-1]["id"]
    make_vendor(slug="later-vendor")

    later = all_pages(client, f"/api/v1/changes/?after={last}")
    assert {c["slug"] for c in later} >= {"later-vendor"}
    assert all(c["id"] > last for c in later)
    assert {c["type"] for c in all_pages(client, f"/api/v1/changes/?after={last}&type=vendor")} == {"vendor"}


def test_drafts_never_appear_in_the_feed(client):
    make_agreement(slug="quiet", published=False)

    assert "quiet" not in {c["slug"] for c in all_pages(client, "/api/v1/changes/")}


@pytest.mark.parametrize("query", ["?after=x", "?after=-1", "?page_size=0", "?type=widget", "?since=1", "?after="])
def test_bad_parameters_are_a_400(client, query):
    response = client.get(f"/api/v1/changes/{query}")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]


def test_a_client_that_pulls_everything_and_follows_the_feed_ends_with_what_the_lists_return(client):
    user = builder_user()
    kept, edited, doomed = make_agreement(slug="kept"), make_agreement(slug="edited"), make_agreement(slug="doomed")

    # 1. Full pull, noting the newest change first.
    cursor = max(c["id"] for c in all_pages(client, "/api/v1/changes/"))
    local = {row["slug"]: row for row in all_pages(client, "/api/v1/agreements/?page_size=2&include=citations")}

    # 2. The registry changes: a create, an edit, a retraction.
    make_agreement(slug="brand-new")
    edited.title = "Edited title"
    apply_change(edited, user=user, reason="corrected title")
    retract(doomed, user=user, reason="duplicate")

    # 3. Follow the feed: re-fetch what was created or updated, drop what was retracted.
    for change in all_pages(client, f"/api/v1/changes/?after={cursor}&type=agreement"):
        if change["action"] == "retracted":
            local.pop(change["slug"], None)
        else:
            local[change["slug"]] = client.get(change["url"]).json()

    expected = {row["slug"]: row for row in all_pages(client, "/api/v1/agreements/?page_size=2&include=citations")}
    assert set(local) == {"kept", "edited", "brand-new"}
    assert local == expected
    assert local["edited"]["title"] == "Edited title"
    assert kept.slug and Agreement.objects.public().count() == 3


@two_world_sizes
def test_the_change_feed_runs_the_same_queries_for_any_number_of_changes(client, django_assert_num_queries, rows):
    for _ in range(rows):
        make_vendor()
    # the throttle's counter (one upsert) · latest public change (ETag) · one page of changes
    with django_assert_num_queries(3):
        response = client.get("/api/v1/changes/?page_size=50")
    assert response.status_code == 200 and len(response.json()["results"]) >= rows


def test_the_change_feeds_type_takes_every_registered_type_in_the_roots_order():
    assert [record_type.name for record_type in in_api_order()] == RECORD_TYPES
