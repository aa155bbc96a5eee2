"""The one write path: history with who and why, one ChangeLog row per changed record."""

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Agreement, AgreementParty
from registry.models import ChangeLog, Citation
from registry.services import apply_change, apply_changes, change_set, retract
from tests.builders import (
    make_agency,
    make_agreement,
    make_citation,
    make_party,
    make_source,
    make_term,
    make_vendor,
)

pytestmark = pytest.mark.django_db


def changes_since(last_id):
    return list(ChangeLog.objects.filter(id__gt=last_id).order_by("id"))


def last_change_id():
    return ChangeLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_it_writes_one_history_row_and_one_change_for_a_new_record(staff):
    agency = make_agency()
    before = last_change_id()

    agreement = Agreement(slug="new-deal", title="New deal", awarding_agency=agency)
    apply_change(agreement, user=staff, reason="announced today")

    assert agreement.history.count() == 1
    history = agreement.history.get()
    assert history.history_user == staff
    assert history.history_change_reason == "announced today"
    [change] = changes_since(before)
    assert (change.record_type, change.slug, change.action) == ("agreement", "new-deal", "created")
    assert change.history_id == history.history_id
    assert change.reason == "announced today"
    assert change.user == staff
    assert change.credited_to == "registry staff"


def test_it_writes_one_history_row_and_one_change_for_an_edit(staff):
    agreement = make_agreement()
    before, history_before = last_change_id(), agreement.history.count()

    agreement.status = Agreement.Status.TERMINATED
    apply_change(agreement, user=staff, reason="termination notice published")

    assert agreement.history.count() == history_before + 1
    assert agreement.history.first().status == "terminated"
    [change] = changes_since(before)
    assert (change.slug, change.action, change.reason) == (agreement.slug, "updated", "termination notice published")


def test_it_refuses_a_change_without_a_reason(staff):
    agreement = make_agreement()
    before = last_change_id()

    agreement.title = "Renamed"
    with pytest.raises(ValidationError, match="reason"):
        apply_change(agreement, user=staff, reason="  ")

    assert changes_since(before) == []
    assert Agreement.objects.get(pk=agreement.pk).title != "Renamed"


def test_it_stores_nothing_when_validation_fails(staff):
    before = last_change_id()

    bad = Agreement(slug="bad", title="Bad", ceiling_amount=-5)
    with pytest.raises(ValidationError) as error:
        apply_change(bad, user=staff, reason="test")

    assert "ceiling_amount" in error.value.message_dict
    assert not Agreement.objects.filter(slug="bad").exists()
    assert changes_since(before) == []


def test_a_citation_change_logs_its_parent_as_updated(staff):
    agreement = make_agreement()
    before = last_change_id()

    citation = Citation(target=agreement, source=make_source(), quote="a $200 million ceiling")
    apply_change(citation, user=staff, reason="added a source")

    assert citation.history.count() == 1
    assert citation.history.get().history_user == staff
    [change] = [c for c in changes_since(before) if c.record_type == "agreement"]
    assert (change.slug, change.action, change.reason) == (agreement.slug, "updated", "added a source")


def test_a_party_change_logs_its_parent_as_updated(staff):
    agreement, vendor = make_agreement(), make_vendor()
    before = last_change_id()

    party = apply_change(AgreementParty(agreement=agreement, vendor=vendor), user=staff, reason="prime named")

    assert party.history.get().history_change_reason == "prime named"
    [change] = changes_since(before)
    assert (change.record_type, change.slug, change.action) == ("agreement", agreement.slug, "updated")


def test_a_term_change_logs_the_term_and_its_agreement(staff):
    term = make_term()
    before = last_change_id()

    term.effect = "restricts"
    apply_change(term, user=staff, reason="amended wording")

    changes = [(c.record_type, c.slug, c.action) for c in changes_since(before)]
    assert changes == [("term", term.slug, "updated"), ("agreement", term.agreement.slug, "updated")]


def test_a_change_to_a_part_bumps_the_parents_updated_at_without_a_parent_history_row(staff):
    agreement = make_agreement()
    history_before, updated_before = agreement.history.count(), agreement.updated_at

    make_citation(agreement)

    agreement.refresh_from_db()
    assert agreement.updated_at > updated_before
    assert agreement.history.count() == history_before


def test_a_change_set_logs_each_record_once_however_many_parts_changed(staff):
    agency = make_agency()
    vendor = make_vendor()
    source = make_source()
    before = last_change_id()

    with change_set(user=staff, reason="new award"):
        agreement = apply_change(Agreement(slug="deal", title="Deal", awarding_agency=agency,
                                           published_at="2026-01-01T00:00:00Z"))
        make_party(agreement, vendor)
        apply_change(Citation(target=agreement, source=source, quote="awarded a contract"))

    [change] = changes_since(before)
    assert (change.slug, change.action) == ("deal", "created")


def test_publishing_without_a_citation_stores_nothing(staff):
    agency = make_agency()
    before = last_change_id()

    with pytest.raises(ValidationError, match="no citation"):
        apply_change(Agreement(slug="uncited", title="Uncited", awarding_agency=agency,
                               published_at="2026-01-01T00:00:00Z"), user=staff, reason="test")

    assert not Agreement.objects.filter(slug="uncited").exists()
    assert changes_since(before) == []


def test_the_bulk_variant_writes_one_history_and_one_change_per_record(staff):
    agency = make_agency()
    before = last_change_id()
    records = [Agreement(slug=f"bulk-{n}", title=f"Bulk {n}", awarding_agency=agency) for n in range(3)]

    apply_changes(records, user=staff, reason="bulk import")

    changes = changes_since(before)
    assert [c.slug for c in changes] == ["bulk-0", "bulk-1", "bulk-2"]
    assert all(c.reason == "bulk import" and c.user == staff for c in changes)
    for record in records:
        assert record.history.count() == 1


