"""Core pages: home, health checks."""

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from registry.interchange import record_types
from registry.models import ChangeLog

# The order in which the home page lists what the registry holds.
HOME_ORDER = ["agreement", "term", "addendum-marker", "designation", "testing-disclosure", "event",
              "vendor", "agency", "source"]


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        types = sorted(record_types(), key=lambda t: HOME_ORDER.index(t.name))
        context["counts"] = [(t.label, t.model.objects.public().count()) for t in types]
        context["latest_changes"] = ChangeLog.objects.order_by("-id")[:10]
        return context


@never_cache
def healthz(request):
    """The process is up; says nothing about the database (that is /readyz)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready to serve: the database answers. 503 with a JSON reason otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse({"status": "unavailable", "reason": f"database unreachable: {error}"}, status=503)
    return JsonResponse({"status": "ok"})
