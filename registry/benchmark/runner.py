"""One benchmark of the current database: URLs drawn, queries counted, the mix run under gunicorn with the
response cache off and then on, the full CSVs, the floor, export_bulk. Returns the result as plain data (the
JSON of ``--json``)."""

import datetime
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from registry.benchmark import floor, oneshot, profile, queries, report, scenarios, server, wrk

MODES = {"off": False, "on": True}


@dataclass
class Options:
    duration_s: int = 10
    connections: int = 4
    runs: int = 2
    warmup_s: int = 2
    seed: int = 13
    scenario_names: tuple = ()
    workers: int | None = None
    cache_modes: tuple = ("off", "on")
    cache_redis_url: str = ""  # with the response cache on: keep it (and the throttle's counts) in this Redis
    queried_urls: int = 2  # URLs of each set whose queries are counted in-process
    floor_statements: int = 4  # distinct API list URLs whose page query the floor runs


def cpu_calibration_ms():
    """Milliseconds this machine takes for a fixed piece of pure Python (the median of three): a shared or
    throttled machine shows here, so that two runs' figures can be compared knowing how fast the cores were."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times))


def describe_database():
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return Path(params["NAME"]).name
    return f"{params.get('HOST') or 'localhost'}:{params.get('PORT') or 5432}/{params['NAME']}"


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,  # noqa: S607 - fixed git command, developer bench metadata only
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def priming_passes(env):
    """How many times each URL is requested before a cached run: once when the cache is shared (Redis); else
    each gunicorn worker keeps its own copy and takes connections as it can, so 3 passes per worker make it
    unlikely that a worker has not kept a URL (each pass opens a new connection per request)."""
    if env.get("REDIS_URL"):
        return 1
    return 3 * int(server.gunicorn_setting("workers", env))


def distinct(paths, count):
    return list(dict.fromkeys(paths))[:count]


class Benchmark:
    def __init__(self, options, say=print):
        self.options, self.say = options, say
        self.chosen = scenarios.chosen(options.scenario_names)
        self.load = [scenario for scenario in self.chosen if scenario.kind == "load"]
        self.csv = [scenario for scenario in self.chosen if scenario.kind == "csv"]

    def run(self):
        from contracts.models import Agreement

        options = self.options
        base_env = dict(os.environ)
        self.result = {
            "meta": {
                "database": describe_database(), "vendor": connection.vendor,
                "agreements": Agreement.objects.public().count(), "seed": options.seed,
                "duration_s": options.duration_s, "runs": options.runs, "connections": options.connections,
                "workers": server.gunicorn_setting("workers", {**base_env, **self.worker_env()}),
                "cache_modes": list(options.cache_modes), "cached_in": "redis" if options.cache_redis_url else "worker memory",
                "load_at_start": os.getloadavg()[0], "cpus": os.cpu_count(),
                "cpu_calibration_ms": cpu_calibration_ms(),
                "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "commit": git_commit(),
            },
            "load": {}, "csv": {}, "command": {},
        }
        with tempfile.TemporaryDirectory(prefix="bench-") as work:
            self.work = Path(work)
            static_root = self.work / "static"
            if self.load or self.csv:
                self.say("Collecting static files…")
                server.collect_static(static_root, base_env)
            self.draw_urls()
            self.count_queries(static_root)
            floor_scripts = self.floor_scripts(static_root)
            for mode in options.cache_modes:
                if self.load or (self.csv and mode == options.cache_modes[0]):
                    self.serve_and_load(mode, base_env, static_root)
            self.result["floor"] = self.measure_floor(floor_scripts)
        if any(scenario.name == "export-bulk" for scenario in self.chosen):
            self.say("export_bulk…")
            self.result["command"]["export-bulk"] = oneshot.run_export_bulk().as_dict()
        return self.result

    def profile(self, per_scenario):
        """No server, no load: ``per_scenario`` distinct URLs of each chosen load scenario profiled in this
        process (registry/benchmark/profile.py), as text."""
        self.result = {"load": {}}
        with tempfile.TemporaryDirectory(prefix="bench-") as work:
            static_root = Path(work) / "static"
            server.collect_static(static_root, dict(os.environ))
            self.draw_urls()
            return "\n".join(
                profile.render(scenario.name,
                               profile.profile(distinct(self.url_sets[scenario.name].paths, per_scenario), static_root))
                for scenario in self.load)

    def missing_tools(self):
        """The programs this run needs that are not installed, in words."""
        missing = []
        if self.load and shutil.which("wrk") is None:
            missing.append("wrk (make bench installs it: apt-get install wrk)")
        return missing

    def worker_env(self):
        return {"GUNICORN_WORKERS": str(self.options.workers)} if self.options.workers else {}

    # --- before the server starts ---
    def draw_urls(self):
        self.say(f"Drawing URLs (seed {self.options.seed})…")
        self.url_sets = scenarios.build_url_sets(self.load, self.options.seed)
        for scenario in self.load:
            url_set = self.url_sets[scenario.name]
            self.result["load"][scenario.name] = {
                "label": scenario.label, "paged": scenario.paged, "api_list": scenario.api_list,
                "result_size": url_set.result_size, "distinct_urls": len(set(url_set.paths)),
                "values": url_set.values[:20], "note": url_set.note, "queries": [], "examples": url_set.paths[:3],
            }
            if url_set.note:
                self.say(f"  {scenario.name}: {url_set.note}")

    def count_queries(self, static_root):
        self.say("Counting queries per request in-process…")
        for scenario in self.load:
            paths = distinct(self.url_sets[scenario.name].paths, self.options.queried_urls)
            counted = queries.count_queries(paths, static_root)
            entry = self.result["load"][scenario.name]
            entry["queries"] = [request.queries for request in counted]
            entry["query_statuses"] = [request.status for request in counted]
            for request in counted:
                if request.status != 200:  # wrk will count these as errors too: say which URL, early
                    self.say(f"  {scenario.name}: {request.path} answered {request.status} in-process")

    def floor_scripts(self, static_root):
        """pgbench script files for the API list's page queries (PostgreSQL only), or the reason for none."""
        if connection.vendor != "postgresql":
            return f"the floor needs PostgreSQL; this database is {connection.vendor}"
        if "api-list" not in self.url_sets:
            return "the api-list scenario was not chosen"
        paths = distinct(self.url_sets["api-list"].paths, self.options.floor_statements)
        from contracts.models import Agreement

        scripts, rows = [], []
        for number, request in enumerate(queries.count_queries(paths, static_root)):
            sql = queries.page_sql(request.sql, Agreement._meta.db_table)
            if sql is None:
                continue
            wrapped = floor.as_json_agg(sql)
            rows.append(floor.rows_returned(wrapped))
            script = self.work / f"floor-{number}.sql"
            script.write_text(floor.pgbench_script(wrapped), encoding="utf-8")
            scripts.append(script)
        if not scripts:
            return "no page query was found among the API list's queries"
        return {"scripts": scripts, "rows": min(rows)}

    # --- under load ---
    def serve_and_load(self, mode, base_env, static_root):
        env = server.server_environment({**base_env, **self.worker_env()}, static_root=static_root,
                                        port=server.free_port(), response_cache=MODES[mode])
        if MODES[mode] and self.options.cache_redis_url:
            server.empty_redis(self.options.cache_redis_url)
            env["REDIS_URL"] = self.options.cache_redis_url
        self.priming_passes = priming_passes(env) if MODES[mode] else 0
        log = self.work / f"gunicorn-{mode}.log"
        self.say(f"Starting gunicorn, response cache {mode}…")
        try:
            with server.Server(env, log) as running:
                for scenario in self.load:
                    self.load_scenario(scenario, mode, running)
                if mode == self.options.cache_modes[0]:  # streamed answers are never cached: once is enough
                    for scenario in self.csv:
                        self.csv_scenario(scenario, running)
        except Exception:
            self.say(log_tail(log))
            raise

    def load_scenario(self, scenario, mode, running):
        options = self.options
        if not self.url_sets[scenario.name].paths:
            self.say(f"  {scenario.name}: skipped, no URLs ({self.url_sets[scenario.name].note})")
            return
        script = self.work / f"{scenario.name}.lua"
        script.write_text(wrk.lua_script(self.url_sets[scenario.name].paths), encoding="utf-8")
        if self.priming_passes:  # the cached run measures a warm cache: every URL once answered and kept
            started = time.monotonic()
            server.prime(running.base_url, distinct(self.url_sets[scenario.name].paths, scenarios.URLS_PER_SCENARIO),
                         self.priming_passes)
            self.say(f"  {scenario.name}: cache primed ({self.priming_passes} pass(es) over its URLs, "
                     f"{time.monotonic() - started:.0f} s)")
        if options.warmup_s:
            wrk.run_wrk(running.base_url, script, connections=options.connections, duration_s=options.warmup_s)
        runs = []
        for number in range(options.runs):
            with server.MemorySampler(running.pids) as memory:
                run = wrk.run_wrk(running.base_url, script, connections=options.connections,
                                  duration_s=options.duration_s)
            run.load_1m = round(os.getloadavg()[0], 2)
            run.peak_rss_mb = round(memory.peak_total / report.MB, 1)
            runs.append(run.as_dict())
            self.say(f"  {scenario.name} (cache {mode}) run {number + 1}: {run.rate:.1f}/s, p95 {run.p95_ms:.1f} ms"
                     + (f", {run.non2xx} non-2xx, {run.socket_errors} socket errors" if run.failed else ""))
        self.result["load"][scenario.name][mode] = {"runs": runs, "median": report.summarise(runs)}

    def csv_scenario(self, scenario, running):
        path = {"api-csv": "/api/v1/agreements/?format=csv", "page-csv": "/agreements/csv/"}[scenario.name]
        self.say(f"  {scenario.name}: GET {path}…")
        expected = oneshot.expected_agreement_rows()
        result = oneshot.fetch_csv(running.port, path, expected,
                                   lambda: server.MemorySampler(running.pids))
        self.result["csv"][scenario.name] = result.as_dict()

    # --- after ---
    def measure_floor(self, prepared):
        if isinstance(prepared, str):
            return {"skipped": prepared}
        self.say("The floor: pgbench…")
        try:
            runs = [floor.run_pgbench(prepared["scripts"], clients=self.options.connections,
                                      duration_s=self.options.duration_s) for _ in range(self.options.runs)]
        except (OSError, RuntimeError, ValueError) as error:  # the load results are kept; the report says why
            return {"error": str(error)}
        tps = statistics.median(run.tps for run in runs)
        api = self.result["load"].get("api-list", {}).get("off", {}).get("median")
        api_rate = api["rate"] if api else None
        return {"tps": round(tps, 1), "runs": [run.__dict__ for run in runs], "rows": prepared["rows"],
                "clients": self.options.connections, "statements": len(prepared["scripts"]),
                "api_rate": api_rate, "share": report.floor_share(api_rate, tps) if api_rate else None}


def log_tail(path, lines=40):
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return f"Last lines of {path.name}:\n" + "\n".join(text[-lines:])
