"""Core pages: home, health checks, sources, search and about."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db import DatabaseError, connection
from django.db.models import Count, F, Prefetch, Window
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from registry.feeds import records_of
from registry.filters import SourceFilterSet
from registry.interchange import by_name, record_types
from registry.models import ChangeLog, Citation, HistoricalLink
from registry.pages import RecordCsvView, RecordDetailView, RecordListView
from registry.search import clean_query, highlight, mentions, parse_query, search, search_query

# The order in which the home page lists what the registry holds.
HOME_ORDER = ["agreement", "term", "addendum-marker", "designation", "testing-disclosure", "event",
              "vendor", "agency", "source"]


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        types = sorted(record_types(), key=lambda t: HOME_ORDER.index(t.name))
        context["counts"] = [(t, t.model.objects.public().count()) for t in types]
        context["latest_changes"] = changes_with_titles(ChangeLog.objects.public().order_by("-public_id")[:10])
        # The designations FilterSet owns what "in effect" means; the home page asks it, by name, so the
        # core app does not import the disclosures app.
        designation_filters = import_string("disclosures.filters.DesignationFilterSet")
        today = timezone.now().date().isoformat()
        in_effect = designation_filters({"in_effect_on": today}, queryset=by_name("designation").model.objects.public())
        context["designations_in_effect"] = list(in_effect.qs.select_related("vendor", "issuing_agency")[:10])
        context["latest_testing"] = list(by_name("testing-disclosure").model.objects.public().select_related("agency")
                                         .order_by(F("disclosed_on").desc(nulls_last=True), "-id")[:5])
        context["today"] = today
        return context


def changes_with_titles(changes):
    """Change rows with their record (title, URL), one query per record type present."""
    changes = list(changes)
    records = records_of(changes)
    for change in changes:
        change.record = records.get((change.record_type, change.slug))
    return changes


@never_cache
def healthz(request):
    """The process is up; says nothing about the database (that is /readyz)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Ready to serve: the database answers. 503 with a JSON reason otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse({"status": "unavailable", "reason": f"database unreachable: {error}"}, status=503)
    return JsonResponse({"status": "ok"})


class SourceList(RecordListView):
    record_type = "source"
    filterset_class = SourceFilterSet
    template_name = "registry/source_list.html"


class SourceCsv(SourceList, RecordCsvView):
    pass


# The parents shown beside a citing term or marker (and checked for visibility).
CITING_PARENTS = {"term": ("agreement", "agency", "vendor"), "addendum-marker": ("agreement",)}


class SourceDetail(RecordDetailView):
    record_type = "source"
    template_name = "registry/source_detail.html"
    # A source's own ``citations`` are the citations that cite it (loaded once, also for the view's
    # ``numbered_citations``).
    prefetch_related = (Prefetch("citations", queryset=Citation.objects.select_related("target_type")
                                 .order_by("target_type_id", "target_id", "position", "id")),)

    def extra_context(self, record):
        """Every public record citing this source, each with its claims and quotes, grouped by record.

        One query per type of record cited (at most one per record type), whatever the number of records.
        """
        citations = list(record.citations.all())
        ids_by_type = {}
        for citation in citations:
            ids_by_type.setdefault(citation.target_type, set()).add(citation.target_id)
        records = {}
        for content_type, ids in ids_by_type.items():
            model = content_type.model_class()
            if model is None or not hasattr(model.objects, "public"):
                continue
            parents = CITING_PARENTS.get(getattr(model, "record_type", None), ())
            for target in model.objects.public().select_related(*parents).filter(pk__in=ids):
                records[(content_type.pk, target.pk)] = target
        citing = {}
        for citation in citations:
            target = records.get((citation.target_type_id, citation.target_id))
            if target is not None:
                citing.setdefault(target, []).append(citation)
        rows = [{"record": target, "kind": target._meta.verbose_name.capitalize(), "citations": cited}
                for target, cited in citing.items()]
        return {
            "citing": sorted(rows, key=lambda row: (row["kind"], str(row["record"]).lower())),
            "citation_count": sum(len(cited) for cited in citing.values()),
        }


# --- search and about pages ---
# (Imported here so that this part of the file can be edited apart from the part above.)




SEARCH_RESULTS_PER_TYPE = 10


@dataclass
class SearchHit:
    record: object
    title: str  # escaped, with <mark>
    excerpt: str  # escaped, with <mark>


@dataclass
class SearchGroup:
    record_type: object
    count: int
    hits: list


