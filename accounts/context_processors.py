from registry.models import is_moderator


def account(request):
    """Whether the header links to the moderation queue; evaluated only when a template asks, and only
    logged-in pages ask (anonymous pages are shared)."""
    return {"user_is_moderator": lambda: is_moderator(getattr(request, "user", None))}
