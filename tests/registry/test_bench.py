"""The benchmark's parts that are not timed (manage.py bench, docs/benchmark.md): the URL sets drawn for a seed,
wrk's output read, the report's maths, the check that refuses a truncated CSV, the floor's SQL. The benchmark
itself is a command, not a timed test."""

import http.server
import json
import os
import random
import subprocess
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registry.benchmark import floor, oneshot, prepare, queries, report, scenarios, server, wrk
from registry.benchmark.scenarios import BY_NAME, SCENARIOS, build_url_sets
from tests.builders import make_agreement, make_vendor

LOAD = [scenario for scenario in SCENARIOS if scenario.kind == "load"]

WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18777
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.44ms    2.80ms  25.50ms   89.34%
  982 requests in 1.00s, 339.99KB read
  Non-2xx or 3xx responses: 492
Requests/sec:    978.69
bench-result requests=982 duration_us=1003377 bytes=348145 p50_us=1440 p95_us=7033 p99_us=14945 max_us=25505 \
mean_us=2435 non2xx=492 connect=0 read=1 write=0 timeout=2 status=492
"""


@pytest.fixture
def small_registry(db):
    """Two vendors: acme with 3 active and 2 completed agreements, zeta with 1 active."""
    acme, zeta = make_vendor(slug="acme"), make_vendor(slug="zeta")
    for number in range(3):
        make_agreement(vendors=[acme], status="active", title=f"Imagery analysis {number}")
    for number in range(2):
        make_agreement(vendors=[acme], status="completed", title=f"Logistics forecasting {number}")
    make_agreement(vendors=[zeta], status="active", title="Imagery analysis for zeta")
    return acme, zeta


def paths_of(url_sets):
    return {name: url_set.paths for name, url_set in url_sets.items()}


# --- the URL sets ----------------------------------------------------------------------------------

def test_it_draws_the_same_urls_for_the_same_seed(small_registry):
    assert paths_of(build_url_sets(LOAD, seed=13, page=2)) == paths_of(build_url_sets(LOAD, seed=13, page=2))


def test_another_seed_draws_other_urls(small_registry):
    assert build_url_sets(LOAD, seed=13)["api-detail"].paths != build_url_sets(LOAD, seed=14)["api-detail"].paths


def test_choosing_a_subset_of_scenarios_changes_no_scenarios_urls(small_registry):
    every = build_url_sets(LOAD, seed=13, page=2)
    alone = build_url_sets([BY_NAME["agreement"]], seed=13, page=2)

    assert alone["agreement"].paths == every["agreement"].paths


def test_it_draws_only_vendors_and_statuses_that_fill_a_page(small_registry, client):
    url_set = build_url_sets([BY_NAME["api-list"]], seed=13, page=2)["api-list"]

    assert set(url_set.paths) == {"/api/v1/agreements/?vendor=acme&status=active",
                                  "/api/v1/agreements/?vendor=acme&status=completed"}
    assert url_set.result_size == 2
    for path in set(url_set.paths):
        response = client.get(path)
        assert response.status_code == 200
        assert len(response.json()["results"]) >= 2


def test_the_pages_and_the_matrix_take_the_same_filters_as_the_api_list(small_registry):
    url_sets = build_url_sets([BY_NAME["api-list"], BY_NAME["agreements"], BY_NAME["term-matrix"]], seed=13, page=2)

    queries_drawn = {name: {path.split("?")[1] for path in url_set.paths} for name, url_set in url_sets.items()}
    assert queries_drawn["agreements"] == queries_drawn["api-list"] == queries_drawn["term-matrix"]


def test_with_no_full_page_it_falls_back_to_the_largest_pairs_and_says_so(small_registry):
    url_set = build_url_sets([BY_NAME["agreements"]], seed=13)["agreements"]

    assert url_set.result_size == 1  # zeta has one active agreement
    assert "partial pages" in url_set.note


def test_search_words_are_common_words_that_match_a_page_through_the_api_filter(small_registry):
    # "imagery" and "analysis" are in 4 of 6 titles: more than half, too common to stand for a search
    assert scenarios.search_words(minimum=2) == [("forecasting", 2), ("logistics", 2)]


def test_the_api_change_feed_is_read_after_ids_with_a_full_page_after_them():
    url_set = scenarios.change_urls(latest=500, rng=random.Random(1), count=100, page=50)

    afters = [int(path.rsplit("=", 1)[1]) for path in url_set.paths]
    assert min(afters) >= 0 and max(afters) <= 450
    assert url_set.result_size == 50


def test_the_changes_page_is_read_before_ids_with_a_full_page_of_change_sets_before_them():
    firsts = list(range(1, 1000, 10))  # 100 change sets of 10 changes

    url_set = scenarios.change_set_urls(firsts, latest=1000, rng=random.Random(1), count=100, page=50)

    befores = [int(path.rsplit("=", 1)[1]) for path in url_set.paths]
    assert min(befores) > firsts[49]
    assert url_set.result_size == 50


def test_with_fewer_change_sets_than_a_page_every_request_lists_them_all():
    url_set = scenarios.change_set_urls([1, 40, 90], latest=120, rng=random.Random(1), count=20, page=50)

    assert all(int(path.rsplit("=", 1)[1]) > 90 for path in url_set.paths)
    assert url_set.result_size == 3
    assert url_set.note == "only 3 change sets"


def test_an_unknown_scenario_is_refused_by_name():
    with pytest.raises(CommandError, match="Unknown scenario.*nope"):
        call_command("bench", "--scenarios", "api-list,nope")


# --- wrk --------------------------------------------------------------------------------------------

def test_it_reads_wrk_output_with_its_percentiles_and_every_error():
    run = wrk.parse_wrk_output(WRK_OUTPUT)

    assert (run.requests, run.p50_ms, run.p95_ms, run.p99_ms) == (982, 1.44, 7.033, 14.945)
    assert round(run.rate, 1) == 978.7
    assert (run.non2xx, run.socket_errors) == (492, 3)
    assert run.failed


def test_output_without_the_scripts_line_is_an_error_not_a_zero():
    with pytest.raises(wrk.WrkOutputError):
        wrk.parse_wrk_output("Running 10s test @ http://127.0.0.1:8000\nRequests/sec: 0.00\n")


def test_the_script_cycles_through_the_paths_in_their_order():
    script = wrk.lua_script(["/a/?q=x", "/b/"])

    assert '  "/a/?q=x",\n  "/b/"\n}' in script
    assert "latency:percentile(95)" in script


def test_a_path_that_is_not_printable_ascii_is_refused():
    with pytest.raises(ValueError):
        wrk.lua_script(["/search/?q=café"])


# --- the report's maths -------------------------------------------------------------------------------

def wrk_run(rate=100.0, p95=20.0, non2xx=0, socket_errors=0, peak=300.0, load=1.0):
    return {"requests": int(rate * 10), "rate": rate, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 2,
            "mean_ms": p95 / 2, "non2xx": non2xx, "socket_errors": socket_errors, "peak_rss_mb": peak, "load_1m": load}


def test_a_scenario_reports_the_median_of_its_runs_and_the_highest_memory_peak():
    median = report.summarise([wrk_run(rate=100, p95=30, peak=310), wrk_run(rate=140, p95=10, peak=290),
                               wrk_run(rate=120, p95=20, peak=300)])

    assert (median["rate"], median["p95_ms"], median["peak_rss_mb"]) == (120, 20, 310)
    assert not median["failed"]


def test_one_error_in_any_run_fails_the_row():
    median = report.summarise([wrk_run(), wrk_run(non2xx=1)])

    assert median["failed"]
    assert report.errors_text(median) == "FAIL: 1 non-2xx, 0 socket"


def test_a_target_is_met_only_when_every_part_is():
    scenario = {"off": {"median": report.summarise([wrk_run(rate=160, p95=60)])}}

    assert report.target_verdict("api-list", scenario, "off") == ">=150/s p95<=50ms MISSED"


def test_the_cached_rate_is_judged_against_the_uncached_one():
    scenario = {"api_list": True, "off": {"median": report.summarise([wrk_run(rate=100)])},
                "on": {"median": report.summarise([wrk_run(rate=250)])}}

    assert report.target_verdict("api-list", scenario, "on") == "x2.5 of uncached (>=x2) ok"
    scenario["api_list"] = False
    assert report.target_verdict("agreements", scenario, "on") == "x2.5 of uncached (>=x3) MISSED"


def saved_run(agreements, p95, result_size=50, paged=True):
    return {"meta": {"database": f"bench_{agreements}", "vendor": "postgresql", "agreements": agreements, "seed": 13,
                     "duration_s": 10, "runs": 2, "connections": 4, "workers": 2, "load_at_start": 0.5},
            "load": {"agreements": {"paged": paged, "result_size": result_size, "queries": [9, 9],
                                    "off": {"median": report.summarise([wrk_run(p95=p95)])}}},
            "csv": {}, "command": {}, "floor": {"skipped": "the floor needs PostgreSQL; this database is sqlite"}}


def test_growth_is_the_p95_at_the_larger_size_over_the_p95_at_the_smaller():
    rows = report.growth(saved_run(10_000, p95=40), saved_run(100_000, p95=80))

    assert rows == [["agreements", "off", "40.0", "80.0", "x2.00", "MISSED (<= x1.5)"]]


def test_growth_between_answers_of_different_sizes_is_not_judged():
    rows = report.growth(saved_run(10_000, p95=40, result_size=30), saved_run(100_000, p95=44))

    assert rows[0][-1] == "not comparable: 30 vs 50 rows"


def test_the_api_rate_is_a_share_of_the_floor():
    assert report.floor_share(45.0, 900.0) == 0.05
    assert "= 5.0% of it" in report.floor_text({"rows": 50, "clients": 4, "tps": 900.0, "api_rate": 45.0,
                                                 "share": 0.05})


def test_compare_prints_each_saved_run_smallest_first_and_the_growth(tmp_path, capsys):
    large, small = tmp_path / "large.json", tmp_path / "small.json"
    large.write_text(json.dumps(saved_run(100_000, p95=50)))
    small.write_text(json.dumps(saved_run(10_000, p95=40)))

    call_command("bench", "--compare", str(large), str(small))

    out = capsys.readouterr().out
    assert out.index("10,000 public agreements") < out.index("100,000 public agreements")
    assert "Growth of p95 from 10,000 to 100,000 agreements" in out
    assert "x1.25" in out
    assert "floor: skipped (the floor needs PostgreSQL" in out


# --- the full CSV: never a truncated 200 ------------------------------------------------------------------

def test_a_complete_csv_holds_every_row_of_the_database():
    assert oneshot.csv_verdict(200, 1000, 1000, stream_complete=True) == ("complete: 1,000 rows", True)


def test_a_200_whose_body_was_cut_off_is_a_failure():
    outcome, ok = oneshot.csv_verdict(200, 480, 1000, stream_complete=False)

    assert not ok
    assert outcome.startswith("TRUNCATED")


def test_a_200_with_fewer_rows_than_the_database_is_a_failure_even_when_well_framed():
    outcome, ok = oneshot.csv_verdict(200, 999, 1000, stream_complete=True)

    assert not ok
    assert outcome == "WRONG: 999 rows, the database holds 1,000"


def test_a_refusal_is_accepted_only_when_it_points_to_the_bulk_files():
    assert oneshot.csv_verdict(303, 0, 1000, True, pointer="/data/latest/agreements.csv")[1]
    assert oneshot.csv_verdict(413, 0, 1000, True, pointer='{"error": "use /data/ for everything"}')[1]
    assert not oneshot.csv_verdict(413, 0, 1000, True, pointer="Too large")[1]
    assert not oneshot.csv_verdict(502, 0, 1000, True)[1]


def test_csv_rows_are_counted_as_a_csv_reader_reads_them(tmp_path):
    body = tmp_path / "agreements.csv"
    body.write_bytes('\ufeffslug,summary\r\na,"two\r\nlines"\r\nb,plain\r\n'.encode())

    assert oneshot.count_csv_rows(body) == 2


def test_it_reads_the_peak_memory_of_time_v():
    assert oneshot.parse_time_v("\tMaximum resident set size (kbytes): 204800\n") == 200.0


# --- queries and the floor -------------------------------------------------------------------------------

def test_the_floor_runs_the_api_lists_own_page_query(small_registry, tmp_path):
    counted = queries.count_queries(["/api/v1/agreements/?vendor=acme&status=active"], static_root=tmp_path)

    assert counted[0].status == 200
    assert counted[0].queries == len(counted[0].sql) > 0
    sql = queries.page_sql(counted[0].sql, "contracts_agreement")
    assert sql is not None and sql.startswith("SELECT")
    if connection.vendor == "postgresql":
        assert floor.rows_returned(floor.as_json_agg(sql)) == 3


def test_the_page_query_is_told_from_prefetches_and_counts():
    statements = ['SELECT "registry_changelog"."id" FROM "registry_changelog" ORDER BY 1 DESC LIMIT 1',
                  'SELECT "contracts_agreement"."id" FROM "contracts_agreement" WHERE 1 ORDER BY 1 LIMIT 51',
                  'SELECT "contracts_agreementparty"."id" FROM "contracts_agreementparty" WHERE x IN (1, 2)',
                  'SELECT COUNT(*) FROM "contracts_agreement"']

    assert queries.page_sql(statements, "contracts_agreement") == statements[1]


def test_a_pgbench_script_is_one_statement_on_one_line():
    script = floor.pgbench_script("SELECT 1\nFROM t WHERE a::text = 'x';")

    assert script == "SELECT 1 FROM t WHERE a::text = 'x';\n"


def test_it_reads_pgbench_rate_latency_and_failures():
    output = ("transaction type: multiple scripts\nlatency average = 3.210 ms\n"
              "number of failed transactions: 0 (0.000%)\ntps = 1245.678901 (without initial connection time)\n")

    assert floor.parse_pgbench_output(output) == floor.FloorRun(tps=1245.678901, latency_ms=3.21, failed=0)


# --- preparing a database ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "agreements"), [("bench_10k", 10_000), ("bench_100k", 100_000),
                                                  ("scale_2M", 2_000_000), ("i13_bench_5000", 5000),
                                                  ("/tmp/bench_10k.sqlite3", 10_000), ("i13_bench_dev", None)])
def test_the_size_to_generate_is_read_from_the_databases_name(name, agreements):
    assert prepare.agreements_from_name(name) == agreements


def test_a_run_on_a_busy_machine_says_its_figures_are_not_comparable():
    run = saved_run(10_000, p95=40)
    run["meta"].update(load_at_start=3.5, cpus=2)

    assert "WARNING: the machine was busy (load 3.5 on 2 cores)" in report.render(run)
    run["meta"]["load_at_start"] = 0.4
    assert "WARNING" not in report.render(run)


class CutOffCsv(http.server.BaseHTTPRequestHandler):
    """A 200 whose chunked body stops mid-stream, as when gunicorn's timeout kills the worker streaming it."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        rows = b"slug,title\r\na,One\r\nb,Two\r\n"
        self.wfile.write(b"%x\r\n%s\r\n" % (len(rows), rows))
        self.wfile.flush()
        self.close_connection = True  # no terminating zero-length chunk

    def log_message(self, *args):
        pass


