"""No contradictions: an agreement's terms disclosure never contradicts the terms shown, checked when the
change set closes (whatever the order of the writes in it), and nothing of a refused change set is stored."""

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Agreement, PublicTerm
from registry.loader import LoadError, load_records
from registry.services import apply_change, change_set
from tests.builders import builder_user, make_agreement, make_citation, make_source
from tests.registry.test_loader import small_document

pytestmark = pytest.mark.django_db


def new_term(agreement, **fields):
    fields.setdefault("category", PublicTerm.Category.DOMESTIC_SURVEILLANCE)
    fields.setdefault("effect", PublicTerm.Effect.PROHIBITS)
    return PublicTerm(slug=fields.pop("slug", "no-surveillance"), agreement=agreement, title="No surveillance",
                      text="shall not be used for domestic surveillance", published_at=agreement.published_at,
                      **fields)


def publish_term(agreement, **fields):
    with change_set(user=builder_user(), reason="a term"):
        term = apply_change(new_term(agreement, **fields))
        make_citation(term)
    return term


def test_a_public_term_in_force_on_an_agreement_that_says_none_is_refused():
    deal = make_agreement(slug="deal")
    deal.terms_disclosure = "none"
    apply_change(deal, user=builder_user(), reason="reset")

    with pytest.raises(ValidationError) as refused:
        publish_term(deal)

    assert "terms_disclosure" in refused.value.message_dict
    assert "deal" in str(refused.value) and "no-surveillance" in str(refused.value)
    assert not PublicTerm.objects.filter(slug="no-surveillance").exists()  # nothing of the change set stored


def test_setting_none_on_an_agreement_with_a_public_term_is_refused():
    deal = make_agreement(slug="deal", terms_disclosure="summary")
    publish_term(deal)
    deal.terms_disclosure = "none"

    with pytest.raises(ValidationError):
        apply_change(deal, user=builder_user(), reason="says none")

    assert Agreement.objects.get(slug="deal").terms_disclosure == "summary"


def test_the_term_and_its_agreement_may_change_together_in_one_change_set():
    deal = make_agreement(slug="deal")
    deal.terms_disclosure = "none"
    apply_change(deal, user=builder_user(), reason="reset")

    with change_set(user=builder_user(), reason="a term, and what it means for the agreement"):
        term = apply_change(new_term(deal))
        make_citation(term)
        deal.terms_disclosure = "summary"
        apply_change(deal)

    assert Agreement.objects.get(slug="deal").terms_disclosure == "summary"


@pytest.mark.parametrize("status", ["requested_and_refused", "proposed", "removed"])
def test_a_term_not_in_force_leaves_none_possible(status):
    deal = make_agreement(slug="deal")
    deal.terms_disclosure = "none"
    apply_change(deal, user=builder_user(), reason="reset")

    publish_term(deal, status=status)

    assert Agreement.objects.get(slug="deal").terms_disclosure == "none"


def test_a_verbatim_contract_clause_needs_partial_or_full_text():
    deal = make_agreement(slug="deal", terms_disclosure="summary")

    with pytest.raises(ValidationError) as refused:
        publish_term(deal, text_form="verbatim", binding="contract_clause")
    assert "word for word" in str(refused.value)

    deal.terms_disclosure = "partial"
    apply_change(deal, user=builder_user(), reason="excerpts are public")
    publish_term(deal, text_form="verbatim", binding="contract_clause")
    assert PublicTerm.objects.filter(agreement=deal).count() == 1


def test_a_draft_agreement_is_not_checked():
    deal = make_agreement(slug="deal", published=False)
    with change_set(user=builder_user(), reason="drafting"):
        apply_change(new_term(deal))

    assert PublicTerm.objects.filter(agreement=deal).exists()


def test_a_load_that_contradicts_itself_loads_nothing_and_names_the_agreement():
    document = small_document()
    document["agreements"][1]["terms_disclosure"] = "none"

    with pytest.raises(LoadError) as refused:
        load_records(document)

    assert any("base-deal" in line and "terms_disclosure" in line for line in refused.value.errors)
    assert not Agreement.objects.exists()
    make_source()  # the database is still usable after the rollback
