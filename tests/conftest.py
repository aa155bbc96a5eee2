"""Named actors and fixtures shared by the whole suite. Builders live in tests/builders.py."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission

from tests.builders import make_member, make_organization, make_user

REGISTRY_APPS = ("registry", "contracts", "disclosures")


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def org_a(db):
    return make_organization("Watchdog A")


@pytest.fixture
def org_b(db):
    return make_organization("Watchdog B")


@pytest.fixture
def alice(db, org_a):
    """A watchdog member of organisation A."""
    user = make_user("alice")
    make_member(user, org_a, credited_publicly=True)
    return user


@pytest.fixture
def bob(db, org_b):
    """A watchdog member of organisation B."""
    user = make_user("bob")
    make_member(user, org_b)
    return user


@pytest.fixture
def mod(db):
    """A moderator: reviews submissions."""
    user = make_user("mod")
    moderators, _ = Group.objects.get_or_create(name="moderators")
    user.groups.add(moderators)
    return user


@pytest.fixture
def staff(db):
    """A registry editor: staff, with every permission on the registry's own records."""
    user = make_user("staff", staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS))
    return user
