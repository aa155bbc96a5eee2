"""The about pages: the methodology with the vocabulary generated from the models (and what each
app's record types say their values mean) and the API guide. The data page is registry/views/data.py."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.views.generic import TemplateView

from registry.freshness import research_cutoff
from registry.interchange import by_name, in_page_order
from registry.models import HistoricalLink, Source
from registry.vocabulary import TIER_MEANINGS


class AboutView(TemplateView):
    template_name = "registry/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The citation example: the first record of the type the pages list first (agreements).
        example = in_page_order()[0].model.objects.public().order_by("id").first()
        context.update(
            vocabularies=vocabularies(), shared=shared_vocabularies(), example=example,
            data_license=settings.DATA_LICENSE, code_license=settings.CODE_LICENSE,
            contact_email=getattr(settings, "CONTACT_EMAIL", ""),
            today=timezone.now().date(), cutoff=research_cutoff(),
            source_tiers=[(value, TIER_MEANINGS[value]) for value in Source.Tier.values],
        )
        return context


class AboutApiView(TemplateView):
    template_name = "registry/about_api.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(types=in_page_order(), data_license=settings.DATA_LICENSE,
                       base=self.request.build_absolute_uri("/api/v1/").rstrip("/"), rates=settings.API_RATES,
                       submission_limits={"max_payload_kib": settings.SUBMISSION_MAX_PAYLOAD_BYTES // 1024,
                                          "daily_quota": settings.SUBMISSION_DAILY_QUOTA,
                                          "max_sources": settings.SUBMISSION_MAX_SOURCES})
        return context


# Vocabulary, generated from the models so that the methodology page never drifts from them.
# Fields every record shares are explained once, in their own sections.
SHARED_CHOICE_FIELDS = ("confidence",)

@dataclass
class Vocabulary:
    model_label: str  # "contracts.publicterm"
    model_name: str  # "public term"
    field: str
    label: str
    help_text: str
    values: list  # (value, label, meaning)
    link_name: str = ""  # for a through-model's field: "agreement party"


def vocabulary(model, model_field, *, link=False, meanings=None):
    """A choice field's values, labels and (from its record type's ``meanings``) what they mean."""
    key = model._meta.label_lower
    meanings = (meanings or {}).get(model, {}).get(model_field.name, {})
    return Vocabulary(
        model_label=key, model_name=str(model._meta.verbose_name), field=model_field.name,
        link_name=str(model._meta.verbose_name) if link else "",
        label=str(model_field.verbose_name).capitalize(), help_text=str(model_field.help_text),
        values=[(value, str(label), meanings.get(value, ""))
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
    for record_type in in_page_order():
        model, meanings = record_type.model, record_type.meanings
        fields = [vocabulary(model, f, meanings=meanings) for f in choice_fields(model)]
        fields += [vocabulary(link, f, link=True, meanings=meanings)
                   for link in link_models(model) for f in choice_fields(link)]
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
