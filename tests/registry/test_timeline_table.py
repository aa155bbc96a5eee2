"""The timeline table is kept in step by the write path: a published record's dated facts appear in the
change set that publishes it, change with its edits (date, precision, title), keep when they were recorded
while unchanged, vanish when it (or the record it belongs to) is retracted, and never exist for drafts.
``rebuild_timeline`` rewrites the whole table to the same rows."""

import datetime
import io

import pytest
from django.core.management import call_command

from contracts.models import AgreementParty
from disclosures.models import EventLink
from registry.models import TimelineEntry, TimelineSubject
from registry.services import apply_change, change_set, remove_part, retract
from tests.builders import (
    PUBLISHED,
    builder_user,
    make_agency,
    make_agreement,
    make_citation,
    make_designation,
    make_event,
    make_marker,
    make_party,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db

JULY_14 = datetime.date(2025, 7, 14)
JULY = datetime.date(2025, 7, 1)


def entries_of(record):
    return {entry.kind: entry for entry in TimelineEntry.objects.filter(record_type=record.record_type,
                                                                          record_id=record.pk)}


def subjects_of(entry):
    return set(TimelineSubject.objects.filter(entry=entry).values_list("record_type", "record_id"))


def edit(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    return apply_change(record, user=builder_user(), reason="an edit")


def test_it_writes_an_entry_for_each_dated_fact_of_a_published_agreement():
    deal = make_agreement(announced_on=JULY_14, announced_on_precision="day",
                          end_on=datetime.date(2027, 1, 1), end_on_precision="year")

    entries = entries_of(deal)

    assert set(entries) == {"agreement.announced", "agreement.ended"}
    announced = entries["agreement.announced"]
    assert (announced.date, announced.date_precision, announced.sort_key) == (JULY_14, "day", 20250714)
    assert (announced.slug, announced.title, announced.label) == (deal.slug, deal.title, "Agreement announced")
    assert entries["agreement.ended"].sort_key == 20279999


def test_it_writes_nothing_for_a_draft():
    draft = make_agreement(published=False, announced_on=JULY_14, announced_on_precision="day")
    draft_event = make_event(published=False)

    assert entries_of(draft) == {} and entries_of(draft_event) == {}


def test_a_draft_gets_its_entries_when_it_is_published():
    draft = make_agreement(published=False, announced_on=JULY_14, announced_on_precision="day")

    with change_set(user=builder_user(), reason="publish"):
        edit(draft, published_at=PUBLISHED)
        make_citation(draft)

    assert set(entries_of(draft)) == {"agreement.announced"}


def test_an_edited_date_moves_its_entry_and_is_recorded_anew():
    deal = make_agreement(announced_on=JULY, announced_on_precision="month")
    before = entries_of(deal)["agreement.announced"]

    edit(deal, announced_on=JULY_14, announced_on_precision="day")

    after = entries_of(deal)["agreement.announced"]
    assert (after.date, after.date_precision, after.sort_key) == (JULY_14, "day", 20250714)
    assert after.recorded_at > before.recorded_at


def test_a_changed_precision_alone_changes_the_entry():
    deal = make_agreement(announced_on=JULY, announced_on_precision="month")
    assert entries_of(deal)["agreement.announced"].sort_key == 20250799

    edit(deal, announced_on_precision="day")  # the same first day, now known to be the 1st

    after = entries_of(deal)["agreement.announced"]
    assert (after.date_precision, after.sort_key) == ("day", 20250701)


def test_an_edit_that_leaves_the_date_keeps_when_it_was_recorded_and_renames_it():
    deal = make_agreement(announced_on=JULY_14, announced_on_precision="day")
    before = entries_of(deal)["agreement.announced"]

    edit(deal, title="A new title")

    after = entries_of(deal)["agreement.announced"]
    assert after.recorded_at == before.recorded_at
    assert after.title == "A new title"


def test_a_cleared_date_removes_its_entry():
    deal = make_agreement(announced_on=JULY_14, announced_on_precision="day",
                          awarded_on=JULY_14, awarded_on_precision="day")

    edit(deal, awarded_on=None, awarded_on_precision="")

    assert set(entries_of(deal)) == {"agreement.announced"}


def test_an_agreements_entries_concern_its_vendors_and_agencies_as_parts_change():
    dod, army = make_agency(), make_agency()
    openai, anthropic = make_vendor(), make_vendor()
    deal = make_agreement(awarding_agency=dod, vendors=[openai], participating=[army],
                          announced_on=JULY_14, announced_on_precision="day")
    assert subjects_of(entries_of(deal)["agreement.announced"]) == {
        ("agreement", deal.pk), ("agency", dod.pk), ("agency", army.pk), ("vendor", openai.pk)}

    make_party(deal, anthropic)
    remove_part(AgreementParty.objects.get(agreement=deal, vendor=openai), user=builder_user(), reason="wrong party")

    subjects = subjects_of(entries_of(deal)["agreement.announced"])
    assert ("vendor", anthropic.pk) in subjects and ("vendor", openai.pk) not in subjects


def test_retraction_removes_the_entries_of_the_record_and_of_its_cascade():
    deal = make_agreement(announced_on=JULY_14, announced_on_precision="day")
    term = make_term(agreement=deal, effective_on=JULY_14, effective_on_precision="day")
    marker = make_marker(agreement=deal, known_since=JULY, known_since_precision="month")
    assert entries_of(term) and entries_of(marker)

    retract(deal, user=builder_user(), reason="it never existed")

    assert entries_of(deal) == {} and entries_of(term) == {} and entries_of(marker) == {}
    assert not TimelineSubject.objects.filter(record_type="agreement", record_id=deal.pk).exists()


def test_a_term_of_an_agreement_concerns_the_vendors_added_to_the_agreement_later():
    deal = make_agreement()
    term = make_term(agreement=deal, effective_on=JULY_14, effective_on_precision="day")
    vendor = make_vendor()

    make_party(deal, vendor)

    assert ("vendor", vendor.pk) in subjects_of(entries_of(term)["term.effective"])


def test_designation_and_testing_facts_concern_their_vendors_agencies_and_agreements():
    vendor, agency = make_vendor(), make_agency()
    deal = make_agreement()
    designation = make_designation(vendor=vendor, issuing_agency=agency, affected=[deal],
                                   announced_on=JULY, announced_on_precision="month",
                                   effective_on=JULY_14, effective_on_precision="day")
    testing = make_testing_disclosure(agency=agency, vendors=[vendor], agreements=[deal],
                                      tested_from=datetime.date(2025, 1, 1), tested_from_precision="year",
                                      disclosed_on=JULY_14, disclosed_on_precision="day")

    assert set(entries_of(designation)) == {"designation.announced", "designation.effective"}
    assert set(entries_of(testing)) == {"testing-disclosure.tested_from", "testing-disclosure.disclosed"}
    for entry in (*entries_of(designation).values(), *entries_of(testing).values()):
        assert {("vendor", vendor.pk), ("agency", agency.pk), ("agreement", deal.pk)} <= subjects_of(entry)


def test_an_event_concerns_the_vendors_and_agencies_of_the_agreement_it_is_linked_to():
    vendor, agency = make_vendor(), make_agency()
    deal = make_agreement(awarding_agency=agency, vendors=[vendor])
    event = make_event(kind="court_order", links=[("subject", "agreement", deal)])

    [entry] = entries_of(event).values()

    assert entry.kind == "event.court_order" and entry.label == "Court order"
    assert {("event", event.pk), ("agreement", deal.pk), ("vendor", vendor.pk), ("agency", agency.pk)} \
        == subjects_of(entry)
    # a vendor added to the agreement later is concerned too; a retracted agreement no longer is
    other = make_vendor()
    make_party(deal, other)
    assert ("vendor", other.pk) in subjects_of(entries_of(event)["event.court_order"])
    retract(deal, user=builder_user(), reason="never existed")
    assert ("agreement", deal.pk) not in subjects_of(entries_of(event)["event.court_order"])


def test_an_event_link_added_later_adds_its_subject():
    event = make_event()
    vendor = make_vendor()

    apply_change(EventLink(event=event, vendor=vendor), user=builder_user(), reason="link")

    assert ("vendor", vendor.pk) in subjects_of(entries_of(event)["event.statement"])


def test_a_retracted_event_leaves_the_timeline():
    event = make_event()

    retract(event, user=builder_user(), reason="it did not happen")

    assert entries_of(event) == {}


def test_a_change_set_of_drafts_costs_no_timeline_query(django_assert_max_num_queries):
    from contracts.models import Agreement

    user = builder_user()
    with django_assert_max_num_queries(9) as queries:  # as without the timeline (tests/registry/test_write_cost.py)
        apply_change(Agreement(slug="lone-draft", title="A lone draft", announced_on=JULY_14,
                               announced_on_precision="day"), user=user, reason="a draft")

    assert not any("timeline" in query["sql"] for query in queries.captured_queries)


def test_rebuild_writes_the_same_entries_and_keeps_when_they_were_recorded():
    deal = make_agreement(announced_on=JULY_14, announced_on_precision="day", vendors=[make_vendor()])
    make_event(links=[("subject", "agreement", deal)])
    make_designation(announced_on=JULY, announced_on_precision="month")
    before = {(e.record_type, e.record_id, e.kind, e.date, e.date_precision, e.recorded_at, e.title,
               frozenset(subjects_of(e))) for e in TimelineEntry.objects.all()}
    TimelineEntry.objects.create(record_type="agreement", record_id=10**9, slug="ghost", title="Ghost",
                                 kind="agreement.announced", label="Agreement announced", date=JULY_14,
                                 date_precision="day", sort_key=20250714, recorded_at=deal.updated_at)

    out = io.StringIO()
    call_command("rebuild_timeline", stdout=out)

    after = {(e.record_type, e.record_id, e.kind, e.date, e.date_precision, e.recorded_at, e.title,
              frozenset(subjects_of(e))) for e in TimelineEntry.objects.all()}
    assert after == before
    assert f"{len(before)} timeline entries" in out.getvalue()


def test_rebuild_dates_a_fact_it_did_not_hold_by_its_records_last_change():
    deal = make_agreement(announced_on=JULY_14, announced_on_precision="day")
    TimelineSubject.objects.all().delete()
    TimelineEntry.objects.all().delete()

    call_command("rebuild_timeline", stdout=io.StringIO())

    deal.refresh_from_db()
    assert entries_of(deal)["agreement.announced"].recorded_at == deal.updated_at


@pytest.mark.database("postgresql")  # SQLite takes one writer at a time: the two could not run side by side
@pytest.mark.django_db(transaction=True)
def test_two_change_sets_rewriting_one_records_entries_at_once_leave_one_entry():
    """One change set edits an event's date while another adds a vendor to the agreement the event is linked to
    (so it rewrites the event's entries too), each in its own thread and connection: the event keeps one entry,
    with the new date and the new vendor."""
    import threading

    from django.db import connection
    deal = make_agreement()
    event = make_event(links=[("subject", "agreement", deal)])
    vendor = make_vendor()
    barrier, outcomes = threading.Barrier(2, timeout=30), []

    def run(change):
        try:
            with change_set(user=builder_user(), reason="at once"):
                change()
                barrier.wait()
            outcomes.append("done")
        except Exception as error:  # noqa: BLE001 - SQLite may refuse the second writer outright
            outcomes.append(f"error: {type(error).__name__}: {error}")
        finally:
            connection.close()

    def edit_date():
        event.occurred_on = datetime.date(2026, 4, 2)
        apply_change(event)

    threads = [threading.Thread(target=run, args=(change,))
               for change in (edit_date, lambda: apply_change(AgreementParty(agreement=deal, vendor=vendor)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["done", "done"], outcomes
    [entry] = TimelineEntry.objects.filter(record_type="event", record_id=event.pk)
    assert entry.date == datetime.date(2026, 4, 2) and ("vendor", vendor.pk) in subjects_of(entry)
