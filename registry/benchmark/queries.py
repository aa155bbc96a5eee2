"""Queries per request, counted in this process with Django's test client (the server's own settings: DEBUG
off, the response cache off), and the SQL a request ran, for the floor."""

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


@dataclass
class CountedRequest:
    path: str
    status: int
    queries: int
    sql: list


@contextmanager
def as_the_server_runs(static_root):
    """This process answering requests as the benchmarked server does, with the response cache off (both the
    environment variable and, where the settings read it, the setting)."""
    overrides = {"ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"], "STATIC_ROOT": str(static_root)}
    if hasattr(settings, "RESPONSE_CACHE"):
        overrides["RESPONSE_CACHE"] = False
    saved = os.environ.get("RESPONSE_CACHE")
    os.environ["RESPONSE_CACHE"] = "false"
    try:
        with override_settings(**overrides):
            yield
    finally:
        if saved is None:
            os.environ.pop("RESPONSE_CACHE", None)
        else:
            os.environ["RESPONSE_CACHE"] = saved


def count_queries(paths, static_root):
    """Each path requested once, after one warm-up request (a process's first request reads what it then
    keeps), with the queries it ran."""
    client = Client()
    counted = []
    with as_the_server_runs(static_root):
        if paths:
            consume(client.get(paths[0]))
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
                consume(response)
            counted.append(CountedRequest(path, response.status_code, len(captured.captured_queries),
                                          [query["sql"] for query in captured.captured_queries]))
    return counted


def consume(response):
    if response.streaming:
        for _ in response.streaming_content:
            pass


def page_sql(statements, table):
    """The statement that read a list's page of rows from ``table`` (the last SELECT from it with a LIMIT), or
    None. The counts, prefetches, throttle and change-log reads name other tables after FROM."""
    main_from = re.compile(rf'\bFROM "{re.escape(table)}"(?=[\s)]|$)')
    limit = re.compile(r"\bLIMIT \d+\s*$")
    pages = [sql for sql in statements
             if sql.lstrip().upper().startswith("SELECT") and main_from.search(sql) and limit.search(sql)]
    return pages[-1] if pages else None