def test_the_bulk_variant_stores_nothing_when_one_record_is_bad(staff):
    agency = make_agency()
    before = last_change_id()
    records = [Agreement(slug="good", title="Good", awarding_agency=agency),
               Agreement(slug="bad", title="Bad", start_on="2025-05-01", start_on_precision="day",
                         end_on="2025-01-01", end_on_precision="day")]

    with pytest.raises(ValidationError, match="cannot be before"):
        apply_changes(records, user=staff, reason="bulk import")

    assert not Agreement.objects.filter(slug__in=["good", "bad"]).exists()
    assert changes_since(before) == []


def test_change_ids_are_gapless_and_ordered_for_sequential_writes(staff):
    before = last_change_id()

    for n in range(5):
        make_vendor(slug=f"seq-{n}")

    ids = [c.id for c in changes_since(before)]
    assert ids == list(range(before + 1, before + 1 + len(ids)))
    vendor_changes = [c.slug for c in changes_since(before) if c.record_type == "vendor"]
    assert vendor_changes == [f"seq-{n}" for n in range(5)]


def test_retraction_logs_retracted_with_the_reason_and_keeps_the_record(staff):
    agreement = make_agreement()
    before = last_change_id()

    retract(agreement, user=staff, reason="duplicate of another record")

    agreement.refresh_from_db()
    assert agreement.retracted_at is not None
    assert agreement.retraction_reason == "duplicate of another record"
    [change] = changes_since(before)
    assert (change.action, change.reason) == ("retracted", "retracted: duplicate of another record")
    assert Agreement.objects.filter(slug=agreement.slug).exists()
    assert not Agreement.objects.public().filter(slug=agreement.slug).exists()


def test_retraction_needs_a_reason(staff):
    agreement = make_agreement()

    with pytest.raises(ValidationError):
        retract(agreement, user=staff, reason="")

    agreement.refresh_from_db()
    assert agreement.retracted_at is None


def test_changes_to_drafts_are_logged_but_not_public_and_publication_is_announced_as_created(staff):
    agency = make_agency()
    before = last_change_id()

    draft = apply_change(Agreement(slug="quiet", title="Quiet deal", awarding_agency=agency), user=staff, reason="draft")
    draft.title = "Still quiet"
    apply_change(draft, user=staff, reason="draft edit")
    with change_set(user=staff, reason="published after review"):
        draft.published_at = "2026-01-01T00:00:00Z"
        apply_change(draft)
        make_citation(draft)

    changes = [c for c in changes_since(before) if c.record_type == "agreement"]
    assert [(c.action, c.public) for c in changes] == [("created", False), ("updated", False), ("created", True)]
    assert list(ChangeLog.objects.public().filter(slug="quiet").values_list("action", flat=True)) == ["created"]


def test_a_published_record_whose_citations_are_gone_can_still_be_retracted(staff):
    agreement = make_agreement()
    Citation.objects.filter(target_id=agreement.pk).delete()  # as if it had been published before the rule

    retract(agreement, user=staff, reason="unsourced")

    agreement.refresh_from_db()
    assert agreement.retracted_at is not None


def test_a_published_record_cannot_point_at_a_draft(staff):
    draft_agency = make_agency(published=False)

    with pytest.raises(ValidationError, match="is a draft"):
        make_agreement(awarding_agency=draft_agency)
    assert not Agreement.objects.filter(awarding_agency=draft_agency).exists()


def test_publishing_a_record_whose_parts_show_drafts_is_refused(staff):
    draft_vendor = make_vendor(published=False)
    deal = make_agreement(published=False)
    make_party(deal, draft_vendor)  # fine while both are drafts
    make_citation(deal)

    deal.published_at = "2026-01-01T00:00:00Z"
    with pytest.raises(ValidationError, match="is a draft"):
        apply_change(deal, user=staff, reason="publish")
    assert Agreement.objects.get(pk=deal.pk).published_at is None


def test_a_citation_of_a_draft_source_on_a_published_record_is_refused(staff):
    deal = make_agreement()

    with pytest.raises(ValidationError, match="is a draft"):
        make_citation(deal, source=make_source(published=False))


def test_a_published_record_is_retracted_never_unpublished(staff):
    deal = make_agreement()

    deal.published_at = None
    with pytest.raises(ValidationError, match="retract it"):
        apply_change(deal, user=staff, reason="hide it")
    assert Agreement.objects.public().filter(pk=deal.pk).exists()


def test_retracting_an_agreement_retracts_its_terms_and_markers_each_with_history_and_a_change(staff):
    from contracts.models import ClassifiedAddendumMarker, PublicTerm
    from tests.builders import make_marker

    term = make_term()
    deal = term.agreement
    marker = make_marker(agreement=deal)
    before = last_change_id()

    retract(deal, user=staff, reason="the award was never made")

    changes = {(c.record_type, c.slug): c for c in changes_since(before)}
    for record in (PublicTerm.objects.get(pk=term.pk), ClassifiedAddendumMarker.objects.get(pk=marker.pk)):
        assert record.retracted_at is not None
        assert record.retraction_reason.startswith("Retracted with its agreement")
        assert "the award was never made" in record.retraction_reason
        assert changes[(record.record_type, record.slug)].action == "retracted"
        assert record.history.first().history_change_reason == "retracted: the award was never made"
    assert changes[("agreement", deal.slug)].action == "retracted"
