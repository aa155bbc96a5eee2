"""Password change and the four steps of a password reset, through Django's views and the registry's pages."""

import re

import pytest
from django.contrib.auth import SESSION_KEY

OLD = "correct horse battery staple"
NEW = "a brand new passphrase 2027"


@pytest.fixture
def alice_with_email(alice):
    alice.email = "alice@example.org"
    alice.save()
    return alice


def test_alice_changes_her_password_and_stays_logged_in(client, alice):
    client.force_login(alice)

    page = client.get("/account/password/")
    response = client.post("/account/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})

    assert page.status_code == 200 and "Change your password" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/account/password/done/"
    assert "Your password is changed" in client.get("/account/password/done/").content.decode()
    assert SESSION_KEY in client.session
    alice.refresh_from_db()
    assert alice.check_password(NEW)


def test_a_password_change_needs_the_old_password(client, alice):
    client.force_login(alice)

    response = client.post("/account/password/", {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 200 and "Your old password was entered incorrectly" in response.content.decode()


def test_alice_resets_a_forgotten_password_in_four_steps(client, alice_with_email, mailoutbox):
    asked = client.post("/account/password/reset/", {"email": "alice@example.org"})
    assert asked["Location"] == "/account/password/reset/done/"
    assert "Check your email" in client.get(asked["Location"]).content.decode()

    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@example.org"]
    link = re.search(r"http://testserver(/account/reset/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)  # Django hides the token behind a redirect
    assert "Choose a new password" in form_page.content.decode()

    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/account/reset/done/"
    assert "Your new password is set" in client.get(done["Location"]).content.decode()
    alice_with_email.refresh_from_db()
    assert alice_with_email.check_password(NEW)

    reused = client.get(link, follow=True)
    assert "This reset link does not work" in reused.content.decode()


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db, mailoutbox):
    response = client.post("/account/password/reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/account/password/reset/done/"
    assert mailoutbox == []
