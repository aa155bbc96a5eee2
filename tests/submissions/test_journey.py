"""The whole watchdog journey, as a new user would take it: sign up, confirm by the emailed link, log in,
suggest a correction with a source, and a moderator approves it; the record page, its revisions, the
corrections page, the API and the feeds show it at once, credited to no username."""

import re

import pytest
from django.test import Client

from registry.models import ChangeLog, Submission
from tests.builders import make_agreement

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def sign_up_and_log_in(mailoutbox):
    client = Client()
    response = client.post("/account/signup/", {"username": "wanda", "email": "wanda@watch.example.org",
                                                "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/account/confirm/\S+/)", mailoutbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    response = client.post("/account/login/", {"username": "wanda", "password": PASSWORD})
    assert response.status_code == 302
    return client


def suggest_correction(client, agreement):
    url = f"/submit/agreements/{agreement.slug}/correction/"
    form = client.get(url)
    assert form.status_code == 200
    fields = {name: ("on" if value is True else value)
              for name, value in form.context["record_form"].initial.items() if value not in (False, None)}
    data = {**fields, "status": "terminated",
            "sources-TOTAL_FORMS": "3", "sources-INITIAL_FORMS": "0", "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "10",
            "sources-0-url": "https://www.example.gov/news/pilot-ends", "sources-0-title": "The pilot ends",
            "sources-0-publisher": "Example agency", "sources-0-published": "2026-12-01",
            "sources-0-kind": "official_release", "sources-0-quote": "the pilot was terminated on 1 December",
            "sources-0-claims": ["status"],
            "rationale": "The agency says the pilot was terminated.", "step": "preview"}
    preview = client.post(url, data)
    assert preview.status_code == 200 and b"<ins>terminated</ins>" in preview.content
    sent = client.post(url, {**data, "step": "send", "previewed": "1"})
    assert sent.status_code == 302
    return Submission.objects.get(submitted_by__username="wanda")


def test_a_new_user_signs_up_suggests_a_correction_and_a_moderator_publishes_it(
        mailoutbox, mod, django_capture_on_commit_callbacks):
    agreement = make_agreement(title="Evaluation pilot", status="active")
    client = sign_up_and_log_in(mailoutbox)

    submission = suggest_correction(client, agreement)
    assert submission.status == "pending" and submission.payload == {"status": "terminated"}
    assert client.get(f"/submissions/{submission.pk}/").status_code == 200
    assert Client().get(f"/agreements/{agreement.slug}/").content.decode().count("terminated") == 0

    moderator = Client()
    moderator.force_login(mod)
    assert f"/moderation/{submission.pk}/".encode() in moderator.get("/moderation/").content
    with django_capture_on_commit_callbacks(execute=True):  # the decision email is sent once the decision commits
        decided = moderator.post(f"/moderation/{submission.pk}/approve/", {
            "approve-message": "Confirmed on the agency's site.",
            "approve-notice_text": "The status was corrected from active to terminated."})
    assert decided.status_code == 302

    page = Client().get(f"/agreements/{agreement.slug}/").content.decode()
    assert "Terminated" in page
    assert "The status was corrected from active to terminated." in page  # the dated notice
    assert f"submission #{submission.pk}" in page  # the revisions list
    assert "wanda" not in page
    assert "The status was corrected" in Client().get("/corrections/").content.decode()
    assert agreement.slug in Client().get("/corrections/feed/").content.decode()
    api = Client().get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert api["status"] == "terminated"
    assert any(c["source"]["slug"].startswith("the-pilot-ends") for c in api["citations"])
    change = ChangeLog.objects.public().filter(slug=agreement.slug).last()
    assert (change.reason, change.credited_to) == (f"submission #{submission.pk}", "registry staff")
    feed = Client().get("/api/v1/changes/").json()
    assert any(row["slug"] == agreement.slug and row["id"] == change.public_id for row in feed["results"])
    assert mailoutbox[-1].to == ["wanda@watch.example.org"] and "approved" in mailoutbox[-1].subject
    assert client.get(f"/submissions/{submission.pk}/").content.decode().count(f"/agreements/{agreement.slug}/")
