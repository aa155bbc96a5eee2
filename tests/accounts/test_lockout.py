"""Failed-login lockout (django-axes) on the site's login and the admin's: five wrong passwords for one username
from one address lock that pair out (a 429 page) for the cool-off time, whatever the password after."""

import pytest
from django.contrib.auth import SESSION_KEY

RIGHT = "correct horse battery staple"


def attempt(client, path, username, password, address="203.0.113.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("path", ["/account/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_login_even_for_the_right_password(client, staff, path):
    answers = [attempt(client, path, "staff", f"wrong-{n}").status_code for n in range(5)]
    locked = attempt(client, path, "staff", RIGHT)

    assert answers[:4] == [200, 200, 200, 200]
    assert answers[4] == 429
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_twenty_five_wrong_admin_passwords_are_not_all_tried(client, staff):
    answers = [attempt(client, "/admin/login/", "staff", f"guess-{n}").status_code for n in range(25)]

    assert answers.count(429) == 21


def test_the_lockout_page_says_when_to_try_again(client, alice):
    for n in range(5):
        response = attempt(client, "/account/login/", "alice", f"wrong-{n}")

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "paused\n  for 1 hour" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "reset it by email" in response.content.decode()


def test_the_lock_is_by_username_and_address(client, alice, bob):
    for n in range(5):
        attempt(client, "/account/login/", "alice", f"wrong-{n}")

    from_elsewhere = attempt(client, "/account/login/", "alice", RIGHT, address="198.51.100.9")
    client.logout()
    someone_else = attempt(client, "/account/login/", "bob", RIGHT)

    assert from_elsewhere.status_code == 302
    assert someone_else.status_code == 302


def test_a_successful_login_starts_the_count_again(client, alice):
    for n in range(4):
        attempt(client, "/account/login/", "alice", f"wrong-{n}")
    assert attempt(client, "/account/login/", "alice", RIGHT).status_code == 302
    client.logout()

    answers = [attempt(client, "/account/login/", "alice", f"again-{n}").status_code for n in range(4)]

    assert answers == [200, 200, 200, 200]


def test_the_limit_and_cool_off_come_from_settings(client, alice, settings):
    import datetime

    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)

    attempt(client, "/account/login/", "alice", "wrong")
    response = attempt(client, "/account/login/", "alice", "wrong again")

    assert response.status_code == 429 and response["Retry-After"] == "1800"
    assert "for 30 minutes" in response.content.decode()


def test_the_settings_read_the_limit_and_cool_off_from_the_environment():
    import subprocess
    import sys

    code = ("from django.conf import settings; import django; django.setup(); "
            "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds(), settings.AXES_LOCKOUT_PARAMETERS, "
            "settings.AUTHENTICATION_BACKENDS[0])")
    env = {"SECRET_KEY": "t", "DJANGO_SETTINGS_MODULE": "registry.settings", "AXES_FAILURE_LIMIT": "7",
           "AXES_COOLOFF_TIME": "0.5", "PATH": "/usr/bin:/bin"}
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert output.split("\n")[-2] == "7 1800.0 [['username', 'ip_address']] axes.backends.AxesStandaloneBackend"
