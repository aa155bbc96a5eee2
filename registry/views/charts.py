"""The charts page (/charts/): each app adds the charts of its own records as sections (registry/sections.py,
page key CHARTS): contracts the agreements by month and their amounts, disclosures the disclosure lags and the
designations over time. Every chart is inline SVG followed by a table of exactly its figures."""

from django.views.generic import TemplateView

from registry import sections


class ChartsView(TemplateView):
    template_name = "registry/charts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = sections.parts(sections.CHARTS)
        return context