class NoMemory:
    growth = peak_total = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def test_a_csv_cut_off_by_the_server_is_reported_truncated_not_complete():
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), CutOffCsv) as cut_off:
        threading.Thread(target=cut_off.handle_request, daemon=True).start()

        result = oneshot.fetch_csv(cut_off.server_port, "/agreements/csv/", 1000, NoMemory)

    assert (result.status, result.rows, result.stream_complete) == (200, 2, False)
    assert result.as_dict()["outcome"] == "TRUNCATED: the body was cut off after 2 of 1,000 rows"
    assert not result.as_dict()["ok"]


def test_the_server_runs_with_debug_off_the_cache_switch_and_a_rate_it_never_reaches(tmp_path):
    env = server.server_environment({"DATABASE_URL": "postgres://db/x", "DEBUG": "true"}, static_root=tmp_path,
                                    port=8123, response_cache=True)

    assert env["DATABASE_URL"] == "postgres://db/x"
    assert (env["DEBUG"], env["RESPONSE_CACHE"], env["GUNICORN_BIND"]) == ("false", "true", "127.0.0.1:8123")
    assert env["API_RATE_ANONYMOUS"] == "1000000/min"
    assert env["SECRET_KEY"]


def test_the_memory_of_a_process_and_its_children_is_read_from_proc():
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert child.pid in server.children_of(os.getpid())
        with server.MemorySampler(lambda: [os.getpid(), child.pid]) as memory:
            pass
        assert memory.peak_total > memory.peak_process > 0
    finally:
        child.kill()
        child.wait()


