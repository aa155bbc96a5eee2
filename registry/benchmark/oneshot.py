"""The scenarios that are one long piece of work: the full CSV of all agreements (one request, checked row by
row against the database: a 200 with fewer rows is a failure, never a result), and ``export_bulk``."""

import csv
import http.client
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

CSV_TIMEOUT_S = 1800
TIME = "/usr/bin/time"


@dataclass
class CsvResult:
    path: str
    status: int
    seconds: float
    bytes: int
    rows: int
    expected_rows: int
    stream_complete: bool  # the body ended as HTTP framing says (not cut off by a killed worker)
    pointer: str = ""  # a refusal's Location or the start of its body
    server_growth_mb: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def verdict(self):
        return csv_verdict(self.status, self.rows, self.expected_rows, self.stream_complete, self.pointer)

    def as_dict(self):
        outcome, ok = self.verdict
        return {**asdict(self), "outcome": outcome, "ok": ok}


def csv_verdict(status, rows, expected, stream_complete, pointer=""):
    """(outcome in words, acceptable?). A 200 must hold every row, no more and no fewer, in a complete body; a
    refusal is acceptable only when it points to the bulk files (/data/)."""
    if status == 200:
        if not stream_complete:
            return f"TRUNCATED: the body was cut off after {rows:,} of {expected:,} rows", False
        if rows != expected:
            return f"WRONG: {rows:,} rows, the database holds {expected:,}", False
        return f"complete: {rows:,} rows", True
    if 300 <= status < 500 and "/data/" in pointer:
        return f"refused ({status}), points to the bulk files", True
    return f"FAILED: HTTP {status}", False


def count_csv_rows(path):
    """Data rows (the header excluded) of a CSV file, reading quoted line breaks as the CSV reader does."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        try:
            return max(0, sum(1 for _ in csv.reader(handle)) - 1)
        except csv.Error:
            return 0


def fetch_csv(port, path, expected_rows, sampler_factory):
    """One GET of ``path`` streamed to a temporary file: time, bytes, rows, and the server's memory meanwhile."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CSV_TIMEOUT_S)
    status, size, complete, pointer = 0, 0, True, ""
    with tempfile.NamedTemporaryFile(suffix=".csv") as body, sampler_factory() as memory:
        started = time.monotonic()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            status = response.status
            if 300 <= status < 400:
                pointer = response.getheader("Location", "")
            while chunk := response.read(1 << 16):
                body.write(chunk)
                size += len(chunk)
        except http.client.IncompleteRead as cut:
            body.write(cut.partial)
            size += len(cut.partial)
            complete = False
        except (ConnectionError, http.client.HTTPException, TimeoutError):
            complete = False
        finally:
            connection.close()
        seconds = time.monotonic() - started
        body.flush()
        rows = count_csv_rows(body.name)
        if status != 200:
            pointer = pointer or Path(body.name).read_text(encoding="utf-8", errors="replace")[:500]
    return CsvResult(path=path, status=status, seconds=round(seconds, 2), bytes=size, rows=rows,
                     expected_rows=expected_rows, stream_complete=complete, pointer=pointer,
                     server_growth_mb=round(memory.growth / 2**20, 1),
                     peak_rss_mb=round(memory.peak_total / 2**20, 1))


def expected_agreement_rows():
    from contracts.models import Agreement

    return Agreement.objects.listed().count()


# --- export_bulk ---------------------------------------------------------------------------------

@dataclass
class CommandResult:
    seconds: float
    peak_rss_mb: float | None
    ok: bool
    output: str = ""

    def as_dict(self):
        return asdict(self)


def parse_time_v(text):
    """Peak resident memory (MB) from ``/usr/bin/time -v``'s report."""
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return round(int(found.group(1)) / 1024, 1) if found else None


# Without /usr/bin/time, the command reports its own peak in time's words (ru_maxrss is in kB on Linux).
SELF_REPORTING = """\
import resource, runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"Maximum resident set size (kbytes): {peak}", file=sys.stderr)
"""


def run_export_bulk():
    """``manage.py export_bulk`` into a temporary folder, in its own process: wall time and peak memory."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        arguments = ["manage.py", "export_bulk", folder]
        if Path(TIME).exists():
            command = [TIME, "-v", sys.executable, *arguments]
        else:
            command = [sys.executable, "-c", SELF_REPORTING, *arguments]
        started = time.monotonic()
        finished = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False)  # noqa: S603 - our own manage.py command
        seconds = time.monotonic() - started
    peak = parse_time_v(finished.stderr)
    tail = "" if finished.returncode == 0 else finished.stderr.strip()[-2000:]
    return CommandResult(seconds=round(seconds, 1), peak_rss_mb=peak, ok=finished.returncode == 0, output=tail)
