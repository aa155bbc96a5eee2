"""Sign up → confirmation email → confirm → log in; log in and out; the header's account links."""

import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model

from tests.builders import make_user

PASSWORD = "a long and unusual passphrase 42"


def sign_up(client, username="carol", email="carol@example.org", password=PASSWORD, again=None):
    return client.post("/account/signup/", {"username": username, "email": email, "password1": password,
                                            "password2": again or password})


def link_in(message):
    return re.search(r"https?://testserver(/account/confirm/[^\s]+/)", message.body).group(1)


def log_in(client, username="carol", password=PASSWORD, **extra):
    return client.post("/account/login/", {"username": username, "password": password, **extra})


@pytest.mark.django_db
def test_it_takes_a_new_user_from_sign_up_through_the_emailed_link_to_logged_in(client, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302 and response["Location"] == "/account/signup/done/"
    assert "Check your email" in client.get("/account/signup/done/").content.decode()
    carol = get_user_model().objects.get(username="carol")
    assert carol.email == "carol@example.org" and not carol.is_active
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["carol@example.org"]

    link = link_in(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my email address" in page.content.decode()
    confirmed = client.post(link)
    assert "Your email address is confirmed" in confirmed.content.decode()
    carol.refresh_from_db()
    assert carol.is_active

    logged_in = log_in(client)
    assert logged_in.status_code == 302 and logged_in["Location"] == "/account/"
    assert "Logged in as <strong>carol</strong>" in client.get("/account/").content.decode()


@pytest.mark.django_db
def test_it_keeps_the_account_inactive_until_the_link_is_followed(client, mailoutbox):
    sign_up(client)
    client.get(link_in(mailoutbox[0]))  # a mail scanner fetching the link confirms nothing

    assert not get_user_model().objects.get(username="carol").is_active
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_it_tells_an_unconfirmed_user_who_logs_in_to_confirm_and_sends_the_link_again(client, mailoutbox):
    sign_up(client)

    response = log_in(client)

    assert response.status_code == 200
    assert "Confirm your email address first" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert len(mailoutbox) == 2 and link_in(mailoutbox[1]).startswith("/account/confirm/")


@pytest.mark.django_db
def test_it_says_nothing_about_confirmation_to_someone_with_the_wrong_password(client, mailoutbox):
    sign_up(client)

    response = log_in(client, password="not the password at all")

    assert "Confirm your email" not in response.content.decode()
    assert "Please enter a correct username and password" in response.content.decode()
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_confirmation_link_works_once(client, mailoutbox):
    sign_up(client)
    link = link_in(mailoutbox[0])
    client.post(link)

    again = client.post(link)

    assert again.status_code == 400
    assert "This confirmation link does not work" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["/account/confirm/MQ/not-a-token/", "/account/confirm/%%%/x-y/",
                                  "/account/confirm/OTk5OTk/abc-def/"])
def test_a_broken_or_forged_confirmation_link_is_refused_with_a_clear_page(client, link, db):
    make_user("dora", is_active=False)

    response = client.get(link)

    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "This confirmation link does not work" in response.content.decode()


@pytest.mark.django_db
def test_a_password_reset_token_does_not_confirm_an_email(client, mailoutbox):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    sign_up(client)
    carol = get_user_model().objects.get(username="carol")
    forged = f"/account/confirm/{urlsafe_base64_encode(force_bytes(carol.pk))}/{default_token_generator.make_token(carol)}/"

    assert client.post(forged).status_code == 400
    carol.refresh_from_db()
    assert not carol.is_active


@pytest.mark.django_db
def test_it_refuses_a_weak_password_or_two_different_ones_with_form_errors(client):
    weak = sign_up(client, password="password")
    different = sign_up(client, again="something else entirely 99")

    assert weak.status_code == 200 and "This password is too common" in weak.content.decode()
    assert different.status_code == 200 and "The two password fields didn" in different.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_it_refuses_a_taken_username_with_a_form_error(client, alice):
    response = sign_up(client, username="alice")

    assert response.status_code == 200
    assert "A user with that username already exists" in response.content.decode()


@pytest.mark.django_db
def test_signing_up_with_a_known_email_creates_nothing_says_the_same_and_tells_the_owner(client, alice, mailoutbox):
    alice.email = "alice@example.org"
    alice.save()

    response = sign_up(client, username="mallory", email="ALICE@example.org")

    assert response["Location"] == "/account/signup/done/"
    assert not get_user_model().objects.filter(username="mallory").exists()
    assert mailoutbox[0].to == ["alice@example.org"]
    assert "already belongs to your account" in mailoutbox[0].body


@pytest.mark.django_db
def test_login_cycles_the_session_id(client, alice):
    session = client.session  # an anonymous session with something in it
    session["marker"] = "anonymous"
    session.save()
    before = session.session_key

    log_in(client, username="alice", password="correct horse battery staple")

    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(alice.pk)
    assert client.session["marker"] == "anonymous"  # kept, under the new id


@pytest.mark.django_db
def test_it_follows_next_on_this_site(client, alice):
    response = log_in(client, username="alice", password="correct horse battery staple", next="/account/organisations/")

    assert response["Location"] == "/account/organisations/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/",
                                    "https:///evil.example"])
