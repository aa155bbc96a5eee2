"""Pages for agreements, terms, classified-addendum markers, vendors and agencies.

Other apps add sections and list columns to these pages through registry/sections.py, and dated facts
to their timelines through registry/timeline.py; this module knows only its own records.
"""

import copy

from django.db.models import F, Prefetch

from contracts import filters
from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementParty,
    AmountKind,
    ClassifiedAddendumMarker,
    PublicTerm,
    amount_totals,
)
from registry.claims import claims_in_words
from registry.models import Citation
from registry.pages import RecordCsvView, RecordDetailView, RecordListView, numbered_citations

CITATIONS = "citations__source"
# The citations of an agreement's terms, for the footnotes of their verbatim words on its page.
VERBATIM_TEXT_CITATIONS = Citation.objects.select_related("source")


def public(model, *related):
    return model.objects.public().select_related(*related)


# --- agreements ---------------------------------------------------------------------------

class AgreementList(RecordListView):
    record_type = "agreement"
    filterset_class = filters.AgreementFilterSet
    template_name = "contracts/agreement_list.html"
    select_related = ("awarding_agency",)
    prefetch_related = (
        Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor").order_by("role", "id")),
        Prefetch("terms", queryset=public(PublicTerm), to_attr="public_terms"),
        Prefetch("addendum_markers", queryset=public(ClassifiedAddendumMarker), to_attr="public_markers"),
        "amounts",
    )


class AgreementCsv(AgreementList, RecordCsvView):
    pass


class AgreementDetail(RecordDetailView):
    record_type = "agreement"
    template_name = "contracts/agreement_detail.html"
    select_related = ("awarding_agency", "parent")

    @property
    def prefetch_related(self):
        return (
            Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor").order_by("role", "id")),
            "participating__agency",
            "amounts",
            Prefetch("children", queryset=public(Agreement).prefetch_related("amounts"), to_attr="public_children"),
            Prefetch("terms", queryset=public(PublicTerm).order_by("category", "id")
                     .prefetch_related(Prefetch("citations", queryset=VERBATIM_TEXT_CITATIONS)), to_attr="public_terms"),
            Prefetch("addendum_markers", queryset=public(ClassifiedAddendumMarker), to_attr="public_markers"),
            CITATIONS,
        )

    def extra_context(self, record):
        terms_by_category = {}
        for term in record.public_terms:
            terms_by_category.setdefault(term.get_category_display(), []).append(term)
        return {"terms_by_category": terms_by_category, "citations": agreement_footnotes(record),
                "terms_not_in_force": terms_not_in_force(record), "later_ceilings": later_ceilings(record)}


def later_ceilings(record):
    """(modification, amount) for each public modification or order of the agreement that reports a
    resulting ceiling: beside the agreement's own ceiling, so that the ceiling at award is not read as the
    ceiling today. From the prefetched children and their amounts; nothing is added up."""
    return [(child, amount) for child in getattr(record, "public_children", [])
            for amount in child.amounts.all() if amount.kind == AmountKind.RESULTING_CEILING]


def terms_not_in_force(record):
    """When the agreement's terms disclosure is "None" although public terms are listed, the statuses of
    those terms ("requested and refused"): none of them is a term in force, and the page says so beside the
    disclosure rather than "None" beside four terms. Empty otherwise."""
    if record.terms_disclosure != Agreement.TermsDisclosure.NONE:
        return []
    return list(dict.fromkeys(term.get_status_display().lower() for term in record.public_terms
                              if term.status not in PublicTerm.CURRENT_STATUSES))


def agreement_footnotes(record):
    """The agreement's footnotes, then those quoting the exact words of its verbatim terms: a quoted
    term is never shown without its footnote (its claim key here is ``term:<slug>``)."""
    titles = {term.slug: term.title for term in record.public_terms}
    numbered = numbered_citations(record, titles)
    for term in record.public_terms:
        if term.text_form != PublicTerm.TextForm.VERBATIM:
            continue
        for citation in term.citations.all():
            if "text" in citation.claims:
                shown = copy.copy(citation)
                shown.claims = [f"term:{term.slug}"]
                shown.supports = claims_in_words(shown.claims, titles)
                numbered.append((len(numbered) + 1, shown))
    return numbered


# --- terms and markers ---------------------------------------------------------------------

class PublicTermList(RecordListView):
    record_type = "term"
    filterset_class = filters.PublicTermFilterSet
    template_name = "contracts/term_list.html"
    select_related = ("agreement", "agency", "vendor")


