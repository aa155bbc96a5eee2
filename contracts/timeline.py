"""What agreements, terms and classified-addendum markers put on the timeline (registry/timeline.py),
registered in contracts/apps.py: each dated field of a public record is a fact, concerning the record, the
vendors party to its agreement and the agencies awarding or taking part in it (so that the vendor and agency
filters, and their pages, find them)."""

from collections import defaultdict

from django.db.models import Prefetch

from contracts.models import Agreement, ClassifiedAddendumMarker, PublicTerm, agency_tree
from registry import timeline
from registry.timeline import Fact

AGREEMENT_KINDS = {
    "agreement.announced": ("announced", "Agreement announced"),
    "agreement.awarded": ("awarded", "Agreement awarded"),
    "agreement.first_reported": ("first_reported", "Agreement first reported"),
    "agreement.started": ("start", "Agreement performance start"),
    "agreement.ended": ("end", "Agreement performance end (or expected end)"),
}
TERM_KINDS = {"term.effective": ("effective", "Term took effect")}
MARKER_KINDS = {"addendum-marker.known_since": ("known", "Classified addendum publicly known to exist")}


def labels(kinds):
    return {kind: label for kind, (_, label) in kinds.items()}


def agreement_subjects(agreement):
    """The records an agreement's facts concern: its parent, its vendors, its awarding and participating
    agencies (read from ``parties`` and ``participating``, prefetched)."""
    subjects = {("vendor", party.vendor_id) for party in agreement.parties.all()}
    subjects |= {("agency", link.agency_id) for link in agreement.participating.all()}
    subjects.add(("agency", agreement.awarding_agency_id))
    subjects.add(("agreement", agreement.parent_id))
    return subjects


def facts_of(record, kinds, subjects):
    for kind, (accessor, _) in kinds.items():
        when = getattr(record, accessor)
        if when is not None:
            yield Fact(record, kind, when, frozenset(subjects))


def agreement_facts(queryset):
    for agreement in queryset.prefetch_related("parties", "participating"):
        yield from facts_of(agreement, AGREEMENT_KINDS, agreement_subjects(agreement))


AGREEMENT_PARTS = Prefetch("agreement", queryset=Agreement.objects.prefetch_related("parties", "participating"))


def term_facts(queryset):
    """A term of an agreement concerns the agreement and what it concerns; a policy, its agency or vendor."""
    for term in queryset.filter(effective_on__isnull=False).prefetch_related(AGREEMENT_PARTS):
        if term.agreement is not None:
            subjects = {("agreement", term.agreement_id), *agreement_subjects(term.agreement)}
        else:
            subjects = {("agency", term.agency_id), ("vendor", term.vendor_id)}
        yield from facts_of(term, TERM_KINDS, subjects)


def marker_facts(queryset):
    for marker in queryset.filter(known_since__isnull=False).prefetch_related(AGREEMENT_PARTS):
        yield from facts_of(marker, MARKER_KINDS,
                            {("agreement", marker.agreement_id), *agreement_subjects(marker.agreement)})


def agreement_dependents(pks):
    """The terms and markers of these agreements concern the agreements' vendors and agencies too."""
    found = defaultdict(list)
    for model in (PublicTerm, ClassifiedAddendumMarker):
        found[model] = list(model.objects.filter(agreement__in=pks).values_list("pk", flat=True))
    return found


def agency_scope(agency):
    """An agency's timeline covers its sub-agencies, as the agency filters do."""
    return agency_tree([agency])


def register():
    timeline.add_producer(Agreement, agreement_facts, labels(AGREEMENT_KINDS))
    timeline.add_producer(PublicTerm, term_facts, labels(TERM_KINDS))
    timeline.add_producer(ClassifiedAddendumMarker, marker_facts, labels(MARKER_KINDS))
    timeline.add_dependents(Agreement, agreement_dependents)
    for record_type in ("agreement", "vendor", "term", "addendum-marker"):
        timeline.show_on(record_type)
    timeline.show_on("agency", scope=agency_scope)


def filter_vendor(queryset, name, value):
    return queryset.concerning("vendor", [vendor.pk for vendor in value]) if value else queryset


def filter_agency(queryset, name, value):
    return queryset.concerning("agency", agency_tree(value)) if value else queryset


def filter_agreement(queryset, name, value):
    return queryset.concerning("agreement", [agreement.pk for agreement in value]) if value else queryset

