"""/about/submissions/: how submitting works, what moderators check, the rejection reason codes, the
limits and the public credit. Public; generated from the engine's own constants so it never drifts."""

from django.views.generic import TemplateView

from registry.interchange import in_page_order
from submissions.services import REJECTION_CODES
from submissions.validation import REFUSED_FIELDS, limits


class AboutSubmissionsView(TemplateView):
    template_name = "submissions/about_submissions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rejection_codes=list(REJECTION_CODES.items()), limits=limits(),
                       refused_fields=REFUSED_FIELDS, types=in_page_order())
        return context
