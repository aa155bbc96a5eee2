"""The submission engine (submissions/services.py): submit, decide, apply through the one write path."""

import pytest

from contracts.models import Agreement
from registry.models import ChangeLog, Notice, Submission
from submissions import services
from submissions.validation import QuotaExceeded, SubmissionInvalid
from tests.builders import make_agency, make_agreement, make_vendor, offered_source

pytestmark = pytest.mark.django_db


def new_agreement_submission(alice, org_a, **payload):
    agency, vendor = make_agency(), make_vendor()
    return services.submit(
        user=alice, kind="create", record_type="agreement", organization=org_a,
        payload={"title": "Model evaluation pilot", "awarding_agency": agency.slug,
                 "parties": [{"vendor": vendor.slug, "role": "prime"}], "status": "announced",
                 "announced": "2026-11", **payload},
        sources=[offered_source(claims=["title", "announced"])], rationale="Announced in a press release.")


def test_it_stores_a_pending_submission_and_nothing_public(alice, org_a):
    before = Agreement.objects.count()

    submission = new_agreement_submission(alice, org_a)

    assert submission.status == Submission.Status.PENDING
    assert submission.credited_publicly is True  # alice's membership says so
    assert Agreement.objects.count() == before


def test_approval_publishes_the_record_with_its_citation_and_credit(alice, org_a, mod):
    submission = new_agreement_submission(alice, org_a)

    services.approve(submission, moderator=mod, message="Checked against the release.", confidence="high")

    agreement = Agreement.objects.public().get(slug=submission.published_slug)
    assert agreement.confidence == "high"
    assert [c.quote for c in agreement.citations.all()] == ["the exact words of the story"]
    change = ChangeLog.objects.public().get(record_type="agreement", slug=agreement.slug)
    assert change.reason == f"submission #{submission.pk}"
    assert change.credited_to == "Watchdog A"
    assert agreement.history.latest().history_change_reason == f"submission #{submission.pk}"


def test_bob_is_credited_as_registry_staff_when_he_does_not_opt_in(bob, org_b, mod):
    submission = new_agreement_submission(bob, org_b)

    services.approve(submission, moderator=mod, message="ok")

    assert ChangeLog.objects.get(slug=submission.published_slug).credited_to == "registry staff"


def test_it_refuses_fields_the_registry_sets(alice, org_a):
    with pytest.raises(SubmissionInvalid) as error:
        new_agreement_submission(alice, org_a, published_at="2026-01-01T00:00:00Z", confidence="high")

    assert set(error.value.errors) >= {"payload.published_at", "payload.confidence"}
    assert not Submission.objects.exists()


def test_it_names_every_bad_field_at_once(alice):
    with pytest.raises(SubmissionInvalid) as error:
        services.submit(user=alice, kind="create", record_type="agreement",
                        payload={"title": "x", "announced": "2026-13", "status": "bogus", "awarding_agency": "nope"},
                        sources=[{"url": "ftp://x", "title": "", "publisher": "P", "published": "soon", "quote": " "}],
                        rationale="")
    errors = error.value.errors
    for where in ("payload.announced", "payload.status", "payload.awarding_agency", "sources[0].url",
                  "sources[0].title", "sources[0].published", "sources[0].quote", "rationale"):
        assert where in errors, where


def test_a_correction_stores_only_changed_fields_and_approval_gives_a_notice(alice, mod):
    agreement = make_agreement(title="Old title", status="announced")

    submission = services.submit(user=alice, kind="correction", record_type="agreement", target_slug=agreement.slug,
                                 payload={"title": "Old title", "status": "active"},
                                 sources=[offered_source(claims=["status"])], rationale="It was awarded.")
    assert submission.payload == {"status": "active"}
    assert submission.base_history_id == agreement.history.latest().history_id

    services.approve(submission, moderator=mod, message="Confirmed.", notice_text="Status corrected to active.")

    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert Notice.objects.get(slug=agreement.slug).text == "Status corrected to active."
    assert agreement.citations.count() == 2


