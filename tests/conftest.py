"""Named actors and fixtures shared by the whole suite. Builders live in tests/builders.py."""

import os

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


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The real seed data, loaded once per test module through load_seed, rolled back afterwards.

    Each test still runs in its own savepoint (request ``db`` or mark ``django_db``), so what one
    test writes never reaches the next.
    """
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def generous_api_rates(settings):
    """Tests make many requests from one address; the throttle tests set their own limits."""
    settings.API_RATES = {"anonymous": "100000/min", "standard": "100000/min", "partner": "100000/min"}
