"""A record's history, for every public record type (registry/history_urls.py):

- ``/<type>/<slug>/revisions/<change id>/``: the record as the registry stated it just after that public
  change, with its parts (registry/history.py), read in words (registry/readable.py);
- ``/<type>/<slug>/revisions/?as_of=YYYY-MM-DD``: to the revision in force at the end of that day (UTC);
- ``/<type>/<slug>/history/``: every revision, newest first, and a form to compare any two;
- ``/<type>/<slug>/history/diff/?from=<change id>&to=<change id>``: what changed between two revisions;
- ``/changes/`` and ``/changes/<change id>/``: every public change set, folded into one line, and the
  records one set touched.

Change ids are public change ids (ChangeLog.public_id): gapless, never a draft's.
"""

from types import SimpleNamespace

from django import forms
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from registry.citing import cite
from registry.diff import version_diff
from registry.history import version_as_of
from registry.interchange import by_name
from registry.models import ChangeLog
from registry.readable import Reader, describe
from registry.revisions import (
    AsOfForm,
    first_of_its_set,
    history_page,
    revision,
    revision_at,
    revisions_by_id,
)
from registry.views.home import changes_with_titles, fold, latest_change_sets

CHANGES_PAGE_SIZE = 50
CHANGE_SET_PAGE_SIZE = 100


# Change ids are 64-bit in the database; a larger number names no change (and would overflow the query).
MAX_CHANGE_ID = 2 ** 63 - 1
MAX_PAGE = 10 ** 6


def change_id_field(label, **kwargs):
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_CHANGE_ID, **kwargs, error_messages={
        "required": "Choose a revision.", "invalid": "A revision is a public change id: a whole number, e.g. 12.",
        "max_value": "No change has so large an id."})


# "from" is a Python keyword: the form is built from a dict of its fields.
DiffForm = type("DiffForm", (forms.Form,), {"from": change_id_field("From revision"),
                                             "to": change_id_field("To revision")})


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE,
                              error_messages={"invalid": "A page is a whole number, e.g. 2."})


class BeforeForm(forms.Form):
    before = change_id_field("Before", required=False)


def kind_of(change):
    """The kind of record a change concerns, in words: "public term"."""
    return by_name(change.record_type).model._meta.verbose_name


class AfterForm(forms.Form):
    after = change_id_field("After", required=False)


class RecordHistoryView(View):
    record_type = None  # the record type's name, given by the URL conf

    @property
    def type(self):
        return by_name(self.record_type)

    def published_record(self, slug):
        """The record (published, retracted or not: its history stays readable) or a 404."""
        record = self.type.model.objects.published().filter(slug=slug).first()
        if record is None:
            raise Http404(f"No {self.record_type} has the slug “{slug}”.")
        return record

    def permalink(self, slug, change_id):
        return f"/{self.type.path}/{slug}/revisions/{change_id}/"


class RevisionView(RecordHistoryView):
    """The record as it stood just after one public change: revision, version, reader (a fixed number of queries)."""

    def get(self, request, slug, change_id):
        change = revision(self.type, slug, change_id) if change_id <= MAX_CHANGE_ID else None
        if change is None:
            raise Http404(f"No public change {change_id} of the {self.record_type} “{slug}”.")
        version = version_as_of(self.type, slug, change.at)
        if version is None:  # a change logged before its record was public: never a revision
            raise Http404(f"The {self.record_type} “{slug}” was not public at change {change_id}.")
        reader = Reader(self.type, version.loaded)
        context = {
            "record_type": self.type, "record": version.record, "change": change, "facts":
                reader.facts(version.statement),
            "citations": list(enumerate(reader.items("citations", version.data.get("citations")), start=1)),
            "cite": cite(request, version.record, self.type, change, change.number),
            "history_url": f"/{self.type.path}/{slug}/history/",
        }
        return render(request, "registry/revision.html", context)


class RevisionAsOfView(RecordHistoryView):
    """``?as_of=YYYY-MM-DD``: a 302 to the revision in force at the end of that day (UTC); a 404 page saying
    the record was not public then; a 400 form error for a bad date. Without ``as_of``: the history page."""

    def get(self, request, slug):
        record = self.published_record(slug)
        if "as_of" not in request.GET:
            return redirect(f"/{self.type.path}/{slug}/history/")
        form = AsOfForm(request.GET)
        context = {"record": record, "record_type": self.type, "form": form}
        if not form.is_valid():
            return render(request, "registry/as_of.html", context, status=400)
        change = revision_at(self.type, slug, form.moment)
        if change is None:
            return render(request, "registry/as_of.html", {**context, "not_yet": form.cleaned_data["as_of"]},
                          status=404)
        return redirect(self.permalink(slug, change.public_id))


