"""The rules of disclosures' records, each tested once on its own QuerySet: "with agency" (sub-agencies
included), "with vendor", "in effect on" and which event links are shown."""

import datetime

import pytest

from disclosures.models import Designation, Event, EventLink, TestingDisclosure
from registry.services import retract
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_designation,
    make_event,
    make_term,
    make_testing_disclosure,
    make_vendor,
)

pytestmark = pytest.mark.django_db
ACTOR, SUBJECT = EventLink.Role.ACTOR, EventLink.Role.SUBJECT


def slugs(queryset):
    return set(queryset.values_list("slug", flat=True))


@pytest.fixture
def tree():
    department = make_agency(slug="department")
    office = make_agency(slug="office", parent=make_agency(slug="component", parent=department))
    return {"department": department, "office": office, "other": make_agency(slug="other")}


def test_a_designation_is_with_its_vendor_and_its_issuing_agency_and_those_above_it(tree):
    openai = make_vendor(slug="openai")
    make_designation(slug="by-office", vendor=openai, issuing_agency=tree["office"])
    make_designation(slug="by-other", issuing_agency=tree["other"])

    assert slugs(Designation.objects.with_agency([tree["department"]])) == {"by-office"}
    assert slugs(Designation.objects.with_vendor([openai])) == {"by-office"}


def test_in_effect_on_reads_the_dates_and_the_first_court_order():
    day = datetime.date
    make_designation(slug="in-effect", status="in_effect", effective_on=day(2026, 1, 2), effective_on_precision="day")
    make_designation(slug="not-yet", status="in_effect", effective_on=day(2026, 6, 1), effective_on_precision="day")
    make_designation(slug="reported", status="reported", announced_on=day(2026, 1, 1), announced_on_precision="day")
    make_designation(slug="ended", status="expired", effective_on=day(2025, 1, 1), effective_on_precision="day",
                     ended_on=day(2026, 3, 15), ended_on_precision="day")
    enjoined = make_designation(slug="enjoined", status="enjoined", effective_on=day(2026, 1, 2),
                                effective_on_precision="day")
    make_event(kind=Event.Kind.COURT_ORDER, occurred_on=day(2026, 3, 10), occurred_on_precision="day",
               links=[(SUBJECT, "designation", enjoined)])

    assert slugs(Designation.objects.in_effect_on(day(2026, 3, 1))) == {"in-effect", "ended", "enjoined"}
    assert slugs(Designation.objects.in_effect_on(day(2026, 3, 20))) == {"in-effect"}  # ended, then enjoined


def test_a_testing_disclosure_is_with_its_agency_vendors_and_agreements(tree):
    openai, deal = make_vendor(slug="openai"), make_agreement(slug="deal")
    make_testing_disclosure(slug="office-test", agency=tree["office"], vendors=[openai], agreements=[deal])
    make_testing_disclosure(slug="other-test", agency=tree["other"])

    assert slugs(TestingDisclosure.objects.with_agency([tree["department"]])) == {"office-test"}
    assert slugs(TestingDisclosure.objects.with_vendor([openai])) == {"office-test"}
    assert slugs(TestingDisclosure.objects.with_agreement([deal])) == {"office-test"}
    assert slugs(TestingDisclosure.objects.under_an_agreement()) == {"office-test"}
    assert slugs(TestingDisclosure.objects.under_an_agreement(False)) == {"other-test"}


def test_an_event_is_with_a_vendor_or_agency_directly_or_through_an_agreement(tree):
    openai = make_vendor(slug="openai")
    joint = make_agreement(awarding_agency=tree["other"], participating=[tree["office"]], vendors=[openai])
    make_event(slug="about-office", links=[(SUBJECT, "agency", tree["office"])])
    make_event(slug="about-joint-deal", links=[(SUBJECT, "agreement", joint)])
    make_event(slug="by-openai", links=[(ACTOR, "vendor", openai)])
    make_event(slug="unrelated", links=[(SUBJECT, "agency", tree["other"])])
    designation = make_designation(vendor=openai)
    make_event(slug="about-designation", links=[(SUBJECT, "designation", designation)])

    assert slugs(Event.objects.with_agency([tree["department"]])) == {"about-office", "about-joint-deal"}
    # A vendor's events include those of its designations; an agency's those of designations it issued.
    assert slugs(Event.objects.with_vendor([openai])) == {"about-joint-deal", "by-openai", "about-designation"}
    assert slugs(Event.objects.with_designation([designation])) == {"about-designation"}
    assert slugs(Event.objects.with_agreement([joint])) == {"about-joint-deal"}


def test_an_event_shows_only_its_links_to_public_records():
    withdrawn = make_agreement()
    term_of_withdrawn = make_term(agreement=withdrawn)
    event = make_event(links=[(SUBJECT, "vendor", make_vendor(slug="shown")), (SUBJECT, "agreement", withdrawn),
                              (SUBJECT, "term", term_of_withdrawn)])
    retract(withdrawn, user=builder_user(), reason="withdrawn in a test")

    shown = EventLink.objects.filter(event=event).to_public_targets()

    assert [link.target.slug for link in shown] == ["shown"]
