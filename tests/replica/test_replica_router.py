"""The router with a real streaming replica: reads go to the replica, writes to the primary, and a request
reads its own writes from the primary even while the replica has not replayed them (replay paused)."""

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from registry import db_router
from registry.models import Source
from tests.builders import make_source
from tests.replica.conftest import one, pause_replay, resume_replay, wait_for_replay

pytestmark = pytest.mark.usefixtures("committed")


def new_request():
    db_router.start_request()  # what request_started does for a real request


def test_the_replica_is_a_streaming_standby_of_the_primary():
    assert one("default", "SELECT pg_is_in_recovery()") is False
    assert one("replica_1", "SELECT pg_is_in_recovery()") is True
    assert one("default", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1


def test_reads_go_to_the_replica_once_it_has_replayed_the_write(unique_slug):
    new_request()
    make_source(slug=unique_slug)
    wait_for_replay()

    new_request()
    found = Source.objects.filter(slug=unique_slug)
    assert found.db == "replica_1"
    assert found.exists()


def test_a_request_reads_its_own_write_from_the_primary_while_the_replica_lags(unique_slug):
    pause_replay()
    try:
        new_request()
        make_source(slug=unique_slug)  # committed on the primary; the replica has not replayed it
        same_request = Source.objects.filter(slug=unique_slug)
        assert same_request.db == "default" and same_request.exists()

        new_request()
        next_request = Source.objects.filter(slug=unique_slug)
        assert next_request.db == "replica_1"
        assert not next_request.exists()  # the proof that reads really went to the (paused) replica
    finally:
        resume_replay()
    wait_for_replay()

    new_request()
    assert Source.objects.filter(slug=unique_slug).exists()


def test_reads_inside_a_transaction_stay_on_the_primary(unique_slug):
    pause_replay()
    try:
        new_request()
        make_source(slug=unique_slug)  # only the primary has it
        new_request()
        with transaction.atomic():
            inside = Source.objects.filter(slug=unique_slug)
            assert inside.db == "default" and inside.exists()
        assert Source.objects.filter(slug=unique_slug).db == "replica_1"  # the transaction is over
    finally:
        resume_replay()
    wait_for_replay()


def test_an_anonymous_api_request_reads_the_replica_and_counts_its_rate_on_the_primary(client, unique_slug, settings):
    settings.RESPONSE_CACHE = False
    make_source(slug=unique_slug)
    wait_for_replay()

    with CaptureQueriesContext(connections["replica_1"]) as on_replica, \
            CaptureQueriesContext(connection) as on_primary:
        response = client.get(f"/api/v1/sources/{unique_slug}/")

    assert response.status_code == 200 and response.json()["slug"] == unique_slug
    assert any('"registry_source"' in query["sql"] for query in on_replica.captured_queries)
    assert not any('"registry_source"' in query["sql"] for query in on_primary.captured_queries)
    assert all("registry_throttle" not in query["sql"] for query in on_replica.captured_queries)


def test_a_page_reads_its_record_from_the_replica(client, unique_slug):
    make_source(slug=unique_slug)
    wait_for_replay()

    with CaptureQueriesContext(connections["replica_1"]) as on_replica:
        response = client.get(f"/sources/{unique_slug}/")

    assert response.status_code == 200
    assert any('"registry_source"' in query["sql"] for query in on_replica.captured_queries)