def searchable_text(record, field_name):
    value = getattr(record, field_name)
    if isinstance(value, list):  # aliases
        return "Also known as " + "; ".join(str(v) for v in value) if value else ""
    return str(value or "")


def search_excerpt(record, query, words):
    """The first searched field (after the title) that holds a searched word, else the first non-empty one."""
    title_field = "title" if "title" in record.search_fields else "name"
    texts = [(f, searchable_text(record, f)) for f in record.search_fields if f != title_field]
    found = next((text for _, text in texts if mentions(text, query)), None)  # whole words
    if found is None:  # the match is in the title, or a stem only PostgreSQL saw: describe, skip registry notes
        found = next((text for f, text in texts if text and f != "notes"), "")
    return highlight(found, query)


class SearchView(TemplateView):
    """One search box over every public record type, grouped by type: the first ten of each."""

    template_name = "registry/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = clean_query(self.request.GET.get("q", ""))
        groups = parse_query(query)
        words = [term.text for group in groups for term in group if not term.negated]
        results = []
        if groups:
            for record_type in sorted(record_types(), key=lambda t: HOME_ORDER.index(t.name)):
                results.append(self.search_type(record_type, query, groups, words))
        context.update(query=query, searched=bool(groups), results=results,
                       total=sum(group.count for group in results),
                       matched=[group for group in results if group.count])
        return context

    def search_type(self, record_type, query, groups, words):
        """One query per type: the first ten matches, each carrying the total count."""
        found = search(record_type.model.objects.public(), query).annotate(total=Window(Count("pk")))
        if connection.vendor == "postgresql":
            found = found.annotate(rank=SearchRank(F("search_document"), search_query(groups)))
            found = found.order_by("-rank", "-updated_at", "id")
        else:
            found = found.order_by("-updated_at", "id")
        records = list(found[:SEARCH_RESULTS_PER_TYPE])
        hits = [SearchHit(record, highlight(str(record), query, width=300), search_excerpt(record, query, words))
                for record in records]
        return SearchGroup(record_type, records[0].total if records else 0, hits)


class AboutView(TemplateView):
    template_name = "registry/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = by_name("agreement").model.objects.public().order_by("id").first()
        context.update(
            vocabularies=vocabularies(), shared=shared_vocabularies(), example=agreement,
            data_license=settings.DATA_LICENSE, code_license=settings.CODE_LICENSE,
            contact_email=getattr(settings, "CONTACT_EMAIL", ""),
            today=timezone.now().date(),
        )
        return context


class AboutDataView(TemplateView):
    template_name = "registry/about_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(types=sorted(record_types(), key=lambda t: HOME_ORDER.index(t.name)),
                       data_license=settings.DATA_LICENSE)
        return context


class AboutApiView(AboutDataView):
    template_name = "registry/about_api.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(base=self.request.build_absolute_uri("/api/v1/").rstrip("/"), rates=settings.API_RATES)
        return context


# Vocabulary, generated from the models so that the methodology page never drifts from them.
# Fields every record shares are explained once, in their own sections.
SHARED_CHOICE_FIELDS = ("confidence",)