def test_a_stale_correction_needs_the_moderator_to_confirm(alice, mod, staff):
    agreement = make_agreement(title="T", status="announced")
    submission = services.submit(user=alice, kind="correction", record_type="agreement", target_slug=agreement.slug,
                                 payload={"status": "active"}, sources=[offered_source(claims=["status"])],
                                 rationale="r")
    from registry.services import apply_change

    agreement.title = "Changed meanwhile"
    apply_change(agreement, user=staff, reason="editor fix")

    with pytest.raises(services.StaleBase) as error:
        services.approve(submission, moderator=mod, message="ok", notice_text="Status corrected.")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING  # rolled back

    services.approve(submission, moderator=mod, message="ok", notice_text="Status corrected.",
                     confirmed_history_id=error.value.current_history_id)
    agreement.refresh_from_db()
    assert (agreement.title, agreement.status) == ("Changed meanwhile", "active")


def test_a_retraction_retracts_with_a_notice(alice, mod):
    agreement = make_agreement()
    submission = services.submit(user=alice, kind="retraction", record_type="agreement", target_slug=agreement.slug,
                                 sources=[offered_source()], rationale="The deal never existed.")

    with pytest.raises(SubmissionInvalid) as error:
        services.approve(submission, moderator=mod, message="Agreed.")  # the notice is the moderator's words
    assert "notice_text" in error.value.errors
    services.approve(submission, moderator=mod, message="Agreed.", notice_text="No such agreement was made.")

    agreement.refresh_from_db()
    assert agreement.retracted_at is not None and agreement.retraction_reason == "No such agreement was made."
    notice = Notice.objects.get(slug=agreement.slug)
    assert (notice.kind, notice.text) == ("retraction", "No such agreement was made.")


def test_a_moderator_cannot_decide_their_own_submission(mod, org_a):
    submission = new_agreement_submission(mod, None)

    with pytest.raises(services.DecisionRefused):
        services.approve(submission, moderator=mod, message="self")


def test_a_decided_submission_cannot_be_decided_again(alice, org_a, mod):
    submission = new_agreement_submission(alice, org_a)
    services.reject(submission, moderator=mod, code="unsupported", message="The quote does not say it.")

    with pytest.raises(services.DecisionRefused):
        services.approve(Submission.objects.get(pk=submission.pk), moderator=mod, message="ok")


def test_changes_requested_then_revised_keeps_the_thread(alice, org_a, mod):
    first = new_agreement_submission(alice, org_a)
    services.request_changes(first, moderator=mod, message="Add the award date.")

    second = services.revise(first, user=alice, payload={**first.payload, "awarded": "2026-11-20"},
                             sources=first.sources, rationale="Added the award date.")

    assert second.replaces == first and second.status == "pending"
    assert [s.pk for s in services.thread(second)] == [first.pk, second.pk]


def test_the_daily_quota_refuses_and_stores_nothing(alice, org_a, settings):
    settings.SUBMISSION_DAILY_QUOTA = 1
    new_agreement_submission(alice, org_a)

    with pytest.raises(QuotaExceeded):
        new_agreement_submission(alice, org_a)
    assert Submission.objects.count() == 1


def test_the_diff_names_changed_fields_and_the_three_way_view_marks_conflicts():
    from submissions.diff import field_diff, three_way

    assert [c.field for c in field_diff({"a": 1, "b": [1]}, {"a": 2, "b": [1]})] == ["a"]
    rows = {row.field: row for row in three_way({"a": "x", "b": "y"}, {"a": "z", "b": "y"}, {"a": "w"})}
    assert rows["a"].conflict and not rows.get("b")


def test_approval_never_overwrites_a_record_that_has_the_chosen_slug(alice, org_a, mod):
    existing = make_agreement(title="Someone else's agreement")
    submission = new_agreement_submission(alice, org_a)

    with pytest.raises(SubmissionInvalid) as error:
        services.approve(submission, moderator=mod, message="ok", slug=existing.slug)

    assert "slug" in error.value.errors
    existing.refresh_from_db()
    assert existing.title == "Someone else's agreement"
    assert Submission.objects.get(pk=submission.pk).status == "pending"


