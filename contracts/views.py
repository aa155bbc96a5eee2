"""Pages for agreements, terms, classified-addendum markers, vendors and agencies.

Other apps add sections and list columns to these pages through registry/sections.py, and dated facts
to their timelines through registry/timeline.py; this module knows only its own records.
"""

import copy
import csv

from django.db.models import Count, F, Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from contracts import compare, facets, filters, matrix
from contracts.charts import vendor_agreements_by_year
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
from registry import facets as registry_facets
from registry.claims import claims_in_words
from registry.exports import CHUNK_SIZE, Addresses, Echo
from registry.models import Citation
from registry.pages import (
    PAGE_SIZE,
    RecordCsvView,
    RecordDetailView,
    RecordListView,
    filter_fields,
    filtered_page,
    numbered_citations,
    typed_records,
)

CITATIONS = "citations__source"
# The citations of an agreement's terms, for the footnotes of their verbatim words on its page.
VERBATIM_TEXT_CITATIONS = Citation.objects.select_related("source")


def public(model, *related):
    return model.objects.public().select_related(*related)


# --- agreements ---------------------------------------------------------------------------

class AgreementList(RecordListView):
    record_type = "agreement"
    filterset_class = filters.AgreementFilterSet
    facets = facets.AGREEMENT_FACETS
    template_name = "contracts/agreement_list.html"
    select_related = ("awarding_agency",)
    prefetch_related = (
        Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor").order_by("role", "id")),
        "amounts",
    )

    def extra_context(self, page):
        # The table prints how many public terms an agreement has and whether a marker exists: one GROUP BY each
        # over the page's agreements, not every term and marker row read (nor a subquery per filtered row).
        items = page.items if page else []
        ids = [agreement.pk for agreement in items]
        counts = dict(PublicTerm.objects.public().filter(agreement__in=ids).order_by().values("agreement")
                      .annotate(count=Count("pk")).values_list("agreement", "count")) if ids else {}
        marked = set(ClassifiedAddendumMarker.objects.public().filter(agreement__in=ids)
                     .values_list("agreement", flat=True)) if ids else set()
        for agreement in items:
            agreement.public_term_count = counts.get(agreement.pk, 0)
            agreement.has_public_marker = agreement.pk in marked
        # ?compare=<slug> (the "compare with…" link of an agreement's page): that agreement is pre-checked,
        # or carried in a hidden field when it is not on this page of the list
        chosen = list(dict.fromkeys(slug for slug in self.request.GET.getlist("compare") if slug))[:compare.MAX]
        shown = {agreement.slug for agreement in page.items} if page else set()
        return {"compare_chosen": chosen, "compare_hidden": [slug for slug in chosen if slug not in shown]}


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
    facets = facets.TERM_FACETS
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
    facets = facets.MARKER_FACETS
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
    facets = facets.VENDOR_FACETS
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
        return {"agreements": agreements, "totals": amount_totals(agreement for agreement, _ in agreements),
                "by_year": vendor_agreements_by_year(record)}


class AgencyList(RecordListView):
    record_type = "agency"
    filterset_class = filters.AgencyFilterSet
    facets = facets.AGENCY_FACETS
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


# --- the term matrix and the side-by-side comparison (issue 11) ---------------------------------

PARTIES = Prefetch("parties", queryset=AgreementParty.objects.select_related("vendor").order_by("role", "id"))


