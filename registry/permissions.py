"""Who may do what, decided in one place.

Moderators are the Django group "moderators" holding explicit permissions (they are not staff:
only staff use the admin). ``python manage.py create_moderator`` makes one; the group is kept
in step after every migration.
"""

from django.contrib.auth.models import Group, Permission

MODERATORS_GROUP = "moderators"
# app_label.codename of every permission a moderator holds.
MODERATOR_PERMISSIONS = (
    "registry.moderate_submission",
    "registry.view_submission",
    "registry.verify_organization",
    "registry.view_organization",
    "registry.view_membership",
    "registry.change_membership",
)


def ensure_moderators_group(sender=None, **kwargs):
    """The moderators group with exactly its permissions (run after migrate)."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = []
    for name in MODERATOR_PERMISSIONS:
        app_label, codename = name.split(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            wanted.append(permission)
    group.permissions.set(wanted)
    return group