def test_a_null_character_anywhere_is_refused_by_name_on_every_database(alice, org_a):
    with pytest.raises(SubmissionInvalid) as error:
        new_agreement_submission(alice, org_a, summary="a\x00b", disputed_facts=[{"field": "x\x00"}])

    assert "payload.summary" in error.value.errors and "payload.disputed_facts[0].field" in error.value.errors
    with pytest.raises(SubmissionInvalid) as error:
        services.submit(user=alice, kind="create", record_type="vendor", payload={"name": "V", "kind": "other"},
                        sources=[offered_source(claims=["name"], locator="p\x00")], rationale="why\x00")
    assert {"sources[0].locator", "rationale"} <= set(error.value.errors)
    assert not Submission.objects.exists()


def test_a_submitter_never_proposes_the_registrys_own_words_or_assessments(alice, org_a):
    with pytest.raises(SubmissionInvalid) as error:
        new_agreement_submission(alice, org_a, notes="mine", field_confidence={"status": "high"},
                                 citations=[], federal_data_status="found")

    assert {"payload.notes", "payload.field_confidence", "payload.citations",
            "payload.federal_data_status"} <= set(error.value.errors)


def test_a_draft_is_answered_as_a_missing_record(alice, org_a):
    from tests.builders import make_source, make_vendor

    draft_vendor = make_vendor(published=False)
    draft_source = make_source(published=False)
    with pytest.raises(SubmissionInvalid) as error:
        new_agreement_submission(alice, org_a, parties=[{"vendor": draft_vendor.slug, "role": "prime"}])
    assert "does not exist" in " ".join(error.value.errors["payload.parties[0].vendor"])
    with pytest.raises(SubmissionInvalid) as error:
        services.submit(user=alice, kind="create", record_type="vendor", payload={"name": "V", "kind": "other"},
                        sources=[offered_source(url=draft_source.url, claims=["name"])], rationale="r")
    assert draft_source.title not in str(error.value.errors)
    assert "sources[0].url" in error.value.errors


def test_a_correction_is_written_against_a_published_version_only(alice, staff):
    from registry.services import apply_change

    agreement = make_agreement(published=False, summary="SECRET DRAFT SUMMARY")
    draft_version = services.latest_history_id(agreement)
    from registry.services import change_set
    from tests.builders import make_citation

    with change_set(user=staff, reason="publish"):
        agreement.summary, agreement.published_at = "Public summary", agreement.created_at
        apply_change(agreement)
        make_citation(agreement)

    for base in (draft_version, 10 ** 30, -1):
        with pytest.raises(SubmissionInvalid) as error:
            services.submit(user=alice, kind="correction", record_type="agreement", target_slug=agreement.slug,
                            payload={"summary": "new"}, sources=[offered_source(claims=["summary"])],
                            rationale="r", base_history_id=base)
        assert "base_history_id" in error.value.errors
    assert services.history_version(agreement, draft_version) is None


def test_a_retracted_record_is_not_corrected(alice):
    agreement = make_agreement(retracted=True)

    with pytest.raises(SubmissionInvalid) as error:
        services.submit(user=alice, kind="correction", record_type="agreement", target_slug=agreement.slug,
                        payload={"status": "active"}, sources=[offered_source(claims=["status"])], rationale="r")
    assert "target" in error.value.errors


def test_an_absurd_amount_is_a_field_error_not_a_crash(alice, org_a):
    for amount in ("1e999999", "99999999999999999999999999999999", "-1e-999999"):
        with pytest.raises(SubmissionInvalid) as error:
            new_agreement_submission(alice, org_a, ceiling={"amount": amount, "currency": "USD"})
        assert "payload.ceiling" in error.value.errors
