"""The moderators' pages: the queue, the review page and the three decisions, and the public page that
documents them (/about/submissions/)."""

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from contracts.models import Agreement
from registry.models import ChangeLog, Notice, Submission
from registry.services import apply_change
from submissions import emails, services
from submissions.models import OutgoingEmail
from tests.builders import (
    make_agency,
    make_agreement,
    make_citation,
    make_organization,
    make_submission,
    make_user,
    make_vendor,
    offered_source,
    one_change,
)
from tests.queries import queries_of, two_world_sizes

REVIEW_QUERIES = 15

pytestmark = pytest.mark.django_db

FAILING_BACKEND = "tests.submissions.failing_email_backend.FailingBackend"


def new_agreement(user, organization, title="Model evaluation pilot"):
    agency, vendor = make_agency(), make_vendor()
    return services.submit(
        user=user, kind="create", record_type="agreement", organization=organization,
        payload={"title": title, "awarding_agency": agency.slug,
                 "parties": [{"vendor": vendor.slug, "role": "prime"}], "status": "announced", "announced": "2026-11"},
        sources=[offered_source(claims=["title", "announced"])], rationale="Announced in a press release.")


def correction(user, agreement, **payload):
    return services.submit(user=user, kind="correction", record_type="agreement", target_slug=agreement.slug,
                           payload=payload or {"status": "active"}, sources=[offered_source(claims=["status"])],
                           rationale="It was awarded in November.")


def aged(submission, days):
    Submission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days))
    return submission


def approve_post(client, submission, **fields):
    data = {"approve-message": "Checked against the source.", **{f"approve-{k}": v for k, v in fields.items()}}
    if submission.kind == "create":
        data.setdefault("approve-slug", services.proposed_slug(services.record_type_named(submission.record_type),
                                                                submission.payload))
        data.setdefault("approve-confidence", "high")
    return client.post(f"/moderation/{submission.pk}/approve/", data)


# --- who may see it ----------------------------------------------------------------------------

def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/moderation/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/moderation/")


@pytest.mark.parametrize("url", ["/moderation/", "/moderation/emails/", "/moderation/{pk}/"])
def test_it_answers_404_to_users_who_are_not_moderators(client, alice, bob, url):
    submission = new_agreement(alice, None)
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(url.format(pk=submission.pk)).status_code == 404


def test_it_refuses_a_decision_posted_by_a_non_moderator(client, alice, bob, org_a):
    submission = new_agreement(alice, org_a)
    client.force_login(bob)

    response = client.post(f"/moderation/{submission.pk}/reject/", {"reject-reason_code": "abuse",
                                                                    "reject-message": "no"})

    assert response.status_code == 404
    assert Submission.objects.get(pk=submission.pk).status == "pending"


# --- the queue ---------------------------------------------------------------------------------

def test_it_lists_pending_submissions_oldest_first_with_counts(client, mod, alice, bob, org_a, org_b):
    newest = new_agreement(alice, org_a, title="Newest")
    oldest = aged(new_agreement(bob, org_b, title="Oldest"), 10)
    middle = aged(new_agreement(alice, org_a, title="Middle"), 3)
    decided = new_agreement(alice, org_a, title="Already rejected")
    services.reject(decided, moderator=mod, code="duplicate", message="We have it.")
    client.force_login(mod)

    response = client.get("/moderation/")

    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [oldest.pk, middle.pk, newest.pk]
    counts = {value: count for value, _, count in response.context["status_counts"]}
    assert counts["pending"] == 3 and counts["rejected"] == 1
    facets = response.context["facets"]
    assert facets["organization"] == [("watchdog-a", "Watchdog A", 2), ("watchdog-b", "Watchdog B", 1)]
    assert {v: c for v, _, c in facets["age"]} == {"1": 2, "7": 1, "30": 0}
    assert "Already rejected" not in response.content.decode()