class PublicTermCsv(PublicTermList, RecordCsvView):
    pass


class PublicTermDetail(RecordDetailView):
    record_type = "term"
    template_name = "contracts/term_detail.html"
    select_related = ("agreement", "agreement__awarding_agency", "agency", "vendor", "supersedes")

    @property
    def prefetch_related(self):
        return (
            Prefetch("superseded_by", queryset=public(PublicTerm), to_attr="public_superseded_by"),
            CITATIONS,
        )

    def extra_context(self, record):
        supersedes = record.supersedes if record.supersedes and record.supersedes.is_public else None
        return {"supersedes": supersedes}


class MarkerList(RecordListView):
    record_type = "addendum-marker"
    filterset_class = filters.ClassifiedAddendumMarkerFilterSet
    template_name = "contracts/marker_list.html"
    select_related = ("agreement", "agreement__awarding_agency")


class MarkerCsv(MarkerList, RecordCsvView):
    pass


class MarkerDetail(RecordDetailView):
    record_type = "addendum-marker"
    template_name = "contracts/marker_detail.html"
    select_related = ("agreement", "agreement__awarding_agency")

    @property
    def prefetch_related(self):
        return (
            Prefetch("agreement__parties", queryset=AgreementParty.objects.select_related("vendor").order_by("role", "id")),
            CITATIONS,
        )


# --- vendors and agencies -------------------------------------------------------------------

def public_agreements_of(links):
    """[(agreement, [roles…])] from prefetched parties, once per agreement, in link order."""
    rows = {}
    for party in links:
        if party.agreement is not None:
            rows.setdefault(party.agreement.pk, (party.agreement, []))[1].append(party.get_role_display())
    return list(rows.values())


class VendorList(RecordListView):
    record_type = "vendor"
    filterset_class = filters.VendorFilterSet
    template_name = "contracts/vendor_list.html"

    prefetch_related = (
        Prefetch("parties", queryset=AgreementParty.objects.to_public("agreement").only("id", "vendor_id", "agreement_id"),
                 to_attr="public_parties"),
    )

    def extra_context(self, page):
        for vendor in page.items if page else []:
            vendor.agreement_count = len({party.agreement_id for party in vendor.public_parties})
        return {}


class VendorCsv(VendorList, RecordCsvView):
    pass


class VendorDetail(RecordDetailView):
    record_type = "vendor"
    template_name = "contracts/vendor_detail.html"

    prefetch_related = (
        Prefetch("parties", queryset=AgreementParty.objects.to_public("agreement", "agreement__awarding_agency")
                 .order_by(F("agreement__best_known_on").desc(nulls_last=True), "agreement_id", "role", "id")),
        "parties__agreement__amounts",
        Prefetch("terms", queryset=public(PublicTerm).filter(agreement__isnull=True).order_by("category", "id"),
                 to_attr="public_policies"),
        CITATIONS,
    )

    def extra_context(self, record):
        agreements = public_agreements_of(record.parties.all())
        return {"agreements": agreements, "totals": amount_totals(agreement for agreement, _ in agreements)}


class AgencyList(RecordListView):
    record_type = "agency"
    filterset_class = filters.AgencyFilterSet
    template_name = "contracts/agency_list.html"
    select_related = ("parent",)
    prefetch_related = (
        Prefetch("awarded_agreements", queryset=Agreement.objects.public().only("id", "awarding_agency_id"),
                 to_attr="public_awarded"),
    )


class AgencyCsv(AgencyList, RecordCsvView):
    pass


class AgencyDetail(RecordDetailView):
    record_type = "agency"
    template_name = "contracts/agency_detail.html"
    select_related = ("parent",)

    prefetch_related = (
        Prefetch("sub_agencies", queryset=public(Agency).order_by("name", "id"), to_attr="public_sub_agencies"),
        Prefetch("awarded_agreements", queryset=public(Agreement).prefetch_related("amounts")
                 .order_by(F("best_known_on").desc(nulls_last=True), "id"), to_attr="public_awarded"),
        Prefetch("participations", queryset=AgreementAgency.objects.to_public("agreement", "agreement__awarding_agency")
                 .order_by(F("agreement__best_known_on").desc(nulls_last=True), "id")),
        Prefetch("terms", queryset=public(PublicTerm).filter(agreement__isnull=True).order_by("category", "id"),
                 to_attr="public_policies"),
        CITATIONS,
    )

    def extra_context(self, record):
        return {"participating": [link.agreement for link in record.participations.all()],
                "totals": amount_totals(record.public_awarded)}
