"""Organisations: created pending by a member who becomes its admin; verified or refused by moderators; joined by
request, which its admins (and moderators) accept or decline; private pages; usernames only for admins and
moderators."""

import pytest

from registry.models import Membership, Organization
from tests.builders import make_member, make_organization, make_user
from tests.queries import queries_of, two_world_sizes

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified():
    organization = make_organization("Open Watch")
    organization.status = Organization.Status.VERIFIED
    organization.save()
    return organization


@pytest.fixture
def olga(verified):
    """The administrator of the verified organisation Open Watch."""
    user = make_user("olga")
    make_member(user, verified, role=Membership.Role.ADMIN, credited_publicly=True)
    return user


def test_alice_creates_an_organisation_that_is_pending_with_her_as_its_credited_admin(client, alice):
    client.force_login(alice)

    response = client.post("/account/organisations/new/", {"name": "  Defense  Transparency Project ",
                                                           "website": "dtp.example.org"})

    organization = Organization.objects.get(name="Defense Transparency Project")
    assert response["Location"] == "/account/organisations/defense-transparency-project/"
    assert organization.status == Organization.Status.PENDING and organization.created_by == alice
    assert organization.website == "https://dtp.example.org"
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role, membership.status, membership.credited_publicly) == (
        alice, Membership.Role.ADMIN, Membership.Status.ACTIVE, True)
    page = client.get(response["Location"]).content.decode()
    assert "Pending verification" in page


def test_a_taken_name_is_a_form_error(client, alice, verified):
    client.force_login(alice)

    response = client.post("/account/organisations/new/", {"name": "open watch", "website": ""})

    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert Organization.objects.filter(name__iexact="open watch").count() == 1


@pytest.mark.parametrize("name, slug", [("New", "new-organisation"), ("Pending", "pending-organisation"),
                                        ("Watchdog A!", "watchdog-a-2")])
def test_an_organisations_slug_never_collides_with_a_page_or_another_slug(client, alice, name, slug):
    client.force_login(alice)  # alice's organisation Watchdog A has the slug watchdog-a

    client.post("/account/organisations/new/", {"name": name})

    assert Organization.objects.get(name=name).slug == slug


def test_the_list_offers_only_verified_organisations_to_join(client, alice, verified, org_b):
    client.force_login(alice)

    page = client.get("/account/organisations/").content.decode()

    assert "Open Watch" in page and 'action="/account/organisations/open-watch/join/"' in page
    assert "Watchdog B" not in page  # pending


def test_alice_asks_to_join_and_olga_accepts(client, alice, olga, verified):
    client.force_login(alice)
    asked = client.post("/account/organisations/open-watch/join/")
    request = Membership.objects.get(user=alice, organization=verified)
    assert asked.status_code == 200 and "You asked to join Open Watch" in asked.content.decode()
    assert request.status == Membership.Status.REQUESTED and not request.credited_publicly
    assert client.get("/account/organisations/open-watch/").status_code == 404  # not a member yet
    assert "Asked to join" in client.get("/account/organisations/").content.decode()

    client.force_login(olga)
    page = client.get("/account/organisations/open-watch/").content.decode()
    assert "alice" in page and f"/requests/{request.pk}/accept/" in page
    accepted = client.post(f"/account/organisations/open-watch/requests/{request.pk}/accept/")

    request.refresh_from_db()
    assert accepted.status_code == 302
    assert request.status == Membership.Status.ACTIVE and request.decided_by == olga
    client.force_login(alice)
    assert client.get("/account/organisations/open-watch/").status_code == 200


def test_olga_declines_a_request_and_it_may_be_asked_again(client, alice, olga, verified):
    client.force_login(alice)
    client.post("/account/organisations/open-watch/join/")
    request = Membership.objects.get(user=alice, organization=verified)

    client.force_login(olga)
    client.post(f"/account/organisations/open-watch/requests/{request.pk}/decline/")
    request.refresh_from_db()
    assert request.status == Membership.Status.DECLINED and request.decided_by == olga

    client.force_login(alice)
    client.post("/account/organisations/open-watch/join/")
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED and request.decided_by is None


def test_a_moderator_may_decide_a_request(client, alice, mod, olga, verified):
    request = make_member(alice, verified, status=Membership.Status.REQUESTED)
    client.force_login(mod)

    assert "alice" in client.get("/account/organisations/open-watch/").content.decode()
    client.post(f"/account/organisations/open-watch/requests/{request.pk}/accept/")

    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE and request.decided_by == mod


def test_only_admins_and_moderators_decide_requests(client, alice, bob, olga, verified):
    request = make_member(alice, verified, status=Membership.Status.REQUESTED)
    plain = make_user("paul")
    make_member(plain, verified)
    url = f"/account/organisations/open-watch/requests/{request.pk}/accept/"

    client.force_login(plain)  # a member, not an admin
    as_member = client.post(url)
    client.force_login(bob)  # not a member
    as_outsider = client.post(url)
    client.logout()
    as_anonymous = client.post(url)

    assert as_member.status_code == 403
    assert as_outsider.status_code == 404
    assert as_anonymous.status_code == 302 and as_anonymous["Location"].startswith("/account/login/")
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED


