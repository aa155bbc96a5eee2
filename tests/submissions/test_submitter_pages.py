"""The submitter's pages: /submissions/ (mine, newest first) and /submissions/<id>/ (status, proposal,
sources, the moderator's messages, withdraw, revise)."""

import pytest
from django.test import Client

from registry.models import Submission
from submissions import services
from tests.builders import make_agency, make_agreement, offered_source
from tests.queries import two_world_sizes

pytestmark = pytest.mark.django_db


def a_submission(user, org=None, **payload):
    agency = make_agency()
    return services.submit(user=user, kind="create", record_type="agreement", organization=org,
                           payload={"title": "Frontier AI pilot", "awarding_agency": agency.slug, **payload},
                           sources=[offered_source()], rationale="Announced today.")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_my_submissions_lists_mine_newest_first_with_status_and_link(alice_client, alice, bob):
    first = a_submission(alice, title="First")
    a_submission(alice, title="Second")
    services.withdraw(first, user=alice)
    a_submission(bob, title="Bob's")

    response = alice_client.get("/submissions/")

    html = response.content.decode()
    assert html.index("Second") < html.index("First") and "Bob&#x27;s" not in html and "Bob's" not in html
    assert f'href="/submissions/{first.pk}/"' in html and "Withdrawn" in html and "Pending review" in html


def test_a_submission_page_shows_status_proposal_and_sources(alice_client, alice):
    submission = a_submission(alice, piid="HQ-9")

    response = alice_client.get(f"/submissions/{submission.pk}/")

    assert response.status_code == 200
    for text in (b"Pending review", b"HQ-9", b"the exact words of the story", b"Announced today.",
                 b"https://news.example.org/a-story", b"/withdraw/"):
        assert text in response.content


def test_a_correction_page_shows_the_diff(alice_client, alice):
    agreement = make_agreement(title="Old title")
    submission = services.submit(user=alice, kind="correction", record_type="agreement", target_slug=agreement.slug,
                                 payload={"title": "New title"}, sources=[offered_source()], rationale="Wrong.")

    response = alice_client.get(f"/submissions/{submission.pk}/")

    assert b"<del>Old title</del>" in response.content and b"<ins>New title</ins>" in response.content
    assert f'href="/agreements/{agreement.slug}/"'.encode() in response.content


def test_a_decision_shows_its_reason_code_and_the_published_record(alice_client, alice, mod):
    rejected, approved = a_submission(alice), a_submission(alice, title="Approved pilot")
    services.reject(rejected, moderator=mod, code="unsupported", message="The source says otherwise.")
    services.approve(approved, moderator=mod, message="Checked.")

    rejected_page = alice_client.get(f"/submissions/{rejected.pk}/").content.decode()
    approved_page = alice_client.get(f"/submissions/{approved.pk}/").content.decode()

    assert "The source says otherwise." in rejected_page and "unsupported" in rejected_page
    assert services.REJECTION_CODES["unsupported"] in rejected_page and "/withdraw/" not in rejected_page
    approved.refresh_from_db()
    assert f'href="/agreements/{approved.published_slug}/"' in approved_page


def test_withdraw_asks_for_confirmation_then_withdraws(alice_client, alice):
    submission = a_submission(alice)
    url = f"/submissions/{submission.pk}/withdraw/"

    assert b"Yes, withdraw it" in alice_client.get(url).content
    assert alice_client.post(url, {}).status_code == 400
    submission.refresh_from_db()
    assert submission.status == "pending"

    response = alice_client.post(url, {"confirm": "yes"})

    submission.refresh_from_db()
    assert response.status_code == 302 and submission.status == "withdrawn"