def test_it_filters_the_queue_by_type_kind_organisation_and_age(client, mod, alice, bob, org_a, org_b):
    agreement = make_agreement()
    create_a = aged(new_agreement(alice, org_a), 8)
    create_b = new_agreement(bob, org_b)
    fix = aged(correction(alice, agreement), 2)
    client.force_login(mod)

    def listed(query):
        response = client.get(f"/moderation/?{query}")
        assert response.status_code == 200
        return {row.pk for row in response.context["rows"]}

    assert listed("record_type=agreement") == {create_a.pk, create_b.pk, fix.pk}
    assert listed("record_type=designation") == set()
    assert listed("kind=correction") == {fix.pk}
    assert listed("organization=watchdog-b") == {create_b.pk}
    assert listed("age=1") == {create_a.pk, fix.pk}
    assert listed("age=7") == {create_a.pk}
    assert listed("kind=create&organization=watchdog-a") == {create_a.pk}


def test_it_shows_a_bad_filter_as_a_form_error(client, mod):
    client.force_login(mod)

    response = client.get("/moderation/?kind=bogus&organization=nobody&page=zero")

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "organization", "page"}
    assert response.context["rows"] == []


def test_it_marks_a_correction_whose_record_changed_as_stale(client, mod, alice, staff):
    agreement = make_agreement(title="T")
    fresh, stale = correction(alice, make_agreement()), correction(alice, agreement)
    agreement.title = "Changed meanwhile"
    apply_change(agreement, user=staff, reason="editor fix")
    client.force_login(mod)

    response = client.get("/moderation/")

    marks = {row.pk: row.stale for row in response.context["rows"]}
    assert marks == {fresh.pk: False, stale.pk: True}
    assert "Stale: the record changed" in response.content.decode()


@two_world_sizes
def test_it_reads_the_queue_in_a_fixed_number_of_queries(client, mod, alice, org_a, rows):
    agreements = [make_agreement() for _ in range(2)]
    for number in range(rows):
        target = agreements[number % 2]
        if number % 2:
            make_submission(by=alice, organization=org_a, title=f"New {number}", payload={"title": "x"})
        else:
            make_submission(by=alice, organization=org_a, kind="correction", target_slug=target.slug,
                            base_history_id=services.latest_history_id(target), payload={"status": "active"})
    OutgoingEmail.objects.create(submission=Submission.objects.first(), decision="rejected", to="a@example.org",
                                 subject="s", body="b", status="failed", last_error="down")
    client.force_login(mod)

    queries = queries_of(client, "/moderation/")

    # session, user, moderator permission (user's and group's), paginator count, page rows (with
    # organisation), latest history ids of the page's agreements (one per record type on the page),
    # status counts, facets (type, ages, kind, organisation), the footer's latest change, the
    # organisation filter's choices, failed emails (with submission)
    assert len(queries) == 15, "\n".join(queries)


def test_an_email_that_cannot_even_be_recorded_never_turns_a_done_approval_into_an_error(
        client, mod, alice, org_a, django_capture_on_commit_callbacks, monkeypatch):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)

    def database_gone(email_id):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(emails, "send", database_gone)
    with django_capture_on_commit_callbacks(execute=True):
        response = approve_post(client, submission)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "approved"
    assert OutgoingEmail.objects.get(submission=submission).status == OutgoingEmail.Status.PENDING


def test_it_lists_failed_emails_on_the_queue_and_their_page(client, mod, alice, org_a):
    submission = new_agreement(alice, org_a)
    OutgoingEmail.objects.create(submission=submission, decision="rejected", to="alice@example.org",
                                 subject="Your submission", body="b", status="failed", last_error="SMTP down")
    client.force_login(mod)

    for url in ("/moderation/", "/moderation/emails/"):
        page = client.get(url).content.decode()
        assert "SMTP down" in page and 'action="/moderation/emails/' in page


# --- the review page ---------------------------------------------------------------------------

