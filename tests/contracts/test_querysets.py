"""The rules of contracts' records, each tested once on its own QuerySet: what "with agency" (sub-agencies
included), "with vendor" and "current" mean. The FilterSets, pages, feeds, CSV and API call these."""

import pytest
from django.contrib.auth.models import AnonymousUser

from contracts.models import Agency, Agreement, AgreementParty, ClassifiedAddendumMarker, PublicTerm
from registry.services import retract
from tests.builders import make_agency, make_agreement, make_marker, make_party, make_term, make_user, make_vendor

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return set(queryset.values_list("slug", flat=True))


@pytest.fixture
def tree():
    """department > component > office (three levels), and an unrelated agency."""
    department = make_agency(slug="department")
    component = make_agency(slug="component", parent=department)
    office = make_agency(slug="office", parent=component)
    other = make_agency(slug="other")
    return {"department": department, "component": component, "office": office, "other": other}


def test_and_below_is_the_agencies_and_every_agency_below_them_however_deep(tree):
    assert slugs(Agency.objects.and_below([tree["department"]])) == {"department", "component", "office"}
    assert slugs(Agency.objects.and_below([tree["component"], tree["other"]])) == {"component", "office", "other"}
    assert slugs(Agency.objects.and_below([])) == set()


def test_below_leaves_out_the_agencies_themselves(tree):
    assert slugs(Agency.objects.below([tree["department"]])) == {"component", "office"}
    assert slugs(Agency.objects.below([tree["office"]])) == set()


def test_and_below_runs_no_query_of_its_own(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Agreement.objects.with_agency([tree["department"]]))


def test_an_agreement_is_with_an_agency_it_or_a_sub_agency_awarded_or_takes_part_in(tree):
    make_agreement(slug="awarded-by-office", awarding_agency=tree["office"])
    make_agreement(slug="office-takes-part", awarding_agency=tree["other"], participating=[tree["office"]])
    make_agreement(slug="unrelated", awarding_agency=tree["other"])
    make_agreement(slug="partnership", awarding_agency=None)

    assert slugs(Agreement.objects.with_agency([tree["department"]])) == {"awarded-by-office", "office-takes-part"}
    assert slugs(Agreement.objects.with_awarding_agency([tree["department"]])) == {"awarded-by-office"}
    assert slugs(Agreement.objects.with_agency([tree["other"]])) == {"office-takes-part", "unrelated"}


def test_an_agreement_is_with_a_vendor_in_any_role():
    openai, palantir = make_vendor(slug="openai"), make_vendor(slug="palantir")
    prime = make_agreement(slug="prime", vendors=[openai])
    partner = make_agreement(slug="partner", vendors=[palantir])
    make_party(partner, openai, role=AgreementParty.Role.PARTNER)
    make_agreement(slug="palantir-only", vendors=[palantir])

    assert slugs(Agreement.objects.with_vendor([openai])) == {prime.slug, partner.slug}


def test_current_terms_are_in_force_or_disputed():
    for status in PublicTerm.Status.values:
        make_term(slug=f"term-{status}".replace("_", "-"), status=status)

    assert slugs(PublicTerm.objects.current()) == {"term-in-force", "term-disputed"}


def test_a_term_is_with_an_agency_by_its_own_policy_or_its_agreement(tree):
    make_term(slug="office-policy", agency=tree["office"])
    make_term(slug="of-joint-deal", agreement=make_agreement(awarding_agency=tree["other"],
                                                             participating=[tree["component"]]))
    make_term(slug="other-policy", agency=tree["other"])

    assert slugs(PublicTerm.objects.with_agency([tree["department"]])) == {"office-policy", "of-joint-deal"}


def test_a_term_is_with_a_vendor_by_its_own_policy_or_its_agreement():
    openai = make_vendor(slug="openai")
    make_term(slug="usage-policy", vendor=openai)
    make_term(slug="of-its-deal", agreement=make_agreement(vendors=[openai]))
    make_term(slug="of-another-deal", agreement=make_agreement(vendors=[make_vendor()]))

    assert slugs(PublicTerm.objects.with_vendor([openai])) == {"usage-policy", "of-its-deal"}


def test_a_marker_is_with_the_agencies_and_vendors_of_its_agreement(tree):
    openai = make_vendor(slug="openai")
    make_marker(slug="office-marker", agreement=make_agreement(awarding_agency=tree["office"], vendors=[openai]))
    make_marker(slug="other-marker", agreement=make_agreement(awarding_agency=tree["other"]))

    assert slugs(ClassifiedAddendumMarker.objects.with_agency([tree["department"]])) == {"office-marker"}
    assert slugs(ClassifiedAddendumMarker.objects.with_vendor([openai])) == {"office-marker"}


def test_to_public_keeps_only_links_to_public_records():
    vendor = make_vendor()
    make_agreement(slug="public-deal", vendors=[vendor])
    make_agreement(slug="withdrawn-deal", vendors=[vendor], retracted=True)

    links = AgreementParty.objects.filter(vendor=vendor).to_public("agreement")

    assert [link.agreement.slug for link in links] == ["public-deal"]


def test_visibility_rules_name_each_state_once():
    """public, published (public or retracted), drafts, retracted, and what a URL or a list shows."""
    public, draft = make_vendor(slug="public"), make_vendor(slug="draft", published=False)
    retracted = make_vendor(slug="retracted", retracted=True)
    assert slugs(type(public).objects.public()) == {"public"}
    assert slugs(type(public).objects.published()) == {"public", "retracted"}
    assert slugs(type(public).objects.drafts()) == {"draft"}
    assert slugs(type(public).objects.retracted()) == {"retracted"}
    assert slugs(type(public).objects.reachable_by(AnonymousUser())) == {"public", "retracted"}
    staff = make_user("editor", staff=True)
    assert slugs(type(public).objects.reachable_by(staff)) == {"public", "draft", "retracted"}
    assert slugs(type(public).objects.visible_to(AnonymousUser())) == {"public"}
    assert slugs(type(public).objects.visible_to(staff)) == {"public", "draft", "retracted"}
    assert slugs(type(public).objects.listed()) == {"public"}
    assert slugs(type(public).objects.listed(include_retracted=True)) == {"public", "retracted"}
    assert draft.slug not in slugs(type(public).objects.published())
    assert retracted.slug not in slugs(type(public).objects.public())


def test_a_term_is_public_only_while_its_agreement_is():
    agreement = make_agreement(slug="owner")
    term = make_term(agreement=agreement, slug="owned")
    assert slugs(PublicTerm.objects.public()) == {"owned"}
    retract(agreement, user=None, reason="test")
    assert slugs(PublicTerm.objects.public()) == set()
    assert term.slug in slugs(PublicTerm.objects.published())
