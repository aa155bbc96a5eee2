from django.contrib import admin

from contracts.models import (
    Agency,
    Agreement,
    AgreementAgency,
    AgreementAmount,
    AgreementParty,
    ClassifiedAddendumMarker,
    PublicTerm,
    Vendor,
)
from registry.admin_base import CitationInline, LinkAdmin, NoDeleteInline, RecordAdmin


class PartyInline(NoDeleteInline):
    model = AgreementParty
    autocomplete_fields = ("vendor",)
    extra = 1


class ParticipatingAgencyInline(NoDeleteInline):
    model = AgreementAgency
    autocomplete_fields = ("agency",)


class AmountInline(NoDeleteInline):
    """Reported amounts other than the ceiling and obligation fields, each typed by its kind."""

    model = AgreementAmount
    fields = ("kind", "amount", "currency", "as_of_on", "as_of_on_precision", "note", "position")
    extra = 0


class TermInline(NoDeleteInline):
    """Terms added here start as drafts: publish them on their own page, with their citations."""

    model = PublicTerm
    fk_name = "agreement"
    fields = ("slug", "title", "category", "effect", "text", "text_form", "binding", "status", "published_at")
    readonly_fields = ("published_at",)
    show_change_link = True


class MarkerInline(NoDeleteInline):
    """Markers added here start as drafts: publish them on their own page, with their citations."""

    model = ClassifiedAddendumMarker
    fields = ("slug", "title", "existence", "classification", "described_subject", "published_at")
    readonly_fields = ("published_at",)
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(RecordAdmin):
    list_display = ("name", "acronym", "kind", "parent", "usaspending_code", "confidence", "published_at",
                    "retracted_at")
    list_filter = ("kind", "country")
    search_fields = ("name", "acronym", "aliases", "slug", "usaspending_code")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    inlines = [CitationInline]


@admin.register(Vendor)
class VendorAdmin(RecordAdmin):
    list_display = ("name", "kind", "uei", "cage_code", "confidence", "published_at", "retracted_at")
    list_filter = ("kind", "country")
    search_fields = ("name", "aliases", "uei", "cage_code", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]


@admin.register(Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ("title", "awarding_agency", "vehicle", "status", "best_known_on", "ceiling_amount",
                    "confidence", "published_at", "retracted_at")
    list_filter = ("status", "vehicle", "terms_disclosure", "federal_data_status")
    search_fields = ("title", "summary", "piid", "usaspending_award_id", "slug", "parties__vendor__name")
    autocomplete_fields = ("awarding_agency", "parent")
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("awarding_agency",)
    inlines = [PartyInline, ParticipatingAgencyInline, AmountInline, TermInline, MarkerInline, CitationInline]


@admin.register(PublicTerm)
class PublicTermAdmin(RecordAdmin):
    list_display = ("title", "agreement", "category", "effect", "binding", "status", "confidence", "published_at")
    list_filter = ("category", "effect", "binding", "status", "text_form")
    search_fields = ("title", "text", "slug", "agreement__title")
    autocomplete_fields = ("agreement", "agency", "vendor", "supersedes")
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("agreement",)
    inlines = [CitationInline]


@admin.register(ClassifiedAddendumMarker)
class ClassifiedAddendumMarkerAdmin(RecordAdmin):
    list_display = ("title", "agreement", "existence", "classification", "confidence", "published_at")
    list_filter = ("existence", "classification")
    search_fields = ("title", "described_subject", "slug", "agreement__title")
    autocomplete_fields = ("agreement",)
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("agreement",)
    inlines = [CitationInline]


@admin.register(AgreementParty)
class AgreementPartyAdmin(LinkAdmin):
    list_display = ("agreement", "vendor", "role")
    list_filter = ("role",)
    autocomplete_fields = ("agreement", "vendor")
    list_select_related = ("agreement", "vendor")


@admin.register(AgreementAgency)
class AgreementAgencyAdmin(LinkAdmin):
    list_display = ("agreement", "agency")
    autocomplete_fields = ("agreement", "agency")
    list_select_related = ("agreement", "agency")
