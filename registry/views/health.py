"""Health checks for load balancers and orchestrators: /healthz (the process is up) and /readyz
(the database answers)."""

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


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
