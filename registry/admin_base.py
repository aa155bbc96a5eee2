"""What every editors' admin shares: a change reason on every edit, every save through the
write path, no deletes (retract with a reason instead), history, and a visibility filter."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from registry.models import Citation
from registry.services import RESERVED_SLUGS, apply_change, change_set, retract

REASON_HELP = "Why you are making this change. It is kept in the record's history and the public change log."


class StableSlugForm(forms.ModelForm):
    """A published record's slug is in public URLs, the change feed and other registries' links: it
    never changes. A draft's slug may still be corrected."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:  # the write path refuses it too; said here, on the field
            raise ValidationError("“%(slug)s” is reserved: it is the address of a page. Choose another slug.",
                                  params={"slug": slug}, code="slug_reserved")
        stored = self.instance
        if stored.pk and stored.published_at and slug != stored.slug:
            raise ValidationError(
                "A published record's slug never changes (it is in public links); it stays “%(slug)s”.",
                params={"slug": stored.slug}, code="slug_changed",
            )
        return slug


class ChangeReasonForm(StableSlugForm):
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
            return queryset.drafts()
        if self.value() == "retracted":
            return queryset.retracted()
        return queryset


class WritePathAdminMixin:
    """Every save goes through apply_change, in one change set per admin request.

    The admin calls ``save_model`` and then ``save_related``; the record and all its inline parts are
    written in ``save_related``, inside one ``with change_set(...)`` block: one transaction, history
    rows with who and why, one ChangeLog row for the record however many parts changed. When the
    write path refuses after the forms validated (e.g. a published part without a citation), the
    whole request is rolled back and the same form is shown again with the refusal as its error.
    """

    form = ChangeReasonForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        pass  # saved in save_related, together with its inline parts, in one change set

    def save_related(self, request, form, formsets, change):
        with change_set(user=request.user, reason=form.cleaned_data["change_reason"]):
            save_through_write_path(form.instance)
            form.save_m2m()
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):  # inlines cannot delete: nothing else to do
            save_through_write_path(obj)
        formset.save_m2m()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # Raised by the write path after the forms were valid; Django's transaction around the
            # view has rolled everything back. Show the same form again, saying why.
            if request.method != "POST" or hasattr(request, "_write_path_refusal"):
                raise
            request._write_path_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_write_path_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                super().clean()
                raise ValidationError(refusal.messages)

        return RefusedForm

    # Reverting to an old version from the history page would save the whole old row (including
    # its retraction state) without its parts and outside one change set: editors edit instead.
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Reverting is disabled: edit the record, giving a reason.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # public records are retracted, never deleted

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def save_through_write_path(obj):
    """Save a record or part; a part moved to another record also changes the record it left."""
    old_parent = None
    if not obj._state.adding and obj.pk is not None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        old_parent = stored.change_parent if stored is not None else None
    apply_change(obj)
    if old_parent is not None and old_parent != obj.change_parent:
        apply_change(old_parent)  # logs it as updated, and checks it still has a citation if published


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
            try:
                with change_set(user=request.user, reason=f"retracted: {reason}"):
                    for record in to_retract:
                        retract(record, user=request.user, reason=reason)
            except ValidationError as refusal:  # rolled back: nothing was retracted
                self.message_user(request, "Nothing was retracted: " + " ".join(refusal.messages), messages.ERROR)
                return None
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
    fields = ("source", "quote", "locator", "claims", "position")
    autocomplete_fields = ("source",)
    extra = 1
    can_delete = False


class NoDeleteInline(admin.TabularInline):
    form = StableSlugForm  # terms and markers edited inline keep their published slugs too
    can_delete = False
    extra = 0

