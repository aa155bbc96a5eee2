"""The home page: what the registry holds, the latest changes, and the sections other apps add
(registry/sections.py: e.g. the designations in effect today)."""

from django.views.generic import TemplateView

from registry import sections
from registry.feeds import records_of
from registry.interchange import in_page_order
from registry.models import ChangeLog


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = [(t, t.model.objects.public().count()) for t in in_page_order()]
        context["latest_changes"] = changes_with_titles(ChangeLog.objects.public().order_by("-public_id")[:10])
        context["sections"] = sections.parts(sections.HOME)  # e.g. disclosures' designations in effect today
        return context


def changes_with_titles(changes):
    """Change rows with their record (title, URL), one query per record type present."""
    changes = list(changes)
    records = records_of(changes)
    for change in changes:
        change.record = records.get((change.record_type, change.slug))
    return changes