# --- --profile: where a scenario's time goes ---------------------------------------------------------

def test_profile_shows_each_urls_time_its_slowest_statements_and_a_python_profile(small_registry, tmp_path):
    from registry.benchmark import profile

    [result] = profile.profile(["/agreements/?vendor=acme&status=active"], tmp_path)
    assert result.status == 200
    assert result.statements and result.total_ms >= result.sql_ms > 0
    assert "contracts_agreement" in " ".join(statement.sql for statement in result.statements)
    text = profile.render("agreements", [result])
    assert text.startswith("--- agreements: /agreements/?vendor=acme&status=active → 200:")
    assert "Python (cProfile, cumulative):" in text and "registry/pages.py" in text
    if connection.vendor == "postgresql":
        assert "Execution Time" in result.explain
    else:
        assert result.explain == ""


def test_bench_profile_runs_no_server_and_prints_every_chosen_scenario(small_registry, capsys):
    call_command("bench", "--profile", "1", "--scenarios", "agreements,api-list")
    printed = capsys.readouterr().out
    assert "--- agreements: /agreements/?vendor=" in printed
    assert "--- api-list: /api/v1/agreements/?vendor=" in printed
    assert printed.index("--- api-list") < printed.index("--- agreements")  # the mix's order
    assert "--- changes" not in printed


# --- the cached run starts warm ------------------------------------------------------------------------

class Counting(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        Counting.seen.append((self.path, self.headers.get("Connection")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_priming_requests_every_url_each_pass_on_a_new_connection():
    from registry.benchmark import server

    Counting.seen = []
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting) as counting:
        threading.Thread(target=counting.serve_forever, daemon=True).start()
        server.prime(f"http://127.0.0.1:{counting.server_address[1]}", ["/a/", "/b/?q=1"], passes=3)
        counting.shutdown()
    assert [path for path, _ in Counting.seen] == ["/a/", "/b/?q=1"] * 3
    assert {connection for _, connection in Counting.seen} == {"close"}


def test_a_shared_cache_is_primed_once_and_each_workers_own_three_times_per_worker():
    from registry.benchmark.runner import priming_passes

    assert priming_passes({"REDIS_URL": "redis://127.0.0.1:6379/15", "GUNICORN_WORKERS": "4"}) == 1
    assert priming_passes({"GUNICORN_WORKERS": "2"}) == 6
    assert priming_passes({"GUNICORN_WORKERS": "5"}) == 15