def test_it_shows_the_proposed_record_its_sources_and_the_submitter(client, mod, alice, org_a):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)

    response = client.get(f"/moderation/{submission.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Model evaluation pilot" in page and "awarding_agency" in page and "parties" in page
    assert "the exact words of the story" in page and "https://news.example.org/a-story" in page
    assert "Watchdog A" in page and "alice" in page
    assert response.context["approve_form"]["slug"].value() == "model-evaluation-pilot"
    assert 'name="csrfmiddlewaretoken"' in page


def test_it_shows_a_correction_as_a_field_by_field_diff(client, mod, alice):
    agreement = make_agreement(status="announced")
    submission = correction(alice, agreement)
    client.force_login(mod)

    response = client.get(f"/moderation/{submission.pk}/")

    assert [(c.field, c.before, c.after) for c in response.context["diff"]] == [("status", "announced", "active")]
    assert "stale" not in response.context
    # the public notice is the moderator's own words, required and not prefilled: the rationale is not public
    notice = response.context["approve_form"]["notice_text"]
    assert notice.value() in (None, "") and notice.field.required
    assert "the exact words of the story" in response.content.decode()


def test_it_shows_a_retraction_with_the_record_and_the_rationale(client, mod, alice):
    agreement = make_agreement(title="A deal that never was")
    submission = services.submit(user=alice, kind="retraction", record_type="agreement", target_slug=agreement.slug,
                                 sources=[offered_source(claims=[])], rationale="The agency denied it exists.")
    client.force_login(mod)

    page = client.get(f"/moderation/{submission.pk}/").content.decode()

    assert "The record to retract" in page and "A deal that never was" in page
    assert "The agency denied it exists." in page


def test_a_stale_correction_shows_three_versions_and_needs_the_confirmation(client, mod, alice, staff):
    agreement = make_agreement(title="T", status="announced")
    submission = correction(alice, agreement, title="Submitter's title", status="active")
    agreement.title = "Editor's title"
    apply_change(agreement, user=staff, reason="editor fix")
    client.force_login(mod)

    response = client.get(f"/moderation/{submission.pk}/")
    rows = {row.field: row for row in response.context["three_way"]}
    assert (rows["title"].base, rows["title"].current, rows["title"].proposed, rows["title"].conflict) == (
        "T", "Editor's title", "Submitter's title", True)
    current_id = response.context["current_history_id"]
    assert response.context["approve_form"]["confirmed_history_id"].value() == current_id
    assert "conflict" in response.content.decode()

    refused = approve_post(client, submission, notice_text="Corrected.")
    assert refused.status_code == 409
    assert "compare the three versions" in refused.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == "pending"

    approve_post(client, submission, notice_text="Corrected.", compared="on", confirmed_history_id=current_id)
    agreement.refresh_from_db()
    assert (agreement.title, agreement.status) == ("Submitter's title", "active")


def test_it_shows_the_thread_of_a_revised_submission(client, mod, alice, org_a):
    first = new_agreement(alice, org_a)
    services.request_changes(first, moderator=mod, message="Add the award date.")
    second = services.revise(first, user=alice, payload={**first.payload, "awarded": "2026-11-20"},
                             sources=first.sources, rationale="Added the award date.")
    client.force_login(mod)

    page = client.get(f"/moderation/{second.pk}/").content.decode()

    assert f'href="/moderation/{first.pk}/"' in page and "Add the award date." in page


def test_a_moderator_sees_no_decision_buttons_on_their_own_submission_and_is_refused(client, mod):
    other = make_user("mod2")
    other.groups.set(mod.groups.all())
    submission = new_agreement(mod, None)
    client.force_login(mod)

    response = client.get(f"/moderation/{submission.pk}/")
    assert "approve_form" not in response.context
    assert "your own submission" in response.content.decode()

    refused = approve_post(client, submission)
    assert refused.status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == "pending"
    assert "cannot decide their own submission" in client.get(refused["Location"]).content.decode()


@two_world_sizes
def test_it_reads_the_review_page_in_a_fixed_number_of_queries(client, mod, alice, org_a, rows):
    with one_change():
        agreement = make_agreement(vendors=[make_vendor() for _ in range(rows)])
        for _ in range(rows - 1):
            make_citation(agreement)
    submission = services.submit(user=alice, kind="correction", record_type="agreement", target_slug=agreement.slug,
                                 organization=org_a, payload={"status": "active"},
                                 sources=[offered_source(claims=["status"], url=f"https://example.org/{n}")
                                          for n in range(min(rows, 10))], rationale="r")
    client.force_login(mod)

    queries = queries_of(client, f"/moderation/{submission.pk}/")

    # session, user, permissions (user's, group's), the submission (with organisation, submitter,
    # reviewer), its target, the record in the interchange shape (awarding agency, citations, parties,
    # participating agencies, amounts: one each, whatever their number), its latest history id
    # (staleness), the thread's next version, the public credit (membership), the footer's latest change
    assert len(queries) == REVIEW_QUERIES, "\n".join(queries)


# --- decisions ---------------------------------------------------------------------------------

def term_payload():
    return {"title": "No domestic surveillance", "agreement": make_agreement(terms_disclosure="summary").slug,
            "category": "domestic_surveillance", "effect": "prohibits",
            "text": "The models shall not be used for domestic surveillance."}


def designation_payload():
    return {"title": "Supply-chain risk designation", "vendor": make_vendor().slug,
            "kind": "supply_chain_risk_3252", "status": "in_effect"}


def disclosure_payload():
    return {"title": "Model test at the agency", "agency": make_agency().slug, "models_tested": "GPT-4"}


def agreement_payload():
    return {"title": "Model evaluation pilot", "awarding_agency": make_agency().slug,
            "parties": [{"vendor": make_vendor().slug, "role": "prime"}], "status": "announced"}


@pytest.mark.parametrize(("record_type", "path", "payload"), [
    ("agreement", "agreements", agreement_payload),
    ("term", "terms", term_payload),
    ("designation", "designations", designation_payload),
    ("testing-disclosure", "testing-disclosures", disclosure_payload),
])
@pytest.mark.parametrize(("who", "credit"), [("alice", "Watchdog A"), ("bob", "registry staff")])
def test_an_approved_submission_is_published_everywhere_with_its_credit(
        client, mod, request, record_type, path, payload, who, credit, django_capture_on_commit_callbacks,
        mailoutbox):
    user = request.getfixturevalue(who)
    organization = user.memberships.get().organization
    submission = services.submit(user=user, kind="create", record_type=record_type, payload=payload(),
                                 organization=organization, rationale="Public since November.",
                                 sources=[offered_source(claims=["title"], quote="words only this story says")])
    client.force_login(mod)

    with django_capture_on_commit_callbacks(execute=True):
        response = approve_post(client, submission, slug="from-a-watchdog")

    assert response.status_code == 302 and response["Location"] == "/moderation/"
    queue_page = client.get("/moderation/").content.decode()
    assert f"Submission #{submission.pk} approved" in queue_page
    assert f'href="/{path}/from-a-watchdog/"' in queue_page
    page = client.get(f"/{path}/from-a-watchdog/")
    assert page.status_code == 200 and "words only this story says" in page.content.decode()
    api = client.get(f"/api/v1/{path}/from-a-watchdog/")
    assert api.status_code == 200 and "words only this story says" in api.content.decode()
    changes = client.get("/api/v1/changes/").json()
    assert any(c["slug"] == "from-a-watchdog" for c in changes["results"])
    feed = client.get("/changes/feed/").content.decode()
    assert "from-a-watchdog" in feed and f"submission #{submission.pk}" in feed
    model = services.record_type_named(record_type).model
    record = model.objects.public().get(slug="from-a-watchdog")
    assert record.history.latest().history_change_reason == f"submission #{submission.pk}"
    assert ChangeLog.objects.get(record_type=record_type, slug="from-a-watchdog").credited_to == credit
    assert [m.subject for m in mailoutbox] == [f"Your submission #{submission.pk} was approved"]


def test_a_rejection_leaves_the_record_untouched_and_emails_the_reason(
        client, mod, alice, django_capture_on_commit_callbacks, mailoutbox):
    agreement = make_agreement(status="announced")
    submission = correction(alice, agreement)
    changes_before = ChangeLog.objects.count()
    client.force_login(mod)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/moderation/{submission.pk}/reject/", {
            "reject-reason_code": "unsupported", "reject-message": "The quote does not say it was awarded."})

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "announced" and ChangeLog.objects.count() == changes_before
    submission.refresh_from_db()
    assert (submission.status, submission.reason_code) == ("rejected", "unsupported")
    assert len(mailoutbox) == 1 and "The quote does not say it was awarded." in mailoutbox[0].body


