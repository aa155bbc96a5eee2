"""The accounts pages run under the site's Content-Security-Policy like every other page: no inline script,
handler or style attribute."""

import pytest

from registry.models import ApiToken, Membership
from tests.pages.test_security_headers import assert_scripts_allowed, markup_of, policy_of

pytestmark = pytest.mark.django_db

ANONYMOUS = ["/account/login/", "/account/signup/", "/account/signup/done/", "/account/password/reset/",
             "/account/password/reset/done/", "/account/reset/done/", "/account/confirm/MQ/bad-token/"]
LOGGED_IN = ["/account/", "/account/password/", "/account/password/done/", "/account/organisations/",
             "/account/organisations/new/", "/account/organisations/watchdog-a/", "/account/organisations/pending/",
             "token revoke"]


def check(response):
    markup = markup_of(response)
    assert policy_of(response)["style-src"] == ["'self'"]
    assert_scripts_allowed(response)
    assert markup.handlers == [] and markup.style_attributes == [] and markup.style_elements == []


@pytest.mark.parametrize("path", ANONYMOUS)
def test_the_anonymous_accounts_pages_run_under_the_policy(client, path):
    response = client.get(path)

    assert response.status_code in (200, 400)
    check(response)


@pytest.mark.parametrize("path", LOGGED_IN)
def test_the_logged_in_accounts_pages_run_under_the_policy(client, alice, mod, path):
    Membership.objects.filter(user=alice).update(role=Membership.Role.ADMIN)
    alice.groups.add(*mod.groups.all())  # a moderator too, to see the pending queue
    if path == "token revoke":
        path = f"/account/tokens/{ApiToken.objects.issue(alice, name='job')[0].pk}/revoke/"
    client.force_login(alice)

    response = client.get(path)

    assert response.status_code == 200
    check(response)


def test_the_page_showing_a_new_key_and_the_lockout_page_run_under_the_policy(client, alice):
    client.force_login(alice)
    check(client.post("/account/tokens/", {"name": "job"}))
    client.logout()
    for n in range(5):
        response = client.post("/account/login/", {"username": "alice", "password": f"wrong {n}"})
    assert response.status_code == 429
    check(response)
