"""What every editors' admin shares: a change reason on every edit, every save through the
write path, no deletes (retract with a reason instead), history, and a visibility filter."""

import sys
from contextlib import ExitStack

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from registry.models import Citation
from registry.services import apply_change, change_set, retract

REASON_HELP = "Why you are making this change. It is kept in the record's history and the public change log."


class ChangeReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change", max_length=500, widget=forms.TextInput(attrs={"size": 80}),
        help_text=REASON_HELP,
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the retraction", widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Shown on the record's page and in the change feed. Required.",
    )


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("public", "Public"), ("draft", "Draft (unpublished)"), ("retracted", "Retracted")]

    def queryset(self, request, queryset):
        if self.value() == "public":
            return queryset.public()
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True, retracted_at__isnull=True)
        if self.value() == "retracted":
            return queryset.retracted()
        return queryset


class WritePathAdminMixin:
    """Every save goes through apply_change inside one change_set per admin request."""

    form = ChangeReasonForm

    def save_model(self, request, obj, form, change):
        stack = ExitStack()
        stack.enter_context(change_set(user=request.user, reason=form.cleaned_data["change_reason"]))
        request._registry_change = stack
        apply_change(obj)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            apply_change(obj)
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._finish_change(request, None)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        finally:
            self._finish_change(request, sys.exc_info())

    @staticmethod
    def _finish_change(request, exc_info):
        stack = request.__dict__.pop("_registry_change", None)
        if stack is not None:
            stack.__exit__(*(exc_info or (None, None, None)))

    def has_delete_permission(self, request, obj=None):
        return False  # public records are retracted, never deleted

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class RecordAdmin(WritePathAdminMixin, SimpleHistoryAdmin):
    """Admin for a public record: list columns, visibility filter, retract action, history."""

    actions = ["retract_selected"]
    readonly_fields = ("created_at", "updated_at", "retracted_at", "retraction_reason")
    list_per_page = 50
    date_hierarchy = None

    def get_list_filter(self, request):
        return (VisibilityFilter, "confidence", *self.list_filter)

    @admin.action(description="Retract selected records (asks for a reason)", permissions=["change"])
    def retract_selected(self, request, queryset):
        already = [record for record in queryset if record.retracted_at]
        to_retract = [record for record in queryset if not record.retracted_at]
        form = RetractForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            with change_set(user=request.user, reason=f"retracted: {reason}"):
                for record in to_retract:
                    retract(record, user=request.user, reason=reason)
            self.message_user(request, f"Retracted {len(to_retract)} record(s).", messages.SUCCESS)
            if already:
                self.message_user(request, f"{len(already)} record(s) were already retracted.", messages.WARNING)
            return None
        return TemplateResponse(request, "admin/retract_confirmation.html", {
            **self.admin_site.each_context(request),
            "title": "Retract records",
            "opts": self.model._meta,
            "records": to_retract,
            "already_retracted": already,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        })


class LinkAdmin(WritePathAdminMixin, SimpleHistoryAdmin):
    """Admin for a through-model edited on its own page (usually it is edited inline)."""


class CitationFormSet(BaseGenericInlineFormSet):
    """A published record needs at least one citation: say so on the form, not with an error page."""

    def clean(self):
        super().clean()
        if getattr(self.instance, "published_at", None) is None:
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError("A published record needs at least one citation: a source and an exact quote.")


class CitationInline(GenericTabularInline):
    model = Citation
    ct_field = "target_type"
    ct_fk_field = "target_id"
    formset = CitationFormSet
    fields = ("source", "quote", "locator", "claim", "position")
    autocomplete_fields = ("source",)
    extra = 1
    can_delete = False


class NoDeleteInline(admin.TabularInline):
    can_delete = False
    extra = 0

