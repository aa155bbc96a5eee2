"""create_moderator: an active user in the "moderators" group (not staff), new or promoted; password from a
prompt or MODERATOR_PASSWORD with --no-input."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry.models import is_moderator
from tests.builders import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a moderator's long passphrase"


def test_it_creates_an_active_moderator_who_is_not_staff_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("MODERATOR_PASSWORD", PASSWORD)

    call_command("create_moderator", "maria", "--email", "maria@example.org", "--no-input")

    maria = get_user_model().objects.get(username="maria")
    assert maria.is_active and not maria.is_staff and not maria.is_superuser
    assert maria.email == "maria@example.org" and maria.check_password(PASSWORD)
    assert is_moderator(maria) and maria.has_perm("registry.verify_organization")
    assert "Created maria a moderator" in capsys.readouterr().out
    assert PASSWORD not in capsys.readouterr().out


def test_it_asks_for_the_password_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    call_command("create_moderator", "maria", "--email", "maria@example.org")

    assert get_user_model().objects.get(username="maria").check_password(PASSWORD)


def test_it_promotes_an_existing_user_and_keeps_their_password(alice, monkeypatch):
    monkeypatch.delenv("MODERATOR_PASSWORD", raising=False)
    assert not is_moderator(alice)

    call_command("create_moderator", "alice", "--no-input")

    alice = get_user_model().objects.get(username="alice")
    assert is_moderator(alice) and not alice.is_staff
    assert alice.check_password("correct horse battery staple")


def test_it_activates_a_promoted_user(monkeypatch):
    make_user("dormant", is_active=False)

    call_command("create_moderator", "dormant", "--no-input")

    assert get_user_model().objects.get(username="dormant").is_active


@pytest.mark.parametrize("args, env, message", [
    (["maria", "--email", "maria@example.org", "--no-input"], None, "MODERATOR_PASSWORD"),
    (["maria", "--no-input"], PASSWORD, "needs --email"),
    (["maria", "--email", "not-an-address", "--no-input"], PASSWORD, "not an email address"),
    (["maria", "--email", "maria@example.org", "--no-input"], "123", "too short"),
    ([ "--no-input"], PASSWORD, "Name the moderator"),
])
def test_it_refuses_what_it_cannot_do_and_creates_nobody(monkeypatch, args, env, message):
    if env:
        monkeypatch.setenv("MODERATOR_PASSWORD", env)
    else:
        monkeypatch.delenv("MODERATOR_PASSWORD", raising=False)

    with pytest.raises(CommandError, match=message):
        call_command("create_moderator", *args)
    assert not get_user_model().objects.filter(username="maria").exists()
