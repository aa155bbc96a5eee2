"""export_bulk streams: exporting a registry five times larger (synthetic, through generate_synthetic) needs
no more memory at its peak. Measured with tracemalloc (Python's own allocations), not timed; the chunks are
made small so that both registries span many of them, as a large registry spans chunks of 500."""

import io
import tracemalloc

import pytest
from django.core.management import call_command
from django.db import transaction

pytestmark = pytest.mark.django_db

CHUNK = 5
SMALL, LARGE = 12, 60


def peak_while_exporting(agreements, folder):
    """The peak of memory allocated by export_bulk of a synthetic registry of ``agreements`` (rolled back after)."""
    with transaction.atomic():
        call_command("generate_synthetic", agreements=agreements, seed=7, stdout=io.StringIO())
        tracemalloc.start()
        try:
            call_command("export_bulk", str(folder), stdout=io.StringIO())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        transaction.set_rollback(True)
    return peak


def test_memory_stays_flat_however_many_records_are_exported(tmp_path, monkeypatch):
    monkeypatch.setattr("registry.bulk.records.CHUNK_SIZE", CHUNK)
    monkeypatch.setattr("registry.exports.CHUNK_SIZE", CHUNK)
    monkeypatch.setattr("contracts.ocds.packages.BULK_CHUNK", CHUNK)

    small = peak_while_exporting(SMALL, tmp_path / "small")
    large = peak_while_exporting(LARGE, tmp_path / "large")

    assert (tmp_path / "large").is_dir() and small > 0
    # Five times the records, and about five times the bytes written: the peak stays within a quarter of the
    # small export's (one chunk of records, plus what does not depend on size).
    assert large < small * 1.25, (small, large)
