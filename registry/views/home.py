"""The home page: what the registry holds, the latest changes, and the sections other apps add
(registry/sections.py: e.g. the designations in effect today)."""

from django.db.models import F
from django.views.generic import TemplateView

from registry import sections
from registry.feeds import records_of
from registry.freshness import research_cutoff
from registry.interchange import in_page_order
from registry.models import ChangeLog, ChangeSet
from registry.pages import as_of_latest_change

LATEST_CHANGE_SETS = 10


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = as_of_latest_change("home-counts", lambda: [t.model.objects.public().count() for t in in_page_order()])
        context["counts"] = list(zip(in_page_order(), counts, strict=True))
        context["latest_changes"] = latest_change_sets()
        context["cutoff"] = research_cutoff()
        context["sections"] = sections.parts(sections.HOME)  # e.g. disclosures' designations in effect today
        return context


def changes_with_titles(changes):
    """Change rows with their record (title, URL), one query per record type present."""
    changes = list(changes)
    records = records_of(changes)
    for change in changes:
        change.record = records.get((change.record_type, change.slug))
    return changes


def latest_change_sets(limit=LATEST_CHANGE_SETS, before=None):
    """The latest public change sets, one line each: a change set of one record names it; a larger one
    is folded into one line ("399 records loaded: seed data"). One query for the sets (their public counts
    are kept on each set when it is written, so this reads ``limit`` rows of an index whatever the size of the
    registry), one for the changes of the one-record sets, one per record type among those. ``before``: only
    the sets made before the public change of that id (the next page of /changes/). Each set's ``public_id``
    is its first public change id: its address, /changes/<public_id>/."""
    sets = ChangeSet.objects.filter(first_public_id__isnull=False)
    if before is not None:  # a set's public ids are consecutive (services._write_change_set)
        sets = sets.filter(first_public_id__lt=before)
    change_sets = list(sets.annotate(
        public_id=F("first_public_id"), records=F("public_records"), created=F("public_created"),
        retracted=F("public_retracted"),
    ).order_by("-first_public_id")[:limit])
    single = {change.change_set_id: change for change in changes_with_titles(
        ChangeLog.objects.public().filter(change_set__in=[s.pk for s in change_sets if s.records == 1]))}
    for change_set in change_sets:
        change_set.change = single.get(change_set.pk)
        change_set.summary = fold(change_set)
    return change_sets


def fold(change_set):
    """'399 records loaded', '3 records changed (1 added, 1 retracted)'."""
    if change_set.created == change_set.records:
        return f"{change_set.records} records loaded"
    parts = [f"{count} {word}" for count, word in ((change_set.created, "added"), (change_set.retracted, "retracted"))
             if count]
    return f"{change_set.records} records changed" + (f" ({', '.join(parts)})" if parts else "")
