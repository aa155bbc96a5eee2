"""Contracts' rules that the write path checks when a change set closes (registered in apps.py)."""

from collections import defaultdict

from django.core.exceptions import ValidationError

from contracts.models import Agreement, PublicTerm


def check_terms_disclosure(agreements):
    """An agreement's ``terms_disclosure`` never contradicts the terms its page shows: a public term in
    force (or disputed) means some text or summary is public, so not ``none``; a verbatim contract
    clause means contract text is public, so ``partial`` or ``full_text``. One query per change set."""
    terms = defaultdict(list)
    for term in (PublicTerm.objects.public().current().filter(agreement__in=[a.pk for a in agreements])
                 .only("agreement_id", "slug", "text_form", "binding")):
        terms[term.agreement_id].append(term)
    errors = []
    for agreement in agreements:
        shown = terms.get(agreement.pk, [])
        if not shown:
            continue
        disclosure = agreement.terms_disclosure
        clauses = [t for t in shown if t.text_form == PublicTerm.TextForm.VERBATIM
                   and t.binding == PublicTerm.Binding.CONTRACT_CLAUSE]
        if disclosure == Agreement.TermsDisclosure.NONE:
            errors.append(f"agreement “{agreement.slug}” says no terms are public (terms disclosure: none), yet "
                          f"{len(shown)} public term(s) in force describe it ({', '.join(t.slug for t in shown)}): "
                          "say summary, partial or full_text.")
        elif clauses and disclosure not in (Agreement.TermsDisclosure.PARTIAL, Agreement.TermsDisclosure.FULL_TEXT):
            errors.append(f"agreement “{agreement.slug}” quotes its contract word for word "
                          f"({', '.join(t.slug for t in clauses)}): its terms disclosure is partial or full_text, "
                          f"not {disclosure}.")
    if errors:
        raise ValidationError({"terms_disclosure": errors})
