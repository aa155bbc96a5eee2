"""Where a scenario's time goes (``bench --profile``): a few of its URLs answered in this process as the server
answers them (DEBUG off, the response cache off), each timed as a whole and per SQL statement, the slowest
statement shown with its ``EXPLAIN ANALYZE``, and the Python functions that took the most time under cProfile.

This is how a missed target is explained (issue 13: "the profile and EXPLAIN that show where the time goes").
"""

import cProfile
import io
import pstats
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client

from registry.benchmark.queries import as_the_server_runs, consume

SLOWEST_STATEMENTS = 5
PROFILE_LINES = 18
PROJECT_CODE = rf"^{re.escape(str(settings.BASE_DIR))}/(?!\.venv/)"


@dataclass
class Statement:
    ms: float
    sql: str
    params: tuple


@dataclass
class Profile:
    path: str
    status: int
    total_ms: float
    statements: list = field(default_factory=list)
    explain: str = ""
    functions: str = ""

    @property
    def sql_ms(self):
        return sum(statement.ms for statement in self.statements)


def timed_statements(log):
    """A database execute wrapper appending one Statement per statement run."""
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append(Statement((time.perf_counter() - started) * 1000, sql, tuple(params or ())))
    return wrapper


def is_read(statement):
    return statement.sql.lstrip().upper().startswith(("SELECT", "WITH"))


def explain_analyze(statement):
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.params)
        return "\n".join(row[0] for row in cursor.fetchall())


def profile_path(client, path):
    """One warm request (a worker's first request reads what it then keeps), then one timed with its
    statements, then one under cProfile."""
    consume(client.get(path))
    log = []
    started = time.perf_counter()
    with connection.execute_wrapper(timed_statements(log)):
        response = client.get(path)
        consume(response)
    result = Profile(path, response.status_code, (time.perf_counter() - started) * 1000, log)
    reads = [statement for statement in log if is_read(statement)]
    if reads:
        result.explain = explain_analyze(max(reads, key=lambda statement: statement.ms))
    profiler = cProfile.Profile()
    profiler.enable()
    consume(client.get(path))
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    # The project's own functions by cumulative time (where a view spends it), then any function by its own time
    # (what is hot: template rendering, SQL compilation, serializer fields…).
    stats.sort_stats("cumulative").print_stats(PROJECT_CODE, PROFILE_LINES)
    stats.sort_stats("tottime").print_stats(PROFILE_LINES)
    result.functions = text.getvalue()
    return result


def profile(paths, static_root):
    client = Client()
    with as_the_server_runs(static_root):
        return [profile_path(client, path) for path in paths]


def render(scenario_name, profiles):
    lines = []
    for result in profiles:
        lines.append(f"--- {scenario_name}: {result.path} → {result.status}: {result.total_ms:.1f} ms in all, "
                     f"{result.sql_ms:.1f} ms of SQL in {len(result.statements)} statements")
        for statement in sorted(result.statements, key=lambda s: -s.ms)[:SLOWEST_STATEMENTS]:
            lines.append(f"  {statement.ms:8.1f} ms  {' '.join(statement.sql.split())[:400]}")
        if result.explain:
            lines.append("  EXPLAIN ANALYZE of the slowest read:")
            lines.extend(f"    {line}" for line in result.explain.splitlines())
        lines.append("  Python (cProfile, cumulative):")
        lines.extend(f"    {line}" for line in result.functions.strip().splitlines() if line.strip())
    return "\n".join(lines)