class TermMatrix(View):
    """Agreements × term category (contracts/matrix.py), filtered by the agreement filters the matrix takes,
    keyset-paginated; below them, the band of agencies' and vendors' own policies."""

    template_name = "contracts/term_matrix.html"

    def get_queryset(self):
        return (Agreement.objects.public().select_related("awarding_agency", "parent")
                .prefetch_related(PARTIES, matrix.terms_prefetch()))

    def get_filterset(self, request):
        return filters.TermMatrixFilterSet(request.GET, queryset=self.get_queryset(), request=request)

    def get(self, request):
        text_errors, redirect = typed_records(request, facets.MATRIX_FACETS, filters.TermMatrixFilterSet)
        if redirect:
            return redirect
        filterset = self.get_filterset(request)
        page, count, errors = filtered_page(filterset, request, PAGE_SIZE, blocked=bool(text_errors))
        groups = registry_facets.groups(facets.MATRIX_FACETS, filterset, text_errors, counted=count is not None,
                                        total=count)
        headline = None
        policies, scoped, narrowed = [], False, False
        if page is not None:
            data = filterset.form.cleaned_data
            if data.get("term_category"):
                headline = matrix.headline(data["term_category"], filterset.qs_without_highlight())
            # whether vendors or agencies were chosen (the form's validation has already read them: no query)
            scoped = bool(data.get("vendor")) or bool(data.get("agency"))
            narrowed = scoped or any(data.get(name) for name in ("status", "date_after", "date_before"))
            policies = matrix.policy_rows(vendors=data.get("vendor"), agencies=data.get("agency"))
        query = request.GET.copy()
        query.pop("cursor", None)
        others = query.copy()  # the headline's links change the highlight and keep the other filters
        for key in filters.TermMatrixFilterSet.HIGHLIGHT:
            others.pop(key, None)
        context = {
            "filterset": filterset, "page": page, "count": count, "errors": errors, "query": query.urlencode(),
            "filter_fields": filter_fields(filterset, groups), "text_errors": text_errors,
            "headline_query": others.urlencode() + "&" if others else "",
            "summary": filterset.describe(), "rows": matrix.rows(page.items) if page else [],
            "policies_scoped": scoped, "headline_narrowed": narrowed,
            "categories": PublicTerm.Category.choices, "headline": headline, "policies": policies,
            "highlight": filterset.form.cleaned_data.get("term_category") if page else None,
            "questions": [(PublicTerm.Category.DOMESTIC_SURVEILLANCE, "domestic surveillance"),
                          (PublicTerm.Category.AUTONOMOUS_WEAPONS, "autonomous weapons")],
        }
        return render(request, self.template_name, context, status=200 if page is not None and not text_errors else 400)


class TermMatrixCsv(TermMatrix):
    """Exactly the filtered matrix's rows (every page of them), streamed: one column per category, its
    effects in words. The policy band is not in it (its terms are in /terms/csv/?has_agreement=false)."""

    def get(self, request):
        filterset = self.get_filterset(request)
        if not filterset.is_valid():
            return render(request, "registry/bad_query.html", {"filterset": filterset}, status=400)
        ordering = filterset.keyset_ordering
        queryset = (self.get_queryset().filter(pk__in=filterset.qs.values("pk"))
                    .order_by(*ordering.order_by()))
        response = StreamingHttpResponse(matrix_csv_lines(queryset, Addresses.of_request(request)),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{matrix_csv_filename(filterset)}"'
        return response


def matrix_csv_lines(queryset, addresses):
    writer = csv.writer(Echo())
    yield writer.writerow(matrix.csv_headers())
    for agreement in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(matrix.csv_row(agreement, addresses))


def matrix_csv_filename(filterset):
    """'term-matrix-2026-12-06.csv', with the filters in between when there are some:
    'term-matrix-domestic-surveillance-restricts-vendor-openai-2026-12-06.csv' (at most 150 characters)."""
    data = filterset.form.cleaned_data
    parts = [data.get("term_category"), data.get("term_effect")]
    for name in ("vendor", "agency"):
        parts += [name, *(record.slug for record in data.get(name) or ())] if data.get(name) else []
    parts += ["status", *data.get("status")] if data.get("status") else []
    for name in ("date_after", "date_before"):
        if data.get(name):
            parts += [name.split("_")[1], data[name].isoformat()]
    words = "-".join(slugify(part).replace("_", "-") for part in parts if part)[:100].strip("-")
    return f"term-matrix-{words + '-' if words else ''}{timezone.localdate().isoformat()}.csv"


class AgreementCompare(View):
    """Two to four agreements side by side (contracts/compare.py); every problem with the chosen slugs is a
    400 naming it, with the form to choose again."""

    template_name = "contracts/agreement_compare.html"

    def get_queryset(self):
        return (Agreement.objects.public().select_related("awarding_agency", "parent")
                .prefetch_related(PARTIES, "participating__agency", "amounts",
                                  compare.terms_prefetch(),
                                  Prefetch("addendum_markers", queryset=public(ClassifiedAddendumMarker),
                                           to_attr="public_markers")))

    def get(self, request):
        choice = compare.choose(request.GET.getlist("a"), self.get_queryset())
        context = {"choice": choice, "slots": compare.slots(choice.slugs)}
        if choice.errors:
            return render(request, self.template_name, context, status=400)
        context.update(categories=compare.category_rows(choice.agreements),
                       permalink=request.build_absolute_uri(choice.permalink))
        return render(request, self.template_name, context)