class HistoryView(RecordHistoryView):
    """Every revision, newest first, paginated; each with its permalink and its diff with the one before."""

    def get(self, request, slug):
        record = self.published_record(slug)
        form = PageForm(request.GET)
        context = {"record": record, "record_type": self.type, "form": form, "rows": [], "page": 1}
        if not form.is_valid():
            return render(request, "registry/history.html", context, status=400)
        page = form.cleaned_data["page"] or 1
        rows, more = history_page(self.type, slug, page)
        if not rows and page > 1:
            raise Http404(f"The history of “{slug}” has no page {page}.")
        context.update(rows=rows, more=more, page=page, total=rows[0].total if rows else 0)
        return render(request, "registry/history.html", context)


class DiffView(RecordHistoryView):
    """Two revisions compared field by field, parts included; a bad or unknown id is a 400 naming its field."""

    def get(self, request, slug):
        record = self.published_record(slug)
        form = DiffForm(request.GET)
        context = {"record": record, "record_type": self.type, "form": form,
                   "history_url": f"/{self.type.path}/{slug}/history/"}
        if not form.is_valid():
            return render(request, "registry/diff.html", context, status=400)
        ids = {name: form.cleaned_data[name] for name in ("from", "to")}
        found = revisions_by_id(self.type, slug, list(ids.values()))
        for name, change_id in ids.items():
            if change_id not in found:
                form.add_error(name, f"Change {change_id} is not a revision of this record: choose one from its history.")
        if form.errors:
            return render(request, "registry/diff.html", context, status=400)
        older, newer = found[ids["from"]], found[ids["to"]]
        before, after = (version_as_of(self.type, slug, change.at) for change in (older, newer))
        if before is None or after is None:
            raise Http404(f"The {self.record_type} “{slug}” was not public at one of these changes.")
        reader = Reader(self.type, {**before.loaded, **after.loaded})
        context.update(older=older, newer=newer, rows=describe(version_diff(before.statement, after.statement), reader),
                       older_url=self.permalink(slug, older.public_id), newer_url=self.permalink(slug, newer.public_id))
        return render(request, "registry/diff.html", context)


class ChangesView(View):
    """/changes/: every public change set, newest first, one line each; ``?before=<change id>`` pages on."""

    def get(self, request):
        form = BeforeForm(request.GET)
        if not form.is_valid():
            return render(request, "registry/changes.html", {"form": form, "change_sets": []}, status=400)
        before = form.cleaned_data["before"]
        change_sets = latest_change_sets(limit=CHANGES_PAGE_SIZE + 1, before=before)
        more = len(change_sets) > CHANGES_PAGE_SIZE
        change_sets = change_sets[:CHANGES_PAGE_SIZE]
        for change_set in change_sets:
            if change_set.change is not None:
                change_set.change.kind = kind_of(change_set.change)
        return render(request, "registry/changes.html", {
            "form": form, "change_sets": change_sets, "before": before,
            "next_before": change_sets[-1].public_id if more else None})


class ChangeSetView(View):
    """/changes/<change id>/: one change set, named by its first public change id (any other id of the set
    redirects there), with every record it touched and their revisions; ``?after=<change id>`` pages on."""

    def get(self, request, change_id):
        change = (ChangeLog.objects.public().filter(public_id=change_id).select_related("change_set")
                  .annotate(set_id=first_of_its_set()).first()) if change_id <= MAX_CHANGE_ID else None
        if change is None:
            raise Http404(f"No public change has the id {change_id}.")
        if change.set_id != change_id:
            return redirect(f"/changes/{change.set_id}/", permanent=True)
        form = AfterForm(request.GET)
        context = {"change_set": change.change_set, "set_id": change_id, "form": form, "changes": []}
        if not form.is_valid():
            return render(request, "registry/change_set.html", context, status=400)
        changes = ChangeLog.objects.public().filter(change_set=change.change_set_id)
        after = form.cleaned_data["after"]
        page = list((changes.filter(public_id__gt=after) if after else changes)
                    .order_by("public_id")[:CHANGE_SET_PAGE_SIZE + 1])
        more = len(page) > CHANGE_SET_PAGE_SIZE
        page = changes_with_titles(page[:CHANGE_SET_PAGE_SIZE])
        for row in page:
            row.path, row.kind = by_name(row.record_type).path, kind_of(row)
        counts = changes.aggregate(records=Count("pk"), created=Count("pk", filter=Q(action=ChangeLog.Action.CREATED)),
                                   retracted=Count("pk", filter=Q(action=ChangeLog.Action.RETRACTED)))
        context.update(changes=page, after=after, next_after=page[-1].public_id if more else None,
                       total=counts["records"], summary=fold(SimpleNamespace(**counts)))
        return render(request, "registry/change_set.html", context)

