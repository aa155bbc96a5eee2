"""The seed, loaded through the write path, fills the timeline table, and ``rebuild_timeline`` rewrites it to
the same entries."""

import io

import pytest
from django.core.management import call_command

from registry.models import TimelineEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def table():
    return {(e.record_type, e.slug, e.kind, e.date, e.date_precision, e.recorded_at, e.title,
             frozenset(s.record_type + str(s.record_id) for s in e.subjects.all()))
            for e in TimelineEntry.objects.prefetch_related("subjects")}


def test_loading_the_seed_writes_the_timeline_and_a_rebuild_changes_nothing():
    loaded = table()
    assert ("designation", "dow-2026-anthropic-scr-10usc3252", "designation.announced") in {row[:3] for row in loaded}

    call_command("rebuild_timeline", stdout=io.StringIO())

    assert table() == loaded


def test_the_seeds_month_only_dates_are_written_as_months(client):
    page = client.get("/timeline/?vendor=palantir&kind=agreement.announced").content.decode()

    assert '<time datetime="2024-03">March 2024</time>' in page
    assert "1 March 2024" not in page


def test_each_fact_is_recorded_at_the_time_of_the_change_that_stated_it():
    from registry.models import ChangeLog

    changes = {(c.record_type, c.slug): c.at for c in ChangeLog.objects.public().filter(action="created")}
    entries = list(TimelineEntry.objects.all())

    assert entries and all(entry.recorded_at == changes[entry.record_type, entry.slug] for entry in entries)