# A sentence more for the values whose label alone does not say enough. Keys must be real values:
# tests/registry/test_about.py checks them against the models.
MEANINGS = {
    ("contracts.publicterm", "effect", "prohibits"): "The term forbids the use described.",
    ("contracts.publicterm", "effect", "restricts"): "The term allows the use only within limits or with conditions.",
    ("contracts.publicterm", "effect", "permits"): "The term expressly allows the use.",
    ("contracts.publicterm", "effect", "requires"): "The term obliges a party to do something.",
    ("contracts.publicterm", "effect", "silent"): "A public text on the subject exists and says nothing either way. "
    "Different from having no term at all: the agreements filter's “no current term in that category” "
    "means no term is recorded.",
    ("contracts.publicterm", "effect", "unclear"): "The sources disagree, or the wording can be read more than one way.",
    ("contracts.publicterm", "text_form", "verbatim"): "The exact words of the term, quoted from a source.",
    ("contracts.publicterm", "text_form", "paraphrase"): "The registry's faithful summary; the exact words are not public.",
    ("contracts.publicterm", "binding", "contract_clause"): "Written in the agreement itself.",
    ("contracts.publicterm", "binding", "incorporated_policy"): "A policy the agreement incorporates by reference.",
    ("contracts.publicterm", "binding", "side_letter"): "A separate written undertaking between the parties.",
    ("contracts.publicterm", "binding", "official_statement"): "Said publicly by the agency; not shown to be in the "
    "agreement.",
    ("contracts.publicterm", "binding", "vendor_statement"): "Said publicly by the vendor; not shown to be in the "
    "agreement.",
    ("contracts.publicterm", "binding", "reported"): "Reported by others; neither party's words are public.",
    ("contracts.publicterm", "status", "requested_and_refused"): "One party asked for the term and the other refused it.",
    ("contracts.publicterm", "status", "superseded"): "Replaced by a later term, which names it.",
    ("contracts.classifiedaddendummarker", "existence", "inferred"): "Deduced by the registry from public documents; "
    "no source says so outright.",
    ("contracts.classifiedaddendummarker", "existence", "neither_confirmed_nor_denied"): "Officials were asked and "
    "would neither confirm nor deny.",
    ("contracts.classifiedaddendummarker", "existence", "denied"): "A party has denied that such a part exists; the "
    "marker is kept because sources reported it.",
    ("contracts.agreement", "terms_disclosure", "full_text"): "The whole text of the agreement is public.",
    ("contracts.agreement", "terms_disclosure", "summary"): "An official summary is public, not the text.",
    ("contracts.agreement", "terms_disclosure", "partial"): "Some clauses are public.",
    ("contracts.agreement", "terms_disclosure", "none"): "Nothing of the text is public.",
    ("contracts.agreement", "federal_data_status", "not_found"): "Searched for in USAspending/FPDS and not found, as of "
    "the date shown on the agreement.",
    ("contracts.agreement", "vehicle", "ot_prototype"): "An Other Transaction agreement for a prototype "
    "(10 U.S.C. 4022), outside the Federal Acquisition Regulation.",
    ("contracts.agreement", "vehicle", "ot_production"): "A follow-on production Other Transaction.",
    ("disclosures.designation", "status", "enjoined"): "A court has ordered that it not be enforced for now.",
    ("disclosures.designation", "status", "stayed"): "Suspended pending a decision.",
    ("disclosures.designation", "status", "vacated"): "Set aside by a court.",
    ("disclosures.testingdisclosure", "confirmed_by_agency", "no"): "The agency has not confirmed it (it has not "
    "spoken, or declined to comment).",
    ("disclosures.testingdisclosure", "confirmed_by_agency", "denied"): "The agency said the testing did not happen.",
    ("disclosures.testingdisclosure", "channel", "leak"): "Documents or accounts made public without authorisation.",
    ("disclosures.eventlink", "role", "actor"): "The linked record did something in the event.",
    ("disclosures.eventlink", "role", "subject"): "The event concerns the linked record.",
}


@dataclass
class Vocabulary:
    model_label: str  # "contracts.publicterm"
    model_name: str  # "public term"
    field: str
    label: str
    help_text: str
    values: list  # (value, label, meaning)
    link_name: str = ""  # for a through-model's field: "agreement party"


def vocabulary(model, model_field, *, link=False):
    key = model._meta.label_lower
    return Vocabulary(
        model_label=key, model_name=str(model._meta.verbose_name), field=model_field.name,
        link_name=str(model._meta.verbose_name) if link else "",
        label=str(model_field.verbose_name).capitalize(), help_text=str(model_field.help_text),
        values=[(value, str(label), MEANINGS.get((key, model_field.name, value), ""))
                for value, label in model_field.choices if value != ""],
    )


def choice_fields(model):
    return [f for f in model._meta.get_fields()
            if getattr(f, "concrete", False) and f.choices and f.name not in SHARED_CHOICE_FIELDS
            and not f.name.endswith("_precision")]


def link_models(model):
    """The through-models whose changes belong to ``model`` (e.g. AgreementParty for Agreement)."""
    found = []
    for relation in model._meta.related_objects:
        link = relation.related_model
        if issubclass(link, HistoricalLink) and link.change_parent_field == relation.field.name and link not in found:
            found.append(link)
    return found


def vocabularies():
    """[(record type, [Vocabulary…])] for every record type, its fields with choices and its links' roles."""
    sections = []
    for record_type in sorted(record_types(), key=lambda t: HOME_ORDER.index(t.name)):
        model = record_type.model
        fields = [vocabulary(model, f) for f in choice_fields(model)]
        fields += [vocabulary(link, f, link=True) for link in link_models(model) for f in choice_fields(link)]
        if fields:
            sections.append((record_type, fields))
    return sections


def shared_vocabularies():
    """The choice fields every record has (confidence) and every partial date's precision."""
    source = by_name("source").model
    return {
        "confidence": vocabulary(source, source._meta.get_field("confidence")),
        "precision": vocabulary(source, source._meta.get_field("published_on_precision")),
    }
