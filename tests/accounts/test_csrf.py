"""Every form of the accounts pages refuses a POST without the CSRF token, and works with the one the page gave."""

import re

import pytest
from django.test import Client

from registry.models import ApiToken, Membership, Organization
from tests.builders import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def token_of(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def world(alice, mod):
    verified = make_organization("Open Watch")
    verified.status = Organization.Status.VERIFIED
    verified.save()
    request = make_member(make_user("dan"), verified, status=Membership.Status.REQUESTED)
    make_member(alice, verified, role=Membership.Role.ADMIN)
    token, _ = ApiToken.objects.issue(alice, name="job")
    Organization.objects.filter(slug="watchdog-a").update(status=Organization.Status.PENDING)  # for the verify POST
    return {"request": request, "token": token, "membership": Membership.objects.get(user=alice, organization__slug="watchdog-a")}


def posts(world):
    return {
        "alice": [
            ("/account/tokens/", {"name": "new job"}),
            (f"/account/tokens/{world['token'].pk}/revoke/", {}),
            (f"/account/memberships/{world['membership'].pk}/credit/", {}),
            ("/account/organisations/new/", {"name": "Another group"}),
            (f"/account/organisations/open-watch/requests/{world['request'].pk}/accept/", {}),
            ("/account/password/", {"old_password": "correct horse battery staple", "new_password1": "x new pass 1234",
                                    "new_password2": "x new pass 1234"}),
            ("/account/logout/", {}),
        ],
        "mod": [("/account/organisations/watchdog-a/verify/", {})],
        None: [
            ("/account/signup/", {"username": "eve", "email": "eve@example.org", "password1": "a long passphrase 77",
                                  "password2": "a long passphrase 77"}),
            ("/account/login/", {"username": "alice", "password": "correct horse battery staple"}),
            ("/account/password/reset/", {"email": "alice@example.org"}),
        ],
    }


def test_every_accounts_form_refuses_a_post_without_the_csrf_token(csrf_client, world, alice, mod):
    actors = {"alice": alice, "mod": mod, None: None}
    for actor, requests in posts(world).items():
        for path, data in requests:
            csrf_client.logout()
            if actors[actor]:
                csrf_client.force_login(actors[actor])

            assert csrf_client.post(path, data).status_code == 403, path

    world["token"].refresh_from_db()
    assert world["token"].revoked_at is None and ApiToken.objects.count() == 1
    assert not Organization.objects.filter(name="Another group").exists()
    assert Organization.objects.get(slug="watchdog-a").status == Organization.Status.PENDING


def test_the_token_the_page_gives_lets_the_post_through(csrf_client, alice):
    csrf_client.force_login(alice)
    page = csrf_client.get("/account/")

    response = csrf_client.post("/account/tokens/", {"name": "new job", "csrfmiddlewaretoken": token_of(page)})

    assert response.status_code == 200 and ApiToken.objects.filter(name="new job").exists()


def test_logging_in_needs_the_token_the_login_page_gives(csrf_client, alice):
    page = csrf_client.get("/account/login/")

    response = csrf_client.post("/account/login/", {"username": "alice", "password": "correct horse battery staple",
                                                    "csrfmiddlewaretoken": token_of(page)})

    assert response.status_code == 302