def test_a_revised_version_keeps_the_thread_and_the_moderators_message(alice_client, alice, org_a, mod):
    submission = a_submission(alice, org_a)
    services.request_changes(submission, moderator=mod, message="Give the exact PIID, please.")
    page = alice_client.get(f"/submissions/{submission.pk}/")
    assert b"Give the exact PIID, please." in page.content and b"/revise/" in page.content
    url = f"/submissions/{submission.pk}/revise/"
    form = alice_client.get(url)
    assert b'value="Frontier AI pilot"' in form.content and b"the exact words of the story" in form.content
    data = {name: value for name, value in form.context["record_form"].initial.items() if value is not False}
    data.update({"piid": "HQ-1", "rationale": "Added the PIID.", "step": "preview",
                 "sources-TOTAL_FORMS": "3", "sources-INITIAL_FORMS": "1", "sources-MIN_NUM_FORMS": "0",
                 "sources-MAX_NUM_FORMS": "10"})
    for name, value in offered_source().items():
        data[f"sources-0-{name}"] = value

    assert alice_client.post(url, data).status_code == 200
    sent = alice_client.post(url, {**data, "step": "send", "previewed": "1"})

    revised = Submission.objects.get(replaces=submission)
    assert sent["Location"] == f"/submissions/{revised.pk}/"
    assert revised.payload["piid"] == "HQ-1" and revised.status == "pending" and revised.organization == org_a
    assert [s.pk for s in services.thread(revised)] == [submission.pk, revised.pk]
    page = alice_client.get(f"/submissions/{revised.pk}/").content.decode()
    assert "Give the exact PIID, please." in page and f'href="/submissions/{submission.pk}/"' in page


def test_only_a_submission_whose_changes_were_requested_can_be_revised(alice_client, alice):
    submission = a_submission(alice)

    response = alice_client.get(f"/submissions/{submission.pk}/revise/")

    assert response.status_code == 302 and response["Location"] == f"/submissions/{submission.pk}/"


def test_bob_gets_404_on_alices_submission(client, alice, bob):
    submission = a_submission(alice)
    client.force_login(bob)

    for suffix in ("", "withdraw/", "revise/"):
        assert client.get(f"/submissions/{submission.pk}/{suffix}").status_code == 404
    assert client.post(f"/submissions/{submission.pk}/withdraw/", {"confirm": "yes"}).status_code == 404
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_a_moderator_may_read_a_submission_but_not_withdraw_it(client, alice, mod):
    submission = a_submission(alice)
    client.force_login(mod)

    page = client.get(f"/submissions/{submission.pk}/")

    assert page.status_code == 200 and b"/withdraw/" not in page.content
    assert client.post(f"/submissions/{submission.pk}/withdraw/", {"confirm": "yes"}).status_code == 404


@pytest.mark.parametrize("url", ["/submissions/", "/submissions/1/", "/submit/terms/"])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"] == f"/account/login/?next={url}"


def test_withdraw_needs_its_csrf_token(alice):
    submission = a_submission(alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(f"/submissions/{submission.pk}/withdraw/", {"confirm": "yes"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_submitted_text_is_escaped(alice_client, alice):
    submission = a_submission(alice, title="<script>alert(1)</script>", summary="<b>bold</b>")

    for url in ("/submissions/", f"/submissions/{submission.pk}/"):
        html = alice_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>bold</b>" not in html


# --- query counts ----------------------------------------------------------------------------

@two_world_sizes
def test_my_submissions_runs_the_same_queries_for_any_number_of_rows(alice_client, alice, django_assert_num_queries,
                                                                     rows):
    for _ in range(rows):
        a_submission(alice)
    alice_client.get("/healthz")

    # session, user, the submissions, the latest public change (the footer), the user's and their groups'
    # permissions (the header's Moderation link)
    with django_assert_num_queries(6):
        assert alice_client.get("/submissions/").status_code == 200


def test_a_submission_page_runs_a_fixed_number_of_queries(alice_client, alice, mod, django_assert_num_queries):
    first = a_submission(alice)
    services.request_changes(first, moderator=mod, message="More, please.")
    revised = services.revise(first, user=alice, payload={**first.payload, "piid": "HQ-2"},
                              sources=first.sources * 3, rationale="Added.")
    alice_client.get("/healthz")

    # session, user, the user's and their groups' permissions (is_moderator, in visible_to), the submission (with
    # its organisation), the thread (services.thread: every version in one query), the latest public change
    # (the footer)
    with django_assert_num_queries(7):
        assert alice_client.get(f"/submissions/{revised.pk}/").status_code == 200