def test_it_ignores_a_next_that_leaves_the_site(client, alice, target):
    page = client.get(f"/account/login/?next={target}")
    response = log_in(client, username="alice", password="correct horse battery staple", next=target)

    assert "evil.example" not in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/account/"


@pytest.mark.django_db
def test_logging_out_takes_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)

    assert client.get("/account/logout/").status_code == 405
    response = client.post("/account/logout/")

    assert response.status_code == 200 and "You are logged out" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get("/account/").status_code == 302


@pytest.mark.django_db
def test_the_account_pages_send_anonymous_visitors_to_log_in(client):
    for path in ("/account/", "/account/organisations/", "/account/organisations/new/", "/account/password/"):
        response = client.get(path)

        assert response.status_code == 302
        assert response["Location"].startswith(f"/account/login/?next={path}"), path


@pytest.mark.django_db
def test_the_header_offers_log_in_and_sign_up_to_anonymous_visitors(client):
    page = client.get("/").content.decode()

    assert '<a href="/account/login/">Log in</a>' in page and '<a href="/account/signup/">Sign up</a>' in page
    assert "Log out" not in page and "csrfmiddlewaretoken" not in page


@pytest.mark.django_db
def test_the_header_offers_account_and_log_out_to_a_logged_in_user_but_moderation_only_to_moderators(client, alice, mod):
    client.force_login(alice)
    alices = client.get("/").content.decode()
    client.force_login(mod)
    mods = client.get("/").content.decode()

    for page in (alices, mods):
        assert '<a href="/account/">Account</a>' in page
        assert '<form method="post" action="/account/logout/">' in page and "csrfmiddlewaretoken" in page
        assert "Log in</a>" not in page
    assert '<a href="/moderation/">Moderation</a>' not in alices
    assert '<a href="/moderation/">Moderation</a>' in mods


@pytest.mark.django_db
def test_a_logged_in_users_pages_are_never_stored_by_a_shared_cache(client, alice):
    client.force_login(alice)

    for path in ("/", "/agreements/", "/account/", "/api/v1/agreements/"):
        response = client.get(path)
        directives = {part.strip() for part in response["Cache-Control"].split(",")}

        assert {"private", "no-store"} <= directives, path
        assert "public" not in directives, path
        assert "Cookie" in response["Vary"], path


@pytest.mark.django_db
def test_anonymous_pages_are_not_marked_private_and_vary_on_the_cookie(client):
    page = client.get("/")
    api = client.get("/api/v1/agreements/")

    assert "private" not in page.get("Cache-Control", "")
    assert "Cookie" in page["Vary"]  # a shared cache never serves this copy to a logged-in visitor
    assert api["Cache-Control"] == "public, max-age=0, must-revalidate"


@pytest.mark.django_db
def test_the_login_and_sign_up_pages_are_never_cached(client):
    for path in ("/account/login/", "/account/signup/"):
        assert "no-store" in client.get(path)["Cache-Control"], path
