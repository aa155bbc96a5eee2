"""API tokens on the account page: created with a name, the key shown once on the page that answers the POST
(never in a URL, a log or a later page), listed, revoked with a confirmation; the key works on the API."""

import logging
import re

import pytest

from registry.models import ApiToken

pytestmark = pytest.mark.django_db


def create(client, name="newsroom sync"):
    response = client.post("/account/tokens/", {"name": name})
    key = re.search(r'<code class="secret-key">(adr_[^<]+)</code>', response.content.decode())
    return response, key.group(1) if key else None


def test_alice_creates_a_token_and_sees_its_key_once(client, alice, caplog):
    client.force_login(alice)

    with caplog.at_level(logging.DEBUG):
        response, key = create(client)

    token = ApiToken.objects.get(user=alice)
    assert response.status_code == 200 and "Location" not in response
    assert key and token.key_hash == ApiToken.hash_key(key) and token.name == "newsroom sync"
    assert "no-store" in response["Cache-Control"]
    assert key not in caplog.text
    later = client.get("/account/").content.decode()
    assert key not in later
    assert "newsroom sync" in later and f"<code>{token.prefix}…</code>" in later


def test_the_key_created_on_the_page_authenticates_the_api(client, alice, settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "5/min", "standard": "700/min"}
    client.force_login(alice)
    _, key = create(client)
    client.logout()

    response = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert response["RateLimit-Limit"] == "700"
    assert ApiToken.objects.get().last_used_at is not None


def test_the_token_list_shows_name_prefix_created_and_last_used(client, alice):
    ApiToken.objects.issue(alice, name="used one")
    unused, _ = ApiToken.objects.issue(alice, name="never used")
    used = ApiToken.objects.get(name="used one")
    ApiToken.objects.filter(pk=used.pk).update(last_used_at="2026-03-04T05:06:00Z")
    client.force_login(alice)

    page = client.get("/account/").content.decode()

    assert "used one" in page and "never used" in page and f"{unused.prefix}…" in page
    assert "4 March 2026, 05:06 UTC" in page
    assert "never</td>" in page


def test_alice_revokes_a_token_after_confirming(client, alice, settings):
    token, key = ApiToken.objects.issue(alice, name="old job")
    client.force_login(alice)

    confirmation = client.get(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert confirmation.status_code == 200 and "Revoke the token “old job”?" in confirmation.content.decode()
    assert token.revoked_at is None  # asking is not revoking

    response = client.post(f"/account/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 200 and token.revoked_at is not None
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert "revoked" in client.get("/account/").content.decode()
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_bob_cannot_revoke_or_see_alices_token(client, alice, bob):
    token, _ = ApiToken.objects.issue(alice, name="alice's job")
    client.force_login(bob)

    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert "alice's job" not in client.get("/account/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_short_name(client, alice, name):
    client.force_login(alice)

    response, key = create(client, name=name)

    assert response.status_code == 400 and key is None
    assert 'class="error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_tokens_are_created_only_by_post(client, alice):
    client.force_login(alice)

    assert client.get("/account/tokens/?name=x").status_code == 405
    assert not ApiToken.objects.exists()


def test_anonymous_visitors_create_no_token(client):
    response = client.post("/account/tokens/", {"name": "x"})

    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert not ApiToken.objects.exists()
