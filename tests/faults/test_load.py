"""Under concurrency, against real multi-process servers: the rate limit holds exactly, and a SIGTERM lets every
request in flight finish (gunicorn's graceful timeout) while nothing is half-written."""

import http.client
import http.cookiejar
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter

import psycopg
import pytest
import redis

from tests.serving import fetch, free_port, gunicorn_serving, manage


@pytest.mark.parametrize("counter", ["database", "redis"])
def test_concurrent_clients_of_a_multi_process_server_get_exactly_the_limit(database_copy, counter, tmp_path):
    env = {**os.environ, **database_copy(), "API_RATE_ANONYMOUS": "25/hour", "GUNICORN_WORKERS": "3",
           "GUNICORN_THREADS": "2"}
    if counter == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/13"
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    port = free_port()
    clients, each, start, statuses = 8, 10, threading.Barrier(8), []

    def client():
        start.wait()
        for _ in range(each):
            statuses.append(fetch(f"http://127.0.0.1:{port}/api/v1/agencies/", timeout=30)[0])

    log = tmp_path / "gunicorn.log"
    with log.open("w") as output, gunicorn_serving("registry.wsgi", env, port, stdout=output):
        if counter == "redis":  # /healthz is not counted; start from an empty window all the same
            redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    print(log.read_text())  # the whole server log, shown by pytest when the test fails
    assert len(statuses) == clients * each
    assert statuses.count(200) == 25 and statuses.count(429) == clients * each - 25, (Counter(statuses),
                                                                                          errors_in(log))


def test_the_login_lockout_holds_against_concurrent_guesses(database_copy):
    """django-axes under a multi-process server: a burst of wrong passwords from many connections at once locks
    the username and address out, and the right password is refused afterwards."""
    env = {**os.environ, **database_copy(), "GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "2", "AXES_FAILURE_LIMIT": "5",
           "SECURE_COOKIES": "false"}  # plain HTTP here: the cookie jar sends no Secure cookie
    manage(env, "shell", "-c", "from django.contrib.auth import get_user_model; "
                               "get_user_model().objects.create_user('guarded', 'g@example.org', 'Right-Password-42')")
    port = free_port()
    clients, each, start, answers = 8, 3, threading.Barrier(8), []

    def guesser(n):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = opener.open(f"http://127.0.0.1:{port}/account/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        start.wait()
        for guess in range(each):
            answers.append(post_form(opener, port, token, "guarded", f"wrong-{n}-{guess}"))

    with gunicorn_serving("registry.wsgi", env, port):
        threads = [threading.Thread(target=guesser, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = opener.open(f"http://127.0.0.1:{port}/account/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        right = post_form(opener, port, token, "guarded", "Right-Password-42")

    assert len(answers) == clients * each and set(answers) <= {200, 429}, Counter(answers)
    # The fifth wrong password is answered with the lockout (429), as one at a time; at most one racing guess more
    # per connection gets a password check.
    assert 4 <= answers.count(200) <= 4 + clients, Counter(answers)
    assert right == 429, "the right password got in after the burst of guesses"


def post_form(opener, port, token, username, password):
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/account/login/", data=data,
                                     headers={"Referer": f"http://127.0.0.1:{port}/account/login/"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def submission_body(tag, agency, vendor):
    return json.dumps({
        "kind": "create", "type": "agreement", "organization": "fault-watch", "rationale": f"fault test {tag}",
        "record": {"title": f"Fault test pilot {tag}", "awarding_agency": agency, "status": "announced",
                   "parties": [{"vendor": vendor, "role": "prime"}], "announced": "2026-11"},
        "sources": [{"url": f"https://news.example.org/{tag}", "title": "A story", "publisher": "Example News",
                     "published": "2026-11-02", "quote": "the exact words", "claims": ["title"]}],
    })


def test_sigterm_under_load_cuts_no_response_and_half_writes_nothing(database_copy):
    # The writer sends as many submissions as it can: no daily quota or token rate may answer for the shutdown.
    env = {**os.environ, **database_copy(), "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2",
           "SUBMISSION_DAILY_QUOTA": "100000", "API_RATE_STANDARD": "100000/min"}
    key, agency, vendor = manage(env, "shell", "-c", SUBMITTER).stdout.strip().splitlines()[-1].split()
    port = free_port()
    outcomes, acknowledged, stop = [], [], threading.Event()

    def reader(path):
        while not stop.is_set():
            outcomes.append(read_whole(port, "GET", path))

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            tag = uuid.uuid4().hex[:8]
            outcome = read_whole(port, "POST", "/api/v1/submissions/", body=submission_body(tag, agency, vendor), headers={
                "Authorization": f"Token {key}", "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
            outcomes.append(outcome)
            if outcome[0] == 201:
                acknowledged.append(tag)

    with gunicorn_serving("registry.wsgi", env, port) as server:
        threads = [threading.Thread(target=reader, args=(path,)) for path in
                   ("/agreements/", "/api/v1/agreements/?format=csv", "/api/v1/agreements/", "/timeline/")]
        threads.append(threading.Thread(target=writer))
        for thread in threads:
            thread.start()
        time.sleep(3)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    answered = [o for o in outcomes if o[0] is not None]
    cut = [o for o in outcomes if o[0] is not None and o[2] is not None]
    assert len(answered) > 20 and acknowledged, f"only {len(answered)} answers ({len(acknowledged)} writes)"
    assert not cut, f"responses cut mid-way: {cut[:3]}"
    assert {o[0] for o in answered} <= {200, 201, 503}, {o[0] for o in answered}
    refused = [o for o in outcomes if o[0] is None]
    assert all(isinstance(o[2], ConnectionError | OSError) for o in refused)
    stored = stored_submissions(env["DATABASE_URL"])
    assert set(acknowledged) <= set(stored), "an acknowledged submission was lost"
    assert all(stored.values()), f"half-written submissions: {[tag for tag, whole in stored.items() if not whole]}"


SUBMITTER = """
from contracts.models import Agency, Vendor
from registry.models import ApiToken, Membership, Organization
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_user("faults", "faults@example.org", "x-Faults-Password-1")
organization = Organization.objects.create(name="Fault Watch", slug="fault-watch", status="verified")
Membership.objects.create(user=user, organization=organization)
print(ApiToken.objects.issue(user, name="faults")[1], Agency.objects.public().first().slug,
      Vendor.objects.public().first().slug)
"""


def read_whole(port, method, path, body=None, headers=None):
    """(status, body length, error): error is None for a whole response; status None when never answered."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status = None
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        status = response.status
        return status, len(response.read()), None
    except (http.client.HTTPException, OSError) as error:
        return status, 0, error
    finally:
        connection.close()


def stored_submissions(url):
    """{tag: whether the submission's proposal and its source were stored whole}."""
    with psycopg.connect(url) as db:
        rows = db.execute("SELECT rationale, payload->>'title', jsonb_array_length(sources) FROM registry_submission "
                          "WHERE rationale LIKE 'fault test %%'").fetchall()
    return {rationale.removeprefix("fault test "): title == f"Fault test pilot {rationale[11:]}" and sources == 1
            for rationale, title, sources in rows}


def errors_in(log):
    """The server's tracebacks, for the assertion message."""
    return "\n".join(line for line in log.read_text().splitlines() if " /api/" not in line)[-3000:]

