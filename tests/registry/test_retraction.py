"""One retraction, ``registry.services.retract``, with its cascade, whoever retracts: the admin's
action, the loader (a seed or import file that retracts a record) and the service itself."""

import copy

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from contracts.models import Agreement, ClassifiedAddendumMarker, PublicTerm
from registry.loader import LoadError, load_records
from registry.models import ChangeLog
from registry.services import retract
from tests.builders import make_marker, make_term
from tests.registry.test_loader import small_document

pytestmark = pytest.mark.django_db

REASON = "the award was never made"


def last_change_id():
    return ChangeLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def retract_in_admin(client, staff, deal):
    client.force_login(staff)
    response = client.post(reverse("admin:contracts_agreement_changelist"),
                           {"action": "retract_selected", ACTION_CHECKBOX_NAME: [deal.pk], "apply": 1,
                            "reason": REASON})
    assert response.status_code == 302


def retract_by_service(client, staff, deal):
    retract(deal, user=staff, reason=REASON)


def records_built_by_hand():
    term = make_term()
    return term.agreement, term, make_marker(agreement=term.agreement)


def assert_cascaded(deal, term, marker, before, *, history_reason):
    changes = {(c.record_type, c.slug): c for c in ChangeLog.objects.filter(id__gt=before)}
    deal.refresh_from_db()
    assert deal.retracted_at is not None and REASON in deal.retraction_reason
    assert changes["agreement", deal.slug].action == "retracted"
    for record in (PublicTerm.objects.get(pk=term.pk), ClassifiedAddendumMarker.objects.get(pk=marker.pk)):
        assert record.retracted_at is not None
        assert record.retraction_reason.startswith("Retracted with its agreement")
        assert REASON in record.retraction_reason
        assert changes[record.record_type, record.slug].action == "retracted"
        assert changes[record.record_type, record.slug].public_id is not None
        latest = record.history.order_by("-history_id").first()
        assert latest.retracted_at is not None
        assert latest.history_change_reason == history_reason
        assert changes[record.record_type, record.slug].history_id == latest.history_id
    assert len({c.change_set_id for c in changes.values()}) == 1  # one change: the record and its cascade


@pytest.mark.parametrize("caller", [retract_in_admin, retract_by_service], ids=["admin", "service"])
def test_it_retracts_an_agreements_terms_and_markers_with_it(caller, client, staff):
    deal, term, marker = records_built_by_hand()
    before = last_change_id()

    caller(client, staff, deal)

    assert_cascaded(deal, term, marker, before, history_reason=f"retracted: {REASON}")


def retracting_document():
    document = small_document()
    document["agreements"][1].update(retracted_at="2026-11-30T00:00:00Z", retraction_reason=REASON)
    return document


def test_a_loaded_file_that_retracts_an_agreement_retracts_its_terms_and_markers(client, staff):
    load_records(small_document())
    deal = Agreement.objects.get(slug="base-deal")
    term, marker = PublicTerm.objects.get(slug="no-surveillance"), ClassifiedAddendumMarker.objects.get(slug="annex")
    before = last_change_id()

    report = load_records(retracting_document(), reason="correction")

    assert report.updated["agreement"] == 1
    assert_cascaded(deal, term, marker, before, history_reason="correction")
    assert client.get(f"/terms/{term.slug}/").status_code == 200
    assert "retracted" in client.get(f"/terms/{term.slug}/").content.decode().lower()
    assert client.get(f"/api/v1/terms/{term.slug}/").json()["retracted_at"] is not None


def test_a_first_load_of_a_retracted_agreement_retracts_its_terms_too_and_a_reload_changes_nothing():
    load_records(retracting_document())
    assert PublicTerm.objects.get(slug="no-surveillance").retracted_at is not None
    assert not PublicTerm.objects.public().filter(slug="no-surveillance").exists()
    before = ChangeLog.objects.count()

    report = load_records(retracting_document())

    assert not report.changed
    assert ChangeLog.objects.count() == before


def test_a_file_never_unretracts_a_record_and_names_it():
    load_records(retracting_document())
    document = copy.deepcopy(small_document())  # says nothing of the retraction

    with pytest.raises(LoadError) as error:
        load_records(document)

    assert "agreements[1] (base-deal): retracted_at:" in str(error.value)
    assert "never un-retracts" in str(error.value)
    assert Agreement.objects.get(slug="base-deal").retracted_at is not None


def test_a_file_retracting_an_agreement_and_its_term_retracts_the_term_once():
    load_records(small_document())
    document = retracting_document()
    document["terms"][0].update(retracted_at="2026-11-30T00:00:00Z", retraction_reason="its own reason")

    load_records(document)

    term = PublicTerm.objects.get(slug="no-surveillance")
    assert term.retracted_at is not None
    assert term.history.filter(retracted_at__isnull=False).count() == 1
