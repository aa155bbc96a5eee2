"""Designations, testing disclosures, events and their links (disclosures/models.py). Each rule is
checked twice: full_clean() names the field, and the database constraint refuses the same data
when clean() is bypassed."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import ProtectedError

from disclosures.models import (
    EVENT_LINK_TARGETS,
    Designation,
    DesignationAgreement,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.services import apply_change
from tests.builders import (
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_marker,
    make_term,
    make_testing_disclosure,
    make_vendor,
    unique,
)
from tests.checks import assert_duplicate_refused_by_database, assert_refused_by_database, clean_errors

pytestmark = pytest.mark.django_db


def new_designation(**fields):
    """An unsaved, valid, unpublished designation."""
    fields.setdefault("slug", unique("designation"))
    fields.setdefault("vendor", make_vendor())
    fields.setdefault("title", "Supply-chain risk designation")
    fields.setdefault("kind", Designation.Kind.SUPPLY_CHAIN_RISK_3252)
    fields.setdefault("status", Designation.Status.IN_EFFECT)
    return Designation(**fields)


def new_testing(**fields):
    fields.setdefault("slug", unique("testing"))
    fields.setdefault("agency", make_agency())
    fields.setdefault("title", "Red-teaming of frontier models")
    fields.setdefault("models_tested", "Claude, GPT-4o")
    return TestingDisclosure(**fields)


TARGET_BUILDERS = {
    "agency": make_agency,
    "vendor": make_vendor,
    "agreement": make_agreement,
    "term": make_term,
    "addendum_marker": make_marker,
    "designation": make_designation,
    "testing_disclosure": make_testing_disclosure,
    "related_event": make_event,
}


# --- designations -------------------------------------------------------------------------------

@pytest.mark.parametrize(("effective", "ended"), [
    ("2026-03-05", "2026-03-04"),
    ("2026-03", "2026-02-28"),
    ("2026-03-05", "2026-02"),
    ("2026", "2025"),
])
def test_a_designation_cannot_end_before_it_takes_effect(effective, ended):
    designation = new_designation()
    designation.effective, designation.ended = effective, ended

    assert clean_errors(designation)["ended_on"] == ["ended on cannot be before effective on."]
    assert_refused_by_database(designation, "disclosures_designation_ended_on_not_before_effective_on")


@pytest.mark.parametrize(("effective", "ended"), [
    ("2026-03-05", "2026-03-05"),
    ("2026-03-05", "2026-03"),  # vacated some time in March, after taking effect on the 5th
    ("2026-03-05", "2026"),
    ("2026-03", "2026-04-10"),
])
def test_a_designation_may_end_when_it_takes_effect_or_later(effective, ended):
    designation = new_designation(status=Designation.Status.VACATED)
    designation.effective, designation.ended = effective, ended

    designation.full_clean()
    designation.save()

    designation.refresh_from_db()
    assert (designation.effective.isoformat(), designation.ended.isoformat()) == (effective, ended)


def test_a_designation_needs_a_kind_and_a_status():
    designation = new_designation(kind="", status="")

    errors = clean_errors(designation)
    assert errors["kind"] == ["This field cannot be blank."]
    assert errors["status"] == ["This field cannot be blank."]


def test_an_agreement_is_listed_once_as_affected_by_a_designation():
    designation, agreement = make_designation(), make_agreement()
    DesignationAgreement.objects.create(designation=designation, agreement=agreement)

    duplicate = DesignationAgreement(designation=designation, agreement=agreement)
    assert clean_errors(duplicate)[NON_FIELD_ERRORS] == ["This agreement is already listed as affected."]
    assert_duplicate_refused_by_database(duplicate)


# --- testing disclosures ------------------------------------------------------------------------

@pytest.mark.parametrize(("tested_from", "tested_to"), [
    ("2025-06-10", "2025-06-09"),
    ("2025-06", "2025-05"),
    ("2025-06-10", "2025-05"),
])
def test_testing_cannot_end_before_it_began(tested_from, tested_to):
    testing = new_testing()
    testing.tested_start, testing.tested_end = tested_from, tested_to

    assert clean_errors(testing)["tested_to"] == ["tested to cannot be before tested from."]
    assert_refused_by_database(testing, "disclosures_testingdisclosure_tested_to_not_before_tested_from")


def test_testing_known_only_to_the_month_may_end_in_the_month_it_began():
    testing = new_testing()
    testing.tested_start, testing.tested_end = "2025-06-10", "2025-06"

    testing.full_clean()
    testing.save()

    assert TestingDisclosure.objects.get(pk=testing.pk).tested_end.humanize() == "June 2025"


def test_testing_cannot_be_disclosed_before_it_began():
    testing = new_testing()
    testing.tested_start, testing.disclosed = "2025-06-10", "2025-05-31"

    assert clean_errors(testing)["disclosed_on"] == ["disclosed on cannot be before tested from."]


def test_testing_outside_any_agreement_and_not_yet_disclosed_saves():
    testing = new_testing(channel="")
    testing.tested_start = "2025-06"

    testing.full_clean()
    testing.save()

    stored = TestingDisclosure.objects.get(pk=testing.pk)
    assert stored.disclosed is None
    assert not stored.agreement_links.exists()
    assert not stored.vendor_links.exists()


def test_a_testing_disclosure_may_name_many_vendors_and_agreements():
    vendors, agreements = [make_vendor(), make_vendor()], [make_agreement(), make_agreement()]

    testing = make_testing_disclosure(vendors=vendors, agreements=agreements)

    assert {link.vendor for link in testing.vendor_links.all()} == set(vendors)
    assert {link.agreement for link in testing.agreement_links.all()} == set(agreements)


def test_a_vendor_is_listed_once_on_a_testing_disclosure():
    vendor = make_vendor()
    testing = make_testing_disclosure(vendors=[vendor])

    duplicate = TestingDisclosureVendor(disclosure=testing, vendor=vendor)
    assert clean_errors(duplicate)[NON_FIELD_ERRORS] == ["This vendor is already listed."]
    assert_duplicate_refused_by_database(duplicate)


def test_an_agreement_is_listed_once_on_a_testing_disclosure():
    agreement = make_agreement()
    testing = make_testing_disclosure(agreements=[agreement])

    duplicate = TestingDisclosureAgreement(disclosure=testing, agreement=agreement)
    assert clean_errors(duplicate)[NON_FIELD_ERRORS] == ["This agreement is already listed."]
    assert_duplicate_refused_by_database(duplicate)


# --- events and their links ---------------------------------------------------------------------

def test_an_event_needs_a_date_at_least_its_year():
    event = Event(slug=unique("event"), title="Hearing", kind=Event.Kind.HEARING)

    assert clean_errors(event)["occurred_on"] == ["An event needs a date, at least its year."]


def test_an_event_known_only_to_the_year_saves():
    event = Event(slug=unique("event"), title="Lawsuit filed", kind=Event.Kind.LAWSUIT, court="N.D. Cal.",
                  case_number="3:26-cv-01234", docket_url="https://www.courtlistener.com/docket/1/")
    event.occurred = "2026"

    event.full_clean()
    event.save()

    assert Event.objects.get(pk=event.pk).occurred.humanize() == "2026"


@pytest.mark.parametrize("target_field", EVENT_LINK_TARGETS)
def test_an_event_link_to_any_one_kind_of_record_saves(target_field):
    event, target = make_event(), TARGET_BUILDERS[target_field]()
    link = EventLink(event=event, role=EventLink.Role.SUBJECT, **{target_field: target})

    link.full_clean()
    link.save()

    assert EventLink.objects.get(pk=link.pk).target == target


def test_an_event_link_points_to_a_record():
    link = EventLink(event=make_event())

    assert "Link the event to exactly one record." in clean_errors(link)[NON_FIELD_ERRORS]
    assert_refused_by_database(link, "disclosures_eventlink_exactly_one_target")


@pytest.mark.parametrize(("first", "second"), [("vendor", "agency"), ("agreement", "term"),
                                                ("designation", "related_event")])
def test_an_event_link_points_to_only_one_record(first, second):
    link = EventLink(event=make_event(), **{first: TARGET_BUILDERS[first](), second: TARGET_BUILDERS[second]()})

    assert "Link the event to exactly one record." in clean_errors(link)[NON_FIELD_ERRORS]
    assert_refused_by_database(link, "disclosures_eventlink_exactly_one_target")


# --- history of links and protection ------------------------------------------------------------

def link_of(kind):
    if kind == "affected agreement":
        return DesignationAgreement(designation=make_designation(), agreement=make_agreement())
    if kind == "tested vendor":
        return TestingDisclosureVendor(disclosure=make_testing_disclosure(), vendor=make_vendor())
    if kind == "tested agreement":
        return TestingDisclosureAgreement(disclosure=make_testing_disclosure(), agreement=make_agreement())
    return EventLink(event=make_event(), role=EventLink.Role.ACTOR, vendor=make_vendor())


LINKS = ["affected agreement", "tested vendor", "tested agreement", "event link"]


@pytest.mark.parametrize("kind", LINKS)
def test_adding_a_link_writes_one_history_row_with_who_and_why(kind, staff):
    link = link_of(kind)

    apply_change(link, user=staff, reason="named in the filing")

    [history] = link.history.all()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+", staff, "named in the filing")


def test_editing_a_link_keeps_each_version_in_its_history(staff):
    link = apply_change(link_of("event link"), user=staff, reason="the vendor sued")

    link.role = EventLink.Role.SUBJECT
    apply_change(link, user=staff, reason="the vendor was sued, it did not sue")

    assert [(h.role, h.history_change_reason) for h in link.history.all()] == [
        ("subject", "the vendor was sued, it did not sue"), ("actor", "the vendor sued")]


def test_it_will_not_delete_a_vendor_that_carries_a_designation():
    designation = make_designation()

    with pytest.raises(ProtectedError), transaction.atomic():
        designation.vendor.delete()


def test_it_will_not_delete_a_record_an_event_is_linked_to():
    vendor = make_vendor()
    make_event(links=[(EventLink.Role.ACTOR, "vendor", vendor)])

    with pytest.raises(ProtectedError), transaction.atomic():
        vendor.delete()


@pytest.mark.parametrize("kind", LINKS)
def test_it_will_not_delete_a_record_that_has_links(kind):
    link = link_of(kind)
    link.save()
    owner = getattr(link, {"affected agreement": "designation", "event link": "event"}.get(kind, "disclosure"))

    with pytest.raises(ProtectedError), transaction.atomic():
        owner.delete()

    assert type(owner).objects.filter(pk=owner.pk).exists()


def test_a_testing_disclosure_with_no_agreement_is_public():
    testing = make_testing_disclosure()

    assert TestingDisclosure.objects.public().filter(pk=testing.pk).exists()