def test_a_rejection_needs_a_known_code_and_a_message(client, mod, alice, org_a):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)

    response = client.post(f"/moderation/{submission.pk}/reject/", {"reject-reason_code": "bogus",
                                                                    "reject-message": ""})

    assert response.status_code == 400
    assert set(response.context["reject_form"].errors) == {"reason_code", "message"}
    assert "unsupported: The sources given do not state" in response.content.decode()


def test_changes_requested_are_recorded_and_emailed(client, mod, alice, org_a, django_capture_on_commit_callbacks,
                                                     mailoutbox):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/moderation/{submission.pk}/changes/", {"changes-message": "Add the award date."})

    submission.refresh_from_db()
    assert (submission.status, submission.decision_reason) == ("changes_requested", "Add the award date.")
    assert mailoutbox[0].subject == f"Changes requested on your submission #{submission.pk}"


def test_an_approval_needs_a_message_and_shows_engine_errors_on_the_form(client, mod, alice, org_a):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)

    assert approve_post(client, submission, message="").status_code == 400
    response = approve_post(client, submission, slug="new")  # a page address: the write path refuses it

    assert response.status_code == 400
    assert response.context["approve_form"].errors
    assert Submission.objects.get(pk=submission.pk).status == "pending"


def test_an_approved_correction_gives_its_public_notice(client, mod, alice):
    agreement = make_agreement(status="announced")
    submission = correction(alice, agreement)
    client.force_login(mod)

    approve_post(client, submission, notice_text="Status corrected: the agreement was awarded.")

    assert Notice.objects.get(slug=agreement.slug).text == "Status corrected: the agreement was awarded."


