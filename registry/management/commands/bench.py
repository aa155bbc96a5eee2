from django.core.management.base import BaseCommand, CommandError

from registry.benchmark import prepare, report, scenarios
from registry.benchmark.runner import Benchmark, Options


def scenario_names(text):
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    try:
        scenarios.chosen(names)
    except ValueError as error:
        raise CommandError(str(error)) from None
    return names


class Command(BaseCommand):
    help = ("Benchmark the site on the current database (docs/benchmark.md): run it under gunicorn as `make serve` "
            "does, drive a fixed mix of requests with wrk on loopback, with the response cache off and then on, and "
            "print per scenario requests/s, p50/p95/p99, errors, queries per request and the server's peak memory; "
            "the full CSVs, export_bulk, and the floor (the API list's own SQL under pgbench). With --compare, print "
            "saved runs and the growth between them.")

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds per run (default 10).")
        parser.add_argument("--connections", type=int, default=4, help="Concurrent connections (default 4).")
        parser.add_argument("--runs", type=int, default=2, help="Runs per scenario; medians are reported (default 2).")
        parser.add_argument("--warmup", type=int, default=2, help="Seconds of unrecorded load first (default 2).")
        parser.add_argument("--seed", type=int, default=13, help="Seed of the filter values drawn (default 13).")
        parser.add_argument("--scenarios", type=scenario_names, default=(),
                            help=f"Comma-separated subset of: {', '.join(scenarios.BY_NAME)}.")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn workers (default: gunicorn.conf.py's, GUNICORN_WORKERS or 2 x cores + 1).")
        parser.add_argument("--cache", choices=["off", "on", "both"], default="both",
                            help="Run with the response cache off, on, or off and then on (default both).")
        parser.add_argument("--cache-redis", metavar="URL", default="",
                            help="With the response cache on, keep it and the throttle's counts in this Redis "
                                 "(REDIS_URL of the server), as a deployment with more than one worker does; "
                                 "its database is emptied first, so give one only the bench uses "
                                 "(make bench: redis://127.0.0.1:6379/15). Default: each worker's memory.")
        parser.add_argument("--json", metavar="FILE", help="Write the result as JSON, to compare runs.")
        parser.add_argument("--prepare", action="store_true",
                            help="First create (PostgreSQL) and migrate the database, and fill it when it holds no "
                                 "records: generate_synthetic --seed 13 with --agreements or the size in its name.")
        parser.add_argument("--agreements", type=int, default=None,
                            help="With --prepare: how many synthetic agreements (default: from the database's name, "
                                 "e.g. bench_10k).")
        parser.add_argument("--profile", type=int, default=0, metavar="N",
                            help="Benchmark nothing: answer N distinct URLs of each chosen scenario in this process and "
                                 "print its time, its slowest SQL with EXPLAIN ANALYZE, and a Python profile.")
        parser.add_argument("--compare", nargs="+", metavar="FILE",
                            help="Benchmark nothing: print the saved runs (--json files) and the p95 growth between them.")

    def handle(self, *args, **options):
        if options["compare"]:
            return self.compare(options["compare"])
        if min(options["duration"], options["connections"], options["runs"]) < 1:
            raise CommandError("--duration, --connections and --runs take whole numbers from 1.")
        say = self.stdout.write
        if options["prepare"]:
            try:
                prepare.prepare(options["agreements"], say=say)
            except prepare.PrepareError as error:
                raise CommandError(str(error)) from None
        if options["profile"] > 0:
            self.stdout.write(Benchmark(Options(seed=options["seed"], scenario_names=options["scenarios"]),
                                        say=say).profile(options["profile"]))
            return
        modes = ("off", "on") if options["cache"] == "both" else (options["cache"],)
        benchmark = Benchmark(Options(
            duration_s=options["duration"], connections=options["connections"], runs=options["runs"],
            warmup_s=options["warmup"], seed=options["seed"], scenario_names=options["scenarios"],
            workers=options["workers"], cache_modes=modes, cache_redis_url=options["cache_redis"]), say=say)
        if benchmark.missing_tools():
            raise CommandError(f"Not installed: {'; '.join(benchmark.missing_tools())}.")
        result = benchmark.run()
        if options["json"]:
            report.write_json(result, options["json"])
        self.stdout.write("")
        self.stdout.write(report.render(result))
        if report.failed(result):
            raise CommandError("Some scenarios failed (errors, an incomplete CSV or a failed export): see FAIL above.")

    def compare(self, paths):
        try:
            results = [report.read_json(path) for path in paths]
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read a saved run: {error}") from None
        self.stdout.write(report.render_comparison(results))
