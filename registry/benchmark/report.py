"""The report: medians of a scenario's runs, the targets of issue 13, the plain table, the growth between two
sizes of registry, and the JSON a run is saved as (``--json``) to compare runs."""

import json
import statistics
from dataclasses import dataclass

GROWTH_LIMIT = 1.5  # p95 at 100k / p95 at 10k, for every paged scenario
CACHE_GAIN = {"api_list": 2.0, "other": 3.0}  # the cached rate over the uncached one, at least
MB = 2**20


@dataclass(frozen=True)
class Target:
    """What issue 13 asks of a scenario at 100,000 agreements on PostgreSQL, response cache off."""

    min_rate: float | None = None
    max_p95_ms: float | None = None

    def describe(self):
        parts = []
        if self.min_rate is not None:
            parts.append(f">={self.min_rate:g}/s")
        if self.max_p95_ms is not None:
            parts.append(f"p95<={self.max_p95_ms:g}ms")
        return " ".join(parts)

    def met(self, median):
        return (median["requests"] > 0
                and (self.min_rate is None or median["rate"] >= self.min_rate)
                and (self.max_p95_ms is None or median["p95_ms"] <= self.max_p95_ms))


TARGETS = {
    "api-list": Target(min_rate=150, max_p95_ms=50),
    "api-detail": Target(max_p95_ms=20),
    "api-search": Target(max_p95_ms=100),
    "search": Target(max_p95_ms=100),
    "changes": Target(max_p95_ms=30),
    "agreements": Target(max_p95_ms=100),
    "term-matrix": Target(max_p95_ms=100),
    "agreement": Target(max_p95_ms=100),
    "home": Target(max_p95_ms=100),
    "timeline": Target(max_p95_ms=100),
}


# --- medians --------------------------------------------------------------------------------------

def summarise(runs):
    """One line for a scenario's runs (dicts of WrkRun.as_dict()): medians of rates and latencies, the errors of
    all runs together (any error fails the row), the highest memory peak, the median load average."""
    if not runs:
        return None
    median = {key: round(statistics.median(run[key] for run in runs), 2)
              for key in ("rate", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "load_1m")}
    median["requests"] = sum(run["requests"] for run in runs)
    median["non2xx"] = sum(run["non2xx"] for run in runs)
    median["socket_errors"] = sum(run["socket_errors"] for run in runs)
    median["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
    median["failed"] = any(run["non2xx"] or run["socket_errors"] or not run["requests"] for run in runs)
    return median


def cache_gain_needed(scenario):
    return CACHE_GAIN["api_list"] if scenario.get("api_list") else CACHE_GAIN["other"]


def target_verdict(name, scenario, mode):
    """The target text and whether it is met ('' when the scenario has none in that mode)."""
    median = scenario.get(mode, {}).get("median")
    if not median:
        return ""
    if mode == "on":
        uncached = scenario.get("off", {}).get("median")
        if not uncached or not uncached["rate"]:
            return ""
        needed = cache_gain_needed(scenario)
        gain = median["rate"] / uncached["rate"]
        return f"x{gain:.1f} of uncached (>=x{needed:g}) {'ok' if gain >= needed else 'MISSED'}"
    target = TARGETS.get(name)
    if target is None:
        return ""
    return f"{target.describe()} {'ok' if target.met(median) else 'MISSED'}"


# --- the table ----------------------------------------------------------------------------------

def errors_text(median):
    if not median["failed"]:
        return "0"
    if not median["requests"]:
        return "FAIL: no requests"
    return f"FAIL: {median['non2xx']} non-2xx, {median['socket_errors']} socket"


def queries_text(counts):
    if not counts:
        return "-"
    distinct = sorted(set(counts))
    return str(distinct[0]) if len(distinct) == 1 else "/".join(str(count) for count in counts)


def format_table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])


LOAD_HEADERS = ["scenario", "cache", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "queries", "peak MB", "load",
                "rows", "target (100k)"]


def load_rows(result):
    rows = []
    for name, scenario in result.get("load", {}).items():
        first = True
        for mode in ("off", "on"):
            median = scenario.get(mode, {}).get("median")
            if not median:
                continue
            # counted once, in-process with the cache off: shown on the scenario's first row
            counted = queries_text(scenario.get("queries")) if first else ""
            first = False
            rows.append([name, mode, f"{median['rate']:.1f}", f"{median['p50_ms']:.1f}", f"{median['p95_ms']:.1f}",
                         f"{median['p99_ms']:.1f}", errors_text(median), counted,
                         f"{median['peak_rss_mb']:.0f}", f"{median['load_1m']:.2f}",
                         "-" if scenario.get("result_size") is None else scenario["result_size"],
                         target_verdict(name, scenario, mode)])
    return rows


