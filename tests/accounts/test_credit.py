"""Public credit: an organisation's name only when it is verified, the user is an active member and credit is
chosen; otherwise "registry staff". The submissions app calls these two functions."""

import pytest

from accounts.services import default_credit, public_credit
from registry.models import Membership, Organization
from tests.builders import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def verify(organization):
    organization.status = Organization.Status.VERIFIED
    organization.save()
    return organization


def test_a_verified_organisation_is_credited_for_its_active_member_who_chose_credit(alice, org_a):
    verify(org_a)

    assert public_credit(alice, org_a, True) == "Watchdog A"
    assert public_credit(alice, org_a, False) == "registry staff"


@pytest.mark.parametrize("status", [Organization.Status.PENDING, Organization.Status.REFUSED])
def test_a_pending_or_refused_organisation_is_never_credited(alice, org_a, status):
    org_a.status = status
    org_a.save()

    assert public_credit(alice, org_a, True) == "registry staff"


@pytest.mark.parametrize("membership_status", [Membership.Status.REQUESTED, Membership.Status.DECLINED, None])
def test_someone_who_is_not_an_active_member_never_credits_the_organisation(org_a, membership_status):
    verify(org_a)
    carol = make_user("carol")
    if membership_status:
        make_member(carol, org_a, status=membership_status, credited_publicly=True)

    assert public_credit(carol, org_a, True) == "registry staff"


def test_no_organisation_means_registry_staff(alice):
    assert public_credit(alice, None, True) == "registry staff"


def test_the_default_credit_is_the_members_own_choice(alice, bob, org_a, org_b):
    other = make_organization("Elsewhere")

    assert default_credit(alice, org_a) is True  # alice chose credit
    assert default_credit(bob, org_b) is False  # bob did not
    assert default_credit(alice, other) is False  # not a member
    assert default_credit(alice, None) is False
