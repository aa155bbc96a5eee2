from django.contrib import admin
from django.db import models
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from registry.admin_base import LinkAdmin, RecordAdmin
from registry.models import ApiToken, ChangeLog, Citation, Membership, Organization, Source, Submission


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ("title", "publisher", "kind", "published_on", "verified", "confidence", "retracted_at")
    list_filter = ("kind", "tier", "verified", "title_reconstructed")
    search_fields = ("title", "publisher", "url", "canonical_url", "slug")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Citation)
class CitationAdmin(LinkAdmin):
    list_display = ("source", "target_type", "target_id", "claims", "quote")
    list_filter = ("target_type",)
    search_fields = ("quote", "source__title", "source__url")
    autocomplete_fields = ("source",)
    list_select_related = ("source", "target_type")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "status", "credited_publicly", "requested_at", "decided_by")
    readonly_fields = ("requested_at", "decided_by")


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "website", "status", "created_at", "verified_at")
    list_filter = ("status",)
    search_fields = ("name", "slug")
    readonly_fields = ("created_by", "verified_by", "verified_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status != Organization.Status.PENDING:
            obj.verified_by, obj.verified_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "organization", "role", "status", "credited_publicly", "requested_at")
    list_filter = ("status", "role", "credited_publicly")
    autocomplete_fields = ("user", "organization")
    readonly_fields = ("decided_by",)


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ("id", "kind", "record_type", "target_slug", "status", "organization", "submitted_at")
    list_filter = ("status", "kind", "record_type")
    search_fields = ("target_slug", "rationale", "decision_reason")
    raw_id_fields = ("submitted_by", "reviewer")
    readonly_fields = ("submitted_at",)

    def has_delete_permission(self, request, obj=None):
        return False  # every decision is kept


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    """The change log is written only by the write path; here it is read."""

    list_display = ("id", "at", "record_type", "slug", "action", "credited_to", "user", "reason")
    list_filter = ("action", "record_type")
    search_fields = ("slug", "reason")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py create_token` (the key is shown once); here they are seen and revoked."""

    list_display = ("name", "user", "prefix", "tier", "created_at", "last_used_at", "revoked_at")
    list_filter = ("tier",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "tier", *readonly_fields)
    actions = ["revoke_selected"]
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False  # a key must be shown once: create_token prints it

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the record of who held it stays

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token(s).")
