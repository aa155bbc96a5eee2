"""The floor: the API list scenario's own page query, wrapped so that PostgreSQL returns its 50 rows as one
JSON array, run by pgbench at the bench's concurrency for the same time. No Python, no HTTP: the rate the
database alone sustains for that answer. The API's rate is printed as a share of it."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from registry.pagination import DEFAULT_PAGE_SIZE

PGBENCH = "/usr/bin/pgbench"


def as_json_agg(sql, rows=DEFAULT_PAGE_SIZE):
    """One statement returning the page's first ``rows`` rows as a JSON array (the page query reads one row more,
    to know whether a next page exists)."""
    return f"SELECT json_agg(page) FROM (SELECT * FROM ({sql.strip().rstrip(';')}) AS query LIMIT {rows}) AS page"  # noqa: S608 - bench only: wraps the SQL the app itself ran; rows is an int


def pgbench_script(sql):
    """A pgbench script file holding one statement, on one line. pgbench reads ``:name`` as a variable, but leaves
    a name it does not know (and ``::``) as it is, and the script defines none."""
    return sql.strip().rstrip(";").replace("\r", " ").replace("\n", " ") + ";\n"


def rows_returned(wrapped_sql):
    """How many rows the wrapped statement's array holds (checked before pgbench runs it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT json_array_length(({wrapped_sql}))")
        (length,) = cursor.fetchone()
    return length or 0


@dataclass
class FloorRun:
    tps: float
    latency_ms: float | None
    failed: int


def parse_pgbench_output(text):
    tps = re.search(r"^tps = ([\d.]+)", text, re.MULTILINE)
    if tps is None:
        raise ValueError(f"pgbench printed no tps line:\n{text}")
    latency = re.search(r"^latency average = ([\d.]+) ms", text, re.MULTILINE)
    failed = re.search(r"^number of failed transactions: (\d+)", text, re.MULTILINE)
    return FloorRun(float(tps.group(1)), float(latency.group(1)) if latency else None,
                    int(failed.group(1)) if failed else 0)


def connection_arguments():
    """pgbench's connection options and environment for the current database (the password in PGPASSWORD)."""
    params = connection.settings_dict
    args, env = [], dict(os.environ)
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [option, str(params[key])]
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args + [params["NAME"]], env


def run_pgbench(script_paths, *, clients, duration_s):
    """One pgbench run over the scripts (each transaction picks one at random), ``clients`` connections."""
    if not Path(PGBENCH).exists() and shutil.which("pgbench") is None:
        raise FileNotFoundError("pgbench is not installed (postgresql-client).")
    binary = PGBENCH if Path(PGBENCH).exists() else shutil.which("pgbench")
    target, env = connection_arguments()
    command = [binary, "--no-vacuum", "--client", str(clients), "--jobs", "1", "--time", str(duration_s)]
    for path in script_paths:
        command += ["--file", str(path)]
    finished = subprocess.run([*command, *target], capture_output=True, text=True, env=env, check=False)  # noqa: S603 - pgbench, our own options and script files
    if finished.returncode != 0:
        raise RuntimeError(f"pgbench failed ({finished.returncode}): {finished.stderr.strip()}")
    return parse_pgbench_output(finished.stdout)
