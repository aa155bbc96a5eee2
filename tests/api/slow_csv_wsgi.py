"""The site with every CSV row slowed down (CSV_ROW_DELAY seconds), for the test that a CSV export longer
than gunicorn's worker timeout completes or fails visibly. Test-only: `gunicorn tests.api.slow_csv_wsgi`."""

import importlib
import os
import time

from registry.wsgi import application  # noqa: F401 -- sets Django up before the exports are imported

exports = importlib.import_module("registry.exports")

DELAY = float(os.environ.get("CSV_ROW_DELAY", "0.1"))
stream_rows = exports.stream_rows


def slow_stream_rows(*args, **kwargs):
    for line in stream_rows(*args, **kwargs):
        time.sleep(DELAY)
        yield line


exports.stream_rows = slow_stream_rows
