"""A record's revisions, read from the change log: each public change (a ChangeLog row with its public id)
that touched the record or its parts is a revision, numbered 1, 2, 3… in the order the changes were made.
Its public change id is the revision's id in URLs (``/<type>/<slug>/revisions/<change id>/``): gapless
across the registry and silent about drafts.

Every function here runs a fixed number of queries, whatever the number of revisions.
"""

import datetime

from django import forms
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Window
from django.db.models.functions import Lag, RowNumber
from django.utils import timezone

from registry.models import ChangeLog

HISTORY_PAGE_SIZE = 50


def record_changes(record_type, slug):
    """The record's public ChangeLog rows (any order)."""
    return ChangeLog.objects.public().filter(record_type=record_type.name, slug=slug)


def first_of_its_set():
    """The first public change id of a row's change set: the change set's public id (``/changes/<id>/``)."""
    return Subquery(ChangeLog.objects.public().filter(change_set=OuterRef("change_set"))
                    .order_by("public_id").values("public_id")[:1])


def revision(record_type, slug, change_id):
    """The public change ``change_id`` of the record, with ``number`` (1 for its first public change),
    ``total``, ``previous_id`` and ``next_id`` (public change ids of the record's revisions around it, or
    None) and ``set_id``; None when no such change touched the record. Two queries."""
    changes = record_changes(record_type, slug)
    change = changes.filter(public_id=change_id).annotate(set_id=first_of_its_set()).first()
    if change is None:
        return None
    around = changes.aggregate(
        total=Count("pk"), number=Count("pk", filter=Q(public_id__lte=change_id)),
        previous_id=Max("public_id", filter=Q(public_id__lt=change_id)),
        next_id=Min("public_id", filter=Q(public_id__gt=change_id)))
    for name, value in around.items():
        setattr(change, name, value)
    return change


def revisions_by_id(record_type, slug, change_ids):
    """{public change id: change with ``number`` and ``total``} of those of ``change_ids`` that are
    revisions of the record: two queries."""
    changes = record_changes(record_type, slug)
    found = {change.public_id: change for change in changes.filter(public_id__in=change_ids)}
    if not found:
        return {}
    counts = changes.aggregate(total=Count("pk"), **{f"n{change_id}": Count("pk", filter=Q(public_id__lte=change_id))
                                                     for change_id in found})
    for change_id, change in found.items():
        change.number, change.total = counts[f"n{change_id}"], counts["total"]
    return found


def history_page(record_type, slug, page, size=None):
    """(rows, more) for page ``page`` (1 is the newest) of the record's revisions, newest first, each with
    ``number``, ``total`` and ``previous_id`` (the revision before it, for its diff): one query."""
    size = size or HISTORY_PAGE_SIZE
    ordered = F("public_id").asc()
    rows = list(record_changes(record_type, slug).annotate(
        number=Window(RowNumber(), order_by=ordered), total=Window(Count("pk")),
        previous_id=Window(Lag("public_id"), order_by=ordered),
    ).order_by("-public_id")[(page - 1) * size:page * size + 1])
    return rows[:size], len(rows) > size


def revision_at(record_type, slug, moment):
    """The record's revision in force at ``moment``: its latest public change made by then, or None."""
    return record_changes(record_type, slug).filter(at__lte=moment).order_by("-public_id").first()


class AsOfForm(forms.Form):
    """The as-of picker: a day (``YYYY-MM-DD``); the revision in force at the end of that day, UTC."""

    as_of = forms.DateField(
        label="Date", input_formats=["%Y-%m-%d"],
        error_messages={"required": "Choose a date.", "invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-03-01."})

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day.year < 1900:
            raise forms.ValidationError("Choose a date from 1900 on.")
        # Today anywhere on Earth (UTC+14) is not a day to come; a later day's record is not known yet.
        if day > (timezone.now() + datetime.timedelta(hours=14)).date():
            raise forms.ValidationError("Choose a date no later than today.")
        return day

    @property
    def moment(self):
        """The end of the chosen day, UTC (or now, for a day not over yet)."""
        end = datetime.datetime.combine(self.cleaned_data["as_of"], datetime.time.max, tzinfo=datetime.UTC)
        return min(end, timezone.now())
