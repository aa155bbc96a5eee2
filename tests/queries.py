"""One rule for N+1 tests everywhere: build a small world (2 rows) and a larger one (20 rows), and
pin the same absolute query count for both, with a comment naming each query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

SMALL, LARGE = 2, 20

# Parametrize a test over the two world sizes: @two_world_sizes def test_it_…(rows): …
two_world_sizes = pytest.mark.parametrize("rows", [SMALL, LARGE], ids=[f"{SMALL}-rows", f"{LARGE}-rows"])


def queries_of(client, url, *, status=200):
    """The SQL one GET of ``url`` runs (the throttle's window counter is warmed first, outside it)."""
    client.get("/healthz")
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return [query["sql"] for query in context.captured_queries]
