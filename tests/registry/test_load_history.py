"""History agrees with the record: a load states records as of their publication time (as an import
keeps its times), so ``as_of`` after ``published_at`` finds them, before it answers "not yet recorded",
and ``as_of=<now>`` is the live record."""

import copy
import datetime

import pytest
from django.utils import timezone

from contracts.models import Agreement, PublicTerm
from registry.loader import load_records
from registry.models import ChangeLog, ChangeSet, Citation
from registry.services import apply_change
from tests.builders import builder_user
from tests.registry.test_loader import small_document

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)


def test_a_loaded_record_enters_history_at_its_published_at():
    load_records(small_document())
    deal = Agreement.objects.get(slug="base-deal")
    first = deal.history.earliest("history_date")

    assert first.history_date == PUBLISHED
    assert deal.created_at == PUBLISHED
    assert deal.updated_at == PUBLISHED
    assert ChangeLog.objects.get(record_type="agreement", slug="base-deal").at == PUBLISHED
    assert ChangeSet.objects.get().at == PUBLISHED


def test_the_parts_of_a_loaded_record_are_dated_with_it():
    load_records(small_document())
    deal = Agreement.objects.get(slug="base-deal")

    assert {row.history_date for row in deal.parties.model.history.filter(agreement_id=deal.pk)} == {PUBLISHED}
    assert {row.history_date for row in Citation.history.filter(target_id=deal.pk)} <= {PUBLISHED}


def test_a_created_at_in_the_file_is_kept():
    document = small_document()
    document["agreements"][1]["created_at"] = "2026-01-05T10:00:00Z"
    load_records(document)

    assert Agreement.objects.get(slug="base-deal").created_at == datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC)


def test_a_record_published_in_the_future_or_a_draft_is_not_backdated():
    document = small_document()
    document["terms"][1]["published_at"] = None
    future = (timezone.now() + datetime.timedelta(days=30)).isoformat()
    document["agreements"][0]["published_at"] = future
    before = timezone.now()
    load_records(document)

    assert Agreement.history.filter(slug="task-order").earliest("history_date").history_date >= before
    assert PublicTerm.history.filter(slug="vendor-policy").earliest("history_date").history_date >= before
    assert Agreement.history.filter(slug="base-deal").earliest("history_date").history_date == PUBLISHED


def test_an_update_by_a_later_load_is_dated_when_it_is_made():
    load_records(small_document())
    document = copy.deepcopy(small_document())
    document["agreements"][1]["title"] = "Base deal, renamed"
    before = timezone.now()
    load_records(document)
    deal = Agreement.objects.get(slug="base-deal")

    assert deal.history.latest("history_date").history_date >= before
    assert deal.history.earliest("history_date").history_date == PUBLISHED
    assert deal.updated_at >= before


def test_as_of_after_published_at_finds_the_record_and_before_it_is_not_yet_recorded(client):
    load_records(small_document())

    after = client.get("/api/v1/agreements/base-deal/?as_of=2026-11-30")
    before = client.get("/api/v1/agreements/base-deal/?as_of=2026-11-27")

    assert after.status_code == 200
    assert [c["quote"] for c in after.json()["citations"]] == ["a ceiling of $200 million"]
    assert [p["vendor"]["slug"] for p in after.json()["parties"]] == ["acme-ai"]
    assert before.status_code == 404
    assert "not yet recorded" in before.json()["error"]["message"]
    assert client.get("/api/v1/agreements/nothing-here/?as_of=2026-11-30").status_code == 404


def test_as_of_now_is_the_live_record(client):
    load_records(small_document())
    deal = Agreement.objects.get(slug="base-deal")
    apply_change(Citation(source=Citation.objects.first().source, target=deal, quote="a later quote", position=5),
                 user=builder_user(), reason="another source")
    now = timezone.now().isoformat().replace("+00:00", "Z")

    live = client.get("/api/v1/agreements/base-deal/").json()
    then = client.get(f"/api/v1/agreements/base-deal/?as_of={now}").json()

    assert then == live
    assert live["updated_at"] != PUBLISHED.isoformat().replace("+00:00", "Z")


def test_the_seed_file_loaded_twice_keeps_its_first_times():
    load_records(small_document())
    first = list(ChangeLog.objects.values_list("at", flat=True))
    load_records(small_document())

    assert list(ChangeLog.objects.values_list("at", flat=True)) == first
