"""Agencies, vendors, agreements, their parties, terms and addendum markers (contracts/models.py).
Each rule is checked twice: full_clean() names the field, and the database constraint refuses the
same data when clean() is bypassed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from registry.services import apply_change, retract
from tests.builders import (
    make_agency,
    make_agreement,
    make_marker,
    make_party,
    make_term,
    make_vendor,
    unique,
)
from tests.checks import assert_duplicate_refused_by_database, assert_refused_by_database, clean_errors

pytestmark = pytest.mark.django_db


def new_agreement(**fields):
    """An unsaved, valid, unpublished agreement."""
    fields.setdefault("slug", unique("agreement"))
    fields.setdefault("title", "Frontier AI prototype agreement")
    return Agreement(**fields)


def new_term(**fields):
    if not ({"agreement", "agency", "vendor"} & fields.keys()):
        fields["agreement"] = make_agreement()
    fields.setdefault("slug", unique("term"))
    fields.setdefault("title", "No domestic surveillance")
    fields.setdefault("category", PublicTerm.Category.DOMESTIC_SURVEILLANCE)
    fields.setdefault("effect", PublicTerm.Effect.PROHIBITS)
    fields.setdefault("text", "The models shall not be used for domestic surveillance.")
    return PublicTerm(**fields)


def day(text):
    return datetime.date.fromisoformat(text)


# --- vendors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("uei", ["ABC123", "abcdefghijkl", "ABCDEFGHIJK-", "ÉÉÉÉÉÉÉÉÉÉÉÉ", "ABCDEFGHIJK１"])
def test_a_uei_is_twelve_upper_case_letters_and_digits(uei):
    vendor = Vendor(slug=unique("vendor"), name="Vendor", uei=uei)

    assert clean_errors(vendor)["uei"] == ["A UEI is 12 upper-case letters and digits."]
    assert_refused_by_database(vendor, "contracts_vendor_uei_format")


@pytest.mark.parametrize("cage", ["1ABC", "1abc2", "1AB 2", "ÉCOLE", "１ABC2"])
def test_a_cage_code_is_five_upper_case_letters_and_digits(cage):
    vendor = Vendor(slug=unique("vendor"), name="Vendor", cage_code=cage)

    assert clean_errors(vendor)["cage_code"] == ["A CAGE code is 5 upper-case letters and digits."]
    assert_refused_by_database(vendor, "contracts_vendor_cage_format")


def test_a_vendor_with_a_uei_and_a_cage_code_saves():
    vendor = Vendor(slug="openai", name="OpenAI", uei="ABCDEFGH1234", cage_code="8ABC1")

    vendor.full_clean()
    vendor.save()

    assert Vendor.objects.get(slug="openai").uei == "ABCDEFGH1234"


@pytest.mark.parametrize("model", [Agency, Vendor])
def test_aliases_are_a_list_of_names(model):
    record = model(slug=unique("named"), name="Named", aliases="Department of War")

    assert clean_errors(record)["aliases"] == ["Aliases are a list of names."]


def test_an_agency_cannot_be_its_own_parent():
    agency = make_agency()

    agency.parent = agency
    assert clean_errors(agency)["parent"] == ["An agency cannot be its own parent."]


# --- agreements: dates, money, parent -----------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [
    ("2025-07-14", "2025-07-13"),
    ("2025-07", "2025-06-30"),
    ("2025", "2024"),
    ("2025-07-14", "2025-06"),
])
def test_an_agreement_cannot_end_before_it_starts(start, end):
    agreement = new_agreement()
    agreement.start, agreement.end = start, end

    assert clean_errors(agreement)["end_on"] == ["end on cannot be before start on."]
    assert_refused_by_database(agreement, "contracts_agreement_end_on_not_before_start_on")


@pytest.mark.parametrize(("start", "end"), [
    ("2025-07-14", "2025-07-14"),
    ("2025-07-14", "2026"),
    ("2025-07-14", "2025-07"),   # ended some time in July: may be after the 14th
    ("2025-07-14", "2025"),      # ended some time in 2025
    ("2025-07", "2025-07-01"),
    ("2025", "2025-01"),
])
def test_an_agreement_may_end_when_it_starts_or_later_however_precise_the_dates(start, end):
    agreement = new_agreement()
    agreement.start, agreement.end = start, end

    agreement.full_clean()
    agreement.save()

    agreement.refresh_from_db()
    assert (agreement.start.isoformat(), agreement.end.isoformat()) == (start, end)


@pytest.mark.parametrize("money", ["ceiling", "obligated"])
def test_an_amount_cannot_be_negative(money):
    agreement = new_agreement(**{f"{money}_amount": Decimal("-1.00")})

    assert clean_errors(agreement)[f"{money}_amount"] == [
        "An amount cannot be negative; leave it empty when undisclosed."]
    assert_refused_by_database(agreement, f"contracts_agreement_{money}_not_negative")


@pytest.mark.parametrize("money", ["ceiling", "obligated"])
@pytest.mark.parametrize("currency", ["usd", "US", "", "U5D"])
def test_an_amount_needs_a_three_letter_currency(money, currency):
    agreement = new_agreement(**{f"{money}_amount": Decimal("200000000.00"), f"{money}_currency": currency})

    assert clean_errors(agreement)[f"{money}_currency"] == ["Use a three-letter ISO 4217 code such as USD."]
    assert_refused_by_database(agreement, f"contracts_agreement_{money}_has_currency")


def test_an_agreement_with_disclosed_and_undisclosed_amounts_saves():
    agreement = new_agreement(ceiling_amount=Decimal("200000000.00"), ceiling_currency="USD",
                              obligated_amount=None, obligated_currency="")

    agreement.full_clean()
    agreement.save()

    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.ceiling.as_json() == {"amount": "200000000.00", "currency": "USD"}
    assert stored.obligated is None


def test_an_agreement_may_cost_nothing():
    agreement = new_agreement(ceiling_amount=Decimal("0"), ceiling_currency="USD")

    agreement.full_clean()
    agreement.save()

    assert Agreement.objects.get(pk=agreement.pk).ceiling_amount == Decimal("0")


def test_an_agreement_cannot_be_its_own_parent():
    agreement = make_agreement()

    agreement.parent = agreement
    assert clean_errors(agreement)["parent"] == ["An agreement cannot be its own parent."]
    assert_refused_by_database(agreement, "contracts_agreement_not_own_parent")


def test_a_task_order_names_its_parent_agreement():
    parent = make_agreement()
    order = new_agreement(parent=parent, vehicle=Agreement.Vehicle.IDIQ_TASK_ORDER)

    order.full_clean()
    order.save()

    assert list(parent.children.all()) == [order]


def test_a_vendor_to_vendor_partnership_has_no_awarding_agency():
    agreement = new_agreement(awarding_agency=None, vehicle=Agreement.Vehicle.PARTNERSHIP)

    agreement.full_clean()
    agreement.save()

    assert Agreement.objects.get(pk=agreement.pk).awarding_agency is None


# --- parties and participating agencies ---------------------------------------------------------

def test_a_vendor_has_a_role_in_an_agreement_once():
    agreement, vendor = make_agreement(), make_vendor()
    make_party(agreement, vendor, role=AgreementParty.Role.PRIME)

    duplicate = AgreementParty(agreement=agreement, vendor=vendor, role=AgreementParty.Role.PRIME)
    assert clean_errors(duplicate)[NON_FIELD_ERRORS] == ["This vendor already has this role in the agreement."]
    assert_duplicate_refused_by_database(duplicate)


def test_a_vendor_may_have_two_roles_and_two_vendors_the_same_role():
    agreement, vendor, other = make_agreement(), make_vendor(), make_vendor()
    make_party(agreement, vendor, role=AgreementParty.Role.PRIME)

    for party in (AgreementParty(agreement=agreement, vendor=vendor, role=AgreementParty.Role.CLOUD_PROVIDER),
                  AgreementParty(agreement=agreement, vendor=other, role=AgreementParty.Role.PRIME)):
        party.full_clean()
        party.save()

    assert agreement.parties.count() == 3


def test_an_agency_participates_in_an_agreement_once():
    agreement, agency = make_agreement(), make_agency()
    AgreementAgency.objects.create(agreement=agreement, agency=agency)

    duplicate = AgreementAgency(agreement=agreement, agency=agency)
    assert clean_errors(duplicate)[NON_FIELD_ERRORS] == ["This agency is already listed as participating."]
    assert_duplicate_refused_by_database(duplicate)


# --- public terms -------------------------------------------------------------------------------

def test_a_term_belongs_to_an_agreement_or_to_an_agency_or_vendor():
    term = new_term(agreement=None, agency=None, vendor=None)

    assert clean_errors(term)["agreement"] == ["A term belongs to an agreement, or to an agency or vendor."]
    assert_refused_by_database(term, "contracts_publicterm_has_owner")


@pytest.mark.parametrize("owner", ["agreement", "agency", "vendor"])
def test_a_term_with_any_one_owner_saves(owner):
    build = {"agreement": make_agreement, "agency": make_agency, "vendor": make_vendor}[owner]
    term = new_term(**{owner: build()})

    term.full_clean()
    term.save()

    assert PublicTerm.objects.filter(pk=term.pk).exists()


@pytest.mark.parametrize("text", ["", "   "])
def test_a_term_needs_its_text(text):
    term = new_term(text=text)

    assert "A term needs its text or a paraphrase." in clean_errors(term)["text"]


def test_the_database_refuses_a_term_without_text():
    assert_refused_by_database(new_term(text=""), "contracts_publicterm_text_not_empty")


def test_a_term_cannot_supersede_itself():
    term = make_term()

    term.supersedes = term
    assert clean_errors(term)["supersedes"] == ["A term cannot supersede itself."]
    assert_refused_by_database(term, "contracts_publicterm_not_superseding_itself")


def test_a_term_may_supersede_an_earlier_one():
    earlier = make_term()
    later = new_term(agreement=earlier.agreement, supersedes=earlier)

    later.full_clean()
    later.save()

    assert list(earlier.superseded_by.all()) == [later]


# --- visibility of parts ------------------------------------------------------------------------

def public_slugs(model):
    return set(model.objects.public().values_list("slug", flat=True))


@pytest.mark.parametrize("build", [make_term, make_marker], ids=["term", "marker"])
def test_a_part_of_a_retracted_agreement_is_hidden(build):
    part = build(agreement=make_agreement(retracted=True))

    assert part.slug not in public_slugs(type(part))
    assert type(part).objects.filter(slug=part.slug).exists()


@pytest.mark.parametrize("build", [make_term, make_marker], ids=["term", "marker"])
def test_a_part_of_an_unpublished_agreement_is_refused_by_the_write_path_and_hidden_anyway(build):
    draft = make_agreement(published=False)

    with pytest.raises(ValidationError, match="is a draft"):
        build(agreement=draft)  # a published part would show its draft agreement

    part = build(agreement=draft, published=False)
    type(part).objects.filter(pk=part.pk).update(published_at=timezone.now())  # bypassing the write path
    assert part.slug not in public_slugs(type(part))


@pytest.mark.parametrize("build", [make_term, make_marker], ids=["term", "marker"])
def test_a_part_of_a_public_agreement_is_shown(build):
    part = build()

    assert part.slug in public_slugs(type(part))


@pytest.mark.parametrize("build", [make_term, make_marker], ids=["term", "marker"])
def test_a_part_is_hidden_once_its_agreement_is_retracted(build, staff):
    part = build()

    retract(part.agreement, user=staff, reason="Duplicate record.")

    assert part.slug not in public_slugs(type(part))


@pytest.mark.parametrize("owner", ["vendor", "agency"])
def test_a_policy_term_with_no_agreement_is_shown(owner):
    build = {"agency": make_agency, "vendor": make_vendor}[owner]
    term = make_term(**{owner: build()})

    assert term.agreement is None
    assert term.slug in public_slugs(PublicTerm)


@pytest.mark.parametrize("owner", ["vendor", "agency"])
def test_a_policy_term_of_a_retracted_vendor_or_agency_is_hidden(owner):
    build = {"agency": make_agency, "vendor": make_vendor}[owner]
    term = make_term(**{owner: build(retracted=True)})

    assert term.slug not in public_slugs(PublicTerm)


@pytest.mark.parametrize("owner", ["vendor", "agency"])
def test_a_policy_term_of_an_unpublished_vendor_or_agency_is_refused_and_hidden_anyway(owner):
    build = {"agency": make_agency, "vendor": make_vendor}[owner]
    draft_owner = build(published=False)

    with pytest.raises(ValidationError, match="is a draft"):
        make_term(**{owner: draft_owner})
    term = make_term(**{owner: draft_owner}, published=False)
    PublicTerm.objects.filter(pk=term.pk).update(published_at=timezone.now())  # bypassing the write path
    assert term.slug not in public_slugs(PublicTerm)


def test_staff_see_parts_of_retracted_agreements_and_others_do_not(staff, alice, anonymous):
    term = make_term(agreement=make_agreement(retracted=True))

    assert PublicTerm.objects.visible_to(staff).filter(pk=term.pk).exists()
    assert not PublicTerm.objects.visible_to(alice).filter(pk=term.pk).exists()
    assert not PublicTerm.objects.visible_to(anonymous).filter(pk=term.pk).exists()


# --- history of links and protection ------------------------------------------------------------

@pytest.mark.parametrize("link", ["party", "participating agency"])
def test_a_change_to_a_link_writes_one_history_row_with_who_and_why(link, staff):
    agreement = make_agreement()
    record = (AgreementParty(agreement=agreement, vendor=make_vendor()) if link == "party"
              else AgreementAgency(agreement=agreement, agency=make_agency()))

    apply_change(record, user=staff, reason="named in the award notice")

    [history] = record.history.all()
    assert (history.history_user, history.history_change_reason) == (staff, "named in the award notice")
    assert history.history_type == "+"


def test_a_change_of_role_is_kept_in_the_partys_history(staff):
    party = make_party(make_agreement())

    party.role = AgreementParty.Role.PARTNER
    apply_change(party, user=staff, reason="the vendor is a partner, not the prime")

    assert [h.role for h in party.history.all()] == ["partner", "prime"]
    assert party.history.first().history_user == staff


def test_it_will_not_delete_a_vendor_that_is_party_to_an_agreement():
    vendor = make_vendor()
    make_party(make_agreement(), vendor)

    with pytest.raises(ProtectedError), transaction.atomic():
        vendor.delete()

    assert Vendor.objects.filter(pk=vendor.pk).exists()


@pytest.mark.parametrize("part", ["term", "marker", "participating agency"])
def test_it_will_not_delete_an_agreement_that_has_parts(part):
    agreement = make_agreement()
    if part == "term":
        make_term(agreement=agreement)
    elif part == "marker":
        make_marker(agreement=agreement)
    else:
        AgreementAgency.objects.create(agreement=agreement, agency=make_agency())

    with pytest.raises(ProtectedError), transaction.atomic():
        agreement.delete()

    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_it_will_not_delete_an_agency_that_awarded_an_agreement():
    agreement = make_agreement()

    with pytest.raises(ProtectedError), transaction.atomic():
        agreement.awarding_agency.delete()


def test_a_marker_records_that_a_non_public_part_exists():
    marker = ClassifiedAddendumMarker(slug=unique("marker"), agreement=make_agreement(), title="Classified annex",
                                      existence=ClassifiedAddendumMarker.Existence.ACKNOWLEDGED_BY_AGENCY,
                                      classification=ClassifiedAddendumMarker.Classification.SECRET)
    marker.known = "2026-02"

    marker.full_clean()
    marker.save()

    assert ClassifiedAddendumMarker.objects.get(pk=marker.pk).known.humanize() == "February 2026"
