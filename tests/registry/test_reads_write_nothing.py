"""Issue 13's rule for the default setup (no Redis): a read request writes nothing to the database, except that
an API request raises its rate counter with one atomic upsert. The response cache and the counts kept per
public change live in the "responses" cache (each worker's memory without Redis), never in a database table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import make_agreement

pytestmark = pytest.mark.django_db

PAGES = ["/", "/agreements/", "/agreements/deal/", "/terms/matrix/", "/timeline/", "/changes/", "/search/?q=deal"]
API = ["/api/v1/agreements/", "/api/v1/agreements/deal/", "/api/v1/changes/", "/api/v1/agreements/?q=deal"]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE = True


def writes_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("url", PAGES)
def test_it_writes_nothing_for_a_page_first_or_cached(client, url):
    make_agreement(slug="deal", title="A deal")

    assert writes_of(client, url) == []  # a cache miss: rendered and kept
    assert writes_of(client, url) == []  # a cache hit


@pytest.mark.parametrize("url", API)
def test_it_writes_only_the_rate_counter_for_an_api_read(client, url):
    make_agreement(slug="deal", title="A deal")

    for _ in range(2):  # a miss, then a hit
        writes = writes_of(client, url)
        assert len(writes) == 1, writes
        assert "registry_ratecounter" in writes[0]
