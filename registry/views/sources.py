"""The sources' pages: their list, CSV and feed (registry/urls.py), and a source's page with every
public record citing it."""

from django.db.models import Prefetch

from registry.filters import SourceFilterSet
from registry.models import Citation
from registry.pages import RecordCsvView, RecordDetailView, RecordListView


class SourceList(RecordListView):
    record_type = "source"
    filterset_class = SourceFilterSet
    facets = ("kind", "tier", "confidence")
    template_name = "registry/source_list.html"


class SourceCsv(SourceList, RecordCsvView):
    pass


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
            # The parents shown beside a citing term or marker (its agreement, agency or vendor).
            for target in model.objects.public().select_related(*model.visibility_parents).filter(pk__in=ids):
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
