"""The benchmark behind ``manage.py bench`` and ``make bench`` (docs/benchmark.md).

- ``scenarios``: the fixed mix, and the URLs each scenario cycles through, drawn from the database with a seed.
- ``server``: the site under gunicorn as ``make serve`` runs it, on a free loopback port, and its memory.
- ``wrk``: the load generator's Lua script and the reading of its output.
- ``queries``: queries per request, counted in-process; the list scenario's own SQL for the floor.
- ``floor``: that SQL as ``json_agg`` under pgbench, at the same concurrency.
- ``oneshot``: the scenarios that are one long request (the full CSVs) or a command (``export_bulk``).
- ``report``: medians, the table, growth between two sizes, JSON.
- ``runner``: one benchmark of the current database, in that order; ``prepare``: a database made ready for it.
"""
