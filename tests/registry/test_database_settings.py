"""The PostgreSQL session settings a web request's connection runs with (registry/settings.py)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.database("postgresql")]


def show(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_web_requests_start_no_parallel_workers():
    # A page's queries read few rows: parallel workers cost more than they save (docs/performance-misses.md).
    assert show("max_parallel_workers_per_gather") == "0"


def test_web_requests_have_the_statement_timeout():
    assert show("statement_timeout") == "15s"
