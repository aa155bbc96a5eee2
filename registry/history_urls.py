"""The history pages of every public record type (registry/views/history.py), under each type's own path:
``/<type>/<slug>/revisions/<change id>/``, ``/<type>/<slug>/revisions/?as_of=``, ``/<type>/<slug>/history/``
and ``/<type>/<slug>/history/diff/``; and the site's recent changes, ``/changes/`` and ``/changes/<change id>/``.
"""

from django.urls import path

from registry.interchange import record_types
from registry.views import history


def record_history_patterns():
    patterns = []
    for record_type in record_types():
        base, name = f"{record_type.path}/<slug:slug>", record_type.name
        patterns += [
            path(f"{base}/revisions/", history.RevisionAsOfView.as_view(record_type=name), name=f"{name}-revisions"),
            path(f"{base}/revisions/<int:change_id>/", history.RevisionView.as_view(record_type=name),
                 name=f"{name}-revision"),
            path(f"{base}/history/", history.HistoryView.as_view(record_type=name), name=f"{name}-history"),
            path(f"{base}/history/diff/", history.DiffView.as_view(record_type=name), name=f"{name}-history-diff"),
        ]
    return patterns


urlpatterns = [
    path("changes/", history.ChangesView.as_view(), name="changes"),
    path("changes/<int:change_id>/", history.ChangeSetView.as_view(), name="change-set"),
    *record_history_patterns(),
]