def test_a_second_approval_of_the_same_submission_is_refused(client, mod, alice, org_a):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)
    approve_post(client, submission)

    response = approve_post(client, submission, slug="another-slug")

    assert response.status_code == 302 and response["Location"] == f"/moderation/{submission.pk}/"
    assert "no longer pending" in client.get(response["Location"]).content.decode()
    assert not Agreement.objects.filter(slug="another-slug").exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_apply_the_submission_once(org_a):
    """Two moderators approve at once, each in its own thread and connection: exactly one change set."""
    import threading

    from django.contrib.auth.models import Group
    from django.db import connection

    from tests.builders import make_member

    alice = make_user("alice")
    make_member(alice, org_a, credited_publicly=True)
    moderators = Group.objects.get(name="moderators")
    first, second = make_user("mod1"), make_user("mod2")
    first.groups.add(moderators)
    second.groups.add(moderators)
    submission = new_agreement(alice, org_a)
    barrier, outcomes = threading.Barrier(2), []

    def decide(moderator):
        try:
            barrier.wait()
            services.approve(Submission.objects.get(pk=submission.pk), moderator=moderator, message="ok")
            outcomes.append("approved")
        except services.DecisionRefused:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - SQLite may refuse the second writer outright
            outcomes.append(f"error: {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(moderator,)) for moderator in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("approved") == 1, outcomes
    assert len(outcomes) == 2
    reason = f"submission #{submission.pk}"
    assert ChangeLog.objects.filter(reason=reason).values("change_set").distinct().count() == 1
    assert Submission.objects.get(pk=submission.pk).status == "approved"


# --- failing emails ----------------------------------------------------------------------------

def test_a_failed_email_leaves_the_decision_is_shown_and_can_be_resent(
        client, mod, alice, org_a, settings, django_capture_on_commit_callbacks, mailoutbox):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)
    settings.EMAIL_BACKEND = FAILING_BACKEND

    with django_capture_on_commit_callbacks(execute=True):
        approve_post(client, submission)

    assert Submission.objects.get(pk=submission.pk).status == "approved"
    email = OutgoingEmail.objects.get(submission=submission)
    assert email.status == "failed" and "mail server is down" in email.last_error
    assert "mail server is down" in client.get("/moderation/").content.decode()

    again = client.post(f"/moderation/emails/{email.pk}/resend/")
    assert "failed again" in client.get(again["Location"]).content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(f"/moderation/emails/{email.pk}/resend/")

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 3)
    assert [m.subject for m in mailoutbox] == [f"Your submission #{submission.pk} was approved"]
    assert "No failed emails." in client.get("/moderation/emails/").content.decode()


