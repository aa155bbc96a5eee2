from registry.models import ChangeLog


def registry(request):
    """The time of the latest change, for the footer (one query, whatever the page)."""
    return {"latest_change_at": ChangeLog.objects.public().order_by("-public_id").values_list("at", flat=True).first()}