def test_an_admin_of_another_organisation_cannot_decide_here(client, alice, olga, verified, org_b):
    request = make_member(make_user("dan"), verified, status=Membership.Status.REQUESTED)
    other_admin = make_user("otto")
    make_member(other_admin, org_b, role=Membership.Role.ADMIN)
    client.force_login(other_admin)

    assert client.post(f"/account/organisations/open-watch/requests/{request.pk}/accept/").status_code == 404
    assert client.post(f"/account/organisations/watchdog-b/requests/{request.pk}/accept/").status_code == 404


def test_members_see_counts_but_not_usernames_and_no_requests(client, olga, verified):
    make_member(make_user("quentin"), verified, status=Membership.Status.REQUESTED)
    plain = make_user("paul")
    make_member(plain, verified)
    client.force_login(plain)

    page = client.get("/account/organisations/open-watch/").content.decode()
    body = page.split('<main id="main">')[1]

    assert "2 (1 administrator)" in body
    assert "olga" not in body and "quentin" not in body and "Requests to join" not in body


def test_a_pending_organisation_cannot_be_joined(client, alice, org_b):
    client.force_login(alice)

    assert client.post("/account/organisations/watchdog-b/join/").status_code == 404
    assert not Membership.objects.filter(user=alice, organization=org_b).exists()


def test_a_moderator_verifies_a_pending_organisation(client, mod, org_b, bob):
    org_b.created_by = bob
    org_b.save()
    client.force_login(mod)

    queue = client.get("/account/organisations/pending/").content.decode()
    response = client.post("/account/organisations/watchdog-b/verify/")

    org_b.refresh_from_db()
    assert "Watchdog B" in queue and "bob" in queue
    assert response["Location"] == "/account/organisations/pending/"
    assert org_b.status == Organization.Status.VERIFIED and org_b.verified_by == mod and org_b.verified_at
    assert "Watchdog B" not in client.get("/account/organisations/pending/").content.decode()


def test_a_moderator_refuses_a_pending_organisation(client, mod, org_b):
    client.force_login(mod)

    client.post("/account/organisations/watchdog-b/refuse/")

    org_b.refresh_from_db()
    assert org_b.status == Organization.Status.REFUSED and org_b.verified_by == mod


def test_only_moderators_verify_organisations(client, alice, bob, org_b):
    for user in (alice, bob):  # bob is a member of the pending organisation
        client.force_login(user)

        assert client.get("/account/organisations/pending/").status_code == 403
        assert client.post("/account/organisations/watchdog-b/verify/").status_code == 403
    org_b.refresh_from_db()
    assert org_b.status == Organization.Status.PENDING


def test_a_decided_organisation_is_not_decided_again(client, mod, verified):
    client.force_login(mod)

    assert client.post("/account/organisations/open-watch/refuse/").status_code == 404
    verified.refresh_from_db()
    assert verified.status == Organization.Status.VERIFIED


def test_the_decision_forms_take_only_post(client, mod, olga, verified, org_b):
    request = make_member(make_user("dan"), verified, status=Membership.Status.REQUESTED)
    client.force_login(mod)

    assert client.get("/account/organisations/watchdog-b/verify/").status_code == 405
    assert client.get(f"/account/organisations/open-watch/requests/{request.pk}/accept/").status_code == 405
    assert client.get("/account/organisations/open-watch/join/").status_code == 405


def test_usernames_never_reach_the_public_pages(client, olga, verified, alice):
    for path in ("/", "/agreements/", "/about/"):
        page = client.get(path).content.decode()

        assert "olga" not in page and "alice" not in page, path


@two_world_sizes
def test_the_organisation_pages_run_the_same_queries_for_any_number_of_rows(client, mod, olga, verified, rows):
    for n in range(rows):
        make_member(make_user(f"member{n}"), verified)
        make_member(make_user(f"asker{n}"), verified, status=Membership.Status.REQUESTED)
        pending = make_organization(f"Pending group {n}")
        pending.status = Organization.Status.VERIFIED if n % 2 else Organization.Status.PENDING
        pending.created_by = olga
        pending.save()
    client.force_login(olga)
    # session · user · the organisation · olga's permissions and her groups' (not a moderator) · her active
    # membership (may see) · her admin membership (may manage) · the memberships with their users · latest change
    assert len(queries_of(client, "/account/organisations/open-watch/")) == 9
    # session · user · olga's memberships · verified organisations · permissions and groups' (header) · latest change
    assert len(queries_of(client, "/account/organisations/")) == 7
    client.force_login(mod)
    # session · user · permissions and groups' · the pending organisations with who asked and their member counts
    # · latest change
    assert len(queries_of(client, "/account/organisations/pending/")) == 6