def render(result):
    """The whole report of one run as plain text."""
    meta = result["meta"]
    lines = [f"Benchmark of {meta['database']} ({meta['vendor']}): {meta['agreements']:,} public agreements, "
             f"{meta['workers']} gunicorn workers, {meta['connections']} connections, {meta['duration_s']} s x "
             f"{meta['runs']} runs per scenario (medians), seed {meta['seed']}; load average at start "
             f"{meta['load_at_start']:.2f}; the response cache, when on, primed and kept in "
             f"{meta.get('cached_in', 'worker memory')}"
             + (f"; CPU calibration {meta['cpu_calibration_ms']} ms (a fixed Python loop: lower is faster)"
                if meta.get("cpu_calibration_ms") else "") + ".", ""]
    if busy(meta):
        lines[-1:-1] = [f"WARNING: the machine was busy (load {meta['load_at_start']:.1f} on {meta['cpus']} cores): other "
                        "work shared the cores, so these figures are not comparable with a quiet run."]
    rows = load_rows(result)
    if rows:
        lines += [format_table(LOAD_HEADERS, rows), ""]
    for name, csv_result in result.get("csv", {}).items():
        lines.append(f"{name}: {csv_result['outcome']}, HTTP {csv_result['status']}, {csv_result['seconds']:.1f} s, "
                     f"{csv_result['bytes'] / MB:.1f} MB; server memory +{csv_result['server_growth_mb']:.0f} MB "
                     f"(peak {csv_result['peak_rss_mb']:.0f} MB){'' if csv_result['ok'] else '  FAIL'}")
    command = result.get("command", {}).get("export-bulk")
    if command:
        peak = "?" if command["peak_rss_mb"] is None else f"{command['peak_rss_mb']:.0f}"
        lines.append(f"export-bulk: {'done' if command['ok'] else 'FAILED'} in {command['seconds']:.1f} s, "
                     f"peak memory {peak} MB")
    floor = result.get("floor")
    if floor:
        lines.append(floor_text(floor))
    return "\n".join(lines).rstrip() + "\n"


def busy(meta):
    """Something else held more than half of the cores when the run started."""
    return bool(meta.get("cpus")) and meta["load_at_start"] > meta["cpus"] / 2


def floor_text(floor):
    if floor.get("skipped"):
        return f"floor: skipped ({floor['skipped']})."
    if floor.get("error"):
        return f"floor: FAILED ({floor['error']})."
    text = (f"floor: the API list's page query as json_agg of {floor['rows']} rows, pgbench -c {floor['clients']}: "
            f"{floor['tps']:.0f}/s")
    if floor.get("share") is not None:
        text += f"; the API list runs at {floor['api_rate']:.1f}/s = {floor['share']:.1%} of it"
    return text + "."


def failed(result):
    """Whether any row failed: errors in a load run, an incomplete CSV, a failed floor or export."""
    for scenario in result.get("load", {}).values():
        if any(scenario.get(mode, {}).get("median", {}).get("failed") for mode in ("off", "on")):
            return True
    if any(not csv_result["ok"] for csv_result in result.get("csv", {}).values()):
        return True
    if (result.get("floor") or {}).get("error"):
        return True
    command = result.get("command", {}).get("export-bulk")
    return bool(command and not command["ok"])


def floor_share(api_rate, floor_tps):
    return api_rate / floor_tps if floor_tps else None


# --- growth between two sizes -------------------------------------------------------------------

def growth(smaller, larger):
    """Rows of (scenario, mode, p95 small, p95 large, ratio, verdict) for the load scenarios both runs have.
    The limit applies to paged scenarios; a row whose answers differ in size between the runs says so."""
    rows = []
    for name, small in smaller.get("load", {}).items():
        large = larger.get("load", {}).get(name)
        if not large:
            continue
        for mode in ("off", "on"):
            a, b = small.get(mode, {}).get("median"), large.get(mode, {}).get("median")
            if not a or not b or not a["p95_ms"]:
                continue
            ratio = b["p95_ms"] / a["p95_ms"]
            if small.get("result_size") != large.get("result_size"):
                verdict = f"not comparable: {small.get('result_size')} vs {large.get('result_size')} rows"
            elif small.get("paged"):
                verdict = "ok" if ratio <= GROWTH_LIMIT else f"MISSED (<= x{GROWTH_LIMIT:g})"
            else:
                verdict = ""
            rows.append([name, mode, f"{a['p95_ms']:.1f}", f"{b['p95_ms']:.1f}", f"x{ratio:.2f}", verdict])
    return rows


def render_comparison(results):
    """Every run's table, smallest registry first, then the growth from each size to the next."""
    ordered = sorted(results, key=lambda result: result["meta"]["agreements"])
    parts = [render(result) for result in ordered]
    for smaller, larger in zip(ordered, ordered[1:], strict=False):
        a, b = smaller["meta"]["agreements"], larger["meta"]["agreements"]
        headers = ["scenario", "cache", f"p95 {a:,}", f"p95 {b:,}", "growth", f"paged: <= x{GROWTH_LIMIT:g}"]
        parts.append(f"Growth of p95 from {a:,} to {b:,} agreements:\n" + format_table(headers, growth(smaller, larger))
                     + "\n")
    return "\n".join(parts)


# --- JSON -----------------------------------------------------------------------------------------

def write_json(result, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2, sort_keys=False)
        handle.write("\n")


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