def test_resend_is_a_post_for_moderators_only(client, alice, org_a):
    submission = new_agreement(alice, org_a)
    email = OutgoingEmail.objects.create(submission=submission, decision="rejected", to="a@example.org",
                                         subject="s", body="b", status="failed")
    client.force_login(alice)

    assert client.post(f"/moderation/emails/{email.pk}/resend/").status_code == 404
    assert client.get(f"/moderation/emails/{email.pk}/resend/").status_code == 405


# --- the public page ---------------------------------------------------------------------------

def test_the_about_page_documents_the_reason_codes_limits_and_credit(client, settings):
    settings.SUBMISSION_DAILY_QUOTA = 7

    page = client.get("/about/submissions/").content.decode()

    for code, meaning in services.REJECTION_CODES.items():
        assert f"<code>{code}</code>" in page and meaning in page
    assert "<strong>7</strong> submissions per person" in page
    assert "registry staff" in page
    assert 'href="/about/submissions/"' in client.get("/about/").content.decode()


def test_an_unverified_organisation_is_not_credited(client, mod):
    pending_org = make_organization("Unverified Watch", status="pending")
    user = make_user("carol")
    from tests.builders import make_member

    make_member(user, pending_org, credited_publicly=True)
    submission = new_agreement(user, pending_org)
    client.force_login(mod)

    assert client.get(f"/moderation/{submission.pk}/").context["credit"] == "registry staff"


def test_it_pages_the_queue_and_keeps_the_filters(client, mod, alice, org_a, monkeypatch):
    from submissions import moderation_views

    monkeypatch.setattr(moderation_views, "PER_PAGE", 2)
    made = [aged(new_agreement(alice, org_a, title=f"Pilot {n}"), 10 - n) for n in range(3)]
    client.force_login(mod)

    first = client.get("/moderation/?kind=create")
    second = client.get("/moderation/?kind=create&page=2")
    beyond = client.get("/moderation/?kind=create&page=99")

    assert [row.pk for row in first.context["rows"]] == [made[0].pk, made[1].pk]
    assert 'href="?kind=create&amp;page=2"' in first.content.decode()
    assert [row.pk for row in second.context["rows"]] == [made[2].pk]
    assert [row.pk for row in beyond.context["rows"]] == [made[2].pk]


def test_the_moderation_pages_keep_the_content_security_policy(client, mod, alice, org_a):
    submission = new_agreement(alice, org_a)
    client.force_login(mod)

    for url in ("/moderation/", f"/moderation/{submission.pk}/", "/moderation/emails/", "/about/submissions/"):
        response = client.get(url)
        page = response.content.decode()
        assert "Content-Security-Policy" in response.headers, url
        assert "style=" not in page and "<script" not in page and " onclick=" not in page, url
