"""Testing disclosed under an agreement, as milestones of the agreement's OCDS contract (contracts/ocds)."""

from contracts.ocds.milestones import Milestone
from contracts.ocds.release import compact, day_time
from disclosures.models import TestingDisclosure, TestingDisclosureAgreement


def testing_milestone(disclosure):
    """An ``assessment`` milestone: what was tested, how, by whom. Met (with ``dateMet``) only when the end of
    testing is known to the day; otherwise no status: the record does not say it was completed."""
    ended = day_time(disclosure.tested_end, end=True)
    models = f"Models tested: {disclosure.models_tested}."
    return compact({
        "id": f"testing-{disclosure.slug}", "title": disclosure.title, "type": "assessment",
        "description": f"{disclosure.summary}\n\n{models}" if disclosure.summary else models,
        "code": disclosure.test_kind, "dateMet": ended, "status": "met" if ended else None,
    })


def testing_milestones(agreement):
    """The public testing disclosures linked to the agreement, in the order their pages list them: one query."""
    disclosures = TestingDisclosure.objects.public().filter(agreement_links__agreement=agreement).distinct()
    return [Milestone(TestingDisclosure.record_type, disclosure.slug, disclosure.published_at,
                      testing_milestone(disclosure)) for disclosure in disclosures]


def testing_milestones_of_many(agreements):
    """``testing_milestones`` of many agreements: {agreement pk: [Milestone]}, in two queries however many."""
    links = TestingDisclosureAgreement.objects.filter(agreement__in=[agreement.pk for agreement in agreements])
    disclosures_of = {}
    for agreement_id, disclosure_id in links.values_list("agreement_id", "disclosure_id"):
        disclosures_of.setdefault(agreement_id, set()).add(disclosure_id)
    ids = set().union(*disclosures_of.values())
    found = {agreement.pk: [] for agreement in agreements}
    for disclosure in TestingDisclosure.objects.public().filter(pk__in=ids) if ids else ():
        milestone = Milestone(TestingDisclosure.record_type, disclosure.slug, disclosure.published_at,
                              testing_milestone(disclosure))
        for agreement_id, disclosure_ids in disclosures_of.items():
            if disclosure.pk in disclosure_ids:
                found[agreement_id].append(milestone)
    return found
