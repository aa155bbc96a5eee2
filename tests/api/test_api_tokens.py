"""API tokens: hashed, several per user, shown once, revocable; they raise the rate limit."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from registry.models import ApiToken

pytestmark = pytest.mark.django_db


def issue(capsys, username, *args):
    call_command("create_token", username, *args)
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_create_token_prints_the_key_once_and_stores_only_its_hash(alice, capsys):
    key = issue(capsys, "alice", "--name", "sync job")

    token = ApiToken.objects.get(user=alice)
    assert key.startswith("adr_") and len(key) > 30
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in {token.key_hash, token.prefix, token.name}
    assert key.startswith(token.prefix)


def test_a_user_may_hold_several_tokens(alice, capsys):
    first, second = issue(capsys, "alice"), issue(capsys, "alice")

    assert first != second
    assert alice.api_tokens.count() == 2


def test_a_token_authenticates_and_gets_its_tiers_limit(client, alice, capsys, settings):
    settings.API_RATES = {**settings.API_RATES, "anonymous": "5/min", "partner": "1000/min"}
    key = issue(capsys, "alice", "--tier", "partner")

    anonymous = client.get("/api/v1/agreements/")
    with_token = client.get("/api/v1/agreements/", HTTP_AUTHORIZATION=f"Token {key}")

    assert anonymous["RateLimit-Limit"] == "5"
    assert with_token.status_code == 200
    assert with_token["RateLimit-Limit"] == "1000"
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Token adr_not-a-real-key", "Bearer nonsense", "Token"])
def test_a_bad_token_is_a_401_in_the_error_shape(client, header):
    response = client.get("/api/v1/agreements/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_fails(client, alice, capsys):
    key = issue(capsys, "alice")
    call_command("create_token", "alice", "--revoke", ApiToken.objects.get().prefix)

    assert client.get("/api/v1/agreements/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_create_token_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user"):
        call_command("create_token", "nobody")


def test_the_key_never_appears_in_urls_or_logs(client, alice, capsys, caplog):
    key = issue(capsys, "alice")

    client.get("/api/v1/nothing/", HTTP_AUTHORIZATION=f"Token {key}")

    assert key not in caplog.text


def test_staff_see_and_revoke_tokens_in_the_admin_but_cannot_add_or_delete_them(client, staff, alice, capsys):
    key = issue(capsys, "alice")
    token = ApiToken.objects.get()
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="apitoken"))
    client.force_login(staff)

    listing = client.get("/admin/registry/apitoken/").content.decode()
    assert token.prefix in listing and key not in listing
    assert client.get("/admin/registry/apitoken/add/").status_code == 403
    client.post("/admin/registry/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.count() == 1
