from django.contrib import admin

from disclosures.models import (
    Designation,
    DesignationAgreement,
    DesignationRelation,
    Event,
    EventLink,
    TestingDisclosure,
    TestingDisclosureAgreement,
    TestingDisclosureVendor,
)
from registry.admin_base import CitationInline, LinkAdmin, NoDeleteInline, RecordAdmin


class AffectedAgreementInline(NoDeleteInline):
    model = DesignationAgreement
    autocomplete_fields = ("agreement",)


class RelatedDesignationInline(NoDeleteInline):
    model = DesignationRelation
    fk_name = "designation"
    autocomplete_fields = ("related",)


class TestedVendorInline(NoDeleteInline):
    model = TestingDisclosureVendor
    autocomplete_fields = ("vendor",)
    extra = 1


class TestedAgreementInline(NoDeleteInline):
    model = TestingDisclosureAgreement
    autocomplete_fields = ("agreement",)


class EventLinkInline(NoDeleteInline):
    model = EventLink
    fk_name = "event"
    autocomplete_fields = ("agency", "vendor", "agreement", "term", "addendum_marker", "designation",
                           "testing_disclosure", "related_event")
    extra = 1


@admin.register(Designation)
class DesignationAdmin(RecordAdmin):
    list_display = ("title", "vendor", "kind", "status", "announced_on", "issuing_agency", "confidence",
                    "published_at", "retracted_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "authority_cited", "scope", "slug", "vendor__name")
    autocomplete_fields = ("vendor", "issuing_agency")
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("vendor", "issuing_agency")
    inlines = [AffectedAgreementInline, RelatedDesignationInline, CitationInline]


@admin.register(TestingDisclosure)
class TestingDisclosureAdmin(RecordAdmin):
    list_display = ("title", "agency", "test_kind", "tested_from", "disclosed_on", "channel",
                    "confirmed_by_agency", "confidence", "published_at")
    list_filter = ("test_kind", "channel", "confirmed_by_agency")
    search_fields = ("title", "summary", "models_tested", "slug")
    autocomplete_fields = ("agency",)
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("agency",)
    inlines = [TestedVendorInline, TestedAgreementInline, CitationInline]


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ("title", "kind", "occurred_on", "court", "case_number", "confidence", "published_at")
    list_filter = ("kind",)
    search_fields = ("title", "summary", "case_number", "court", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [EventLinkInline, CitationInline]


@admin.register(DesignationAgreement)
class DesignationAgreementAdmin(LinkAdmin):
    list_display = ("designation", "agreement", "note")
    autocomplete_fields = ("designation", "agreement")
    list_select_related = ("designation", "agreement")


@admin.register(DesignationRelation)
class DesignationRelationAdmin(LinkAdmin):
    list_display = ("designation", "related")
    autocomplete_fields = ("designation", "related")
    list_select_related = ("designation", "related")


@admin.register(TestingDisclosureVendor)
class TestingDisclosureVendorAdmin(LinkAdmin):
    list_display = ("disclosure", "vendor")
    autocomplete_fields = ("disclosure", "vendor")
    list_select_related = ("disclosure", "vendor")


@admin.register(TestingDisclosureAgreement)
class TestingDisclosureAgreementAdmin(LinkAdmin):
    list_display = ("disclosure", "agreement")
    autocomplete_fields = ("disclosure", "agreement")
    list_select_related = ("disclosure", "agreement")


@admin.register(EventLink)
class EventLinkAdmin(LinkAdmin):
    list_display = ("event", "role", "target")
    list_filter = ("role",)
    autocomplete_fields = ("event", "agency", "vendor", "agreement", "term", "addendum_marker", "designation",
                           "testing_disclosure", "related_event")
    list_select_related = ("event", "agency", "vendor", "agreement", "designation")
