"""The moderators' forms: the queue's filters and the three decisions (approve, request changes, reject).

The forms only read what the moderator typed; every rule of a decision lives in ``submissions.services``,
whose ``SubmissionInvalid`` errors are put back on the form's fields by ``add_engine_errors``."""

import datetime

from django import forms
from django.core.validators import validate_slug
from django.utils import timezone

from registry.interchange import in_page_order
from registry.models import Organization, Submission
from submissions.services import REJECTION_CODES

AGES = {"1": 1, "7": 7, "30": 30}  # "older than N days"
CONFIDENCE_CHOICES = [("high", "High"), ("medium", "Medium"), ("low", "Low")]


class QueueFilterForm(forms.Form):
    """The queue's filters: every one optional; an unknown value is a form error (no results until fixed)."""

    record_type = forms.ChoiceField(required=False, label="Record type")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Submission.Kind.choices])
    organization = forms.ModelChoiceField(required=False, queryset=Organization.objects.all(),
                                          to_field_name="slug", empty_label="Any organisation", label="Organisation")
    age = forms.ChoiceField(required=False, label="Waiting", choices=[
        ("", "Any time"), *[(key, f"More than {days} day{'s' if days > 1 else ''}") for key, days in AGES.items()]])
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Any type")] + [(t.name, t.label) for t in in_page_order()]

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("record_type"):
            queryset = queryset.filter(record_type=data["record_type"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("organization"):
            queryset = queryset.filter(organization=data["organization"])
        if data.get("age"):
            queryset = queryset.filter(submitted_at__lte=timezone.now() - datetime.timedelta(days=AGES[data["age"]]))
        return queryset


class DecisionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000,
                              help_text="The submitter reads it, in the email and on their submission's page.")

    def add_engine_errors(self, errors):
        """``SubmissionInvalid.errors`` ({"message": [...], "payload.title": [...]}) on the form."""
        for where, messages in errors.items():
            field = {"reason_code": "reason_code"}.get(where, where)
            for message in messages:
                if field in self.fields:
                    self.add_error(field, message)
                else:
                    self.add_error(None, f"{where}: {message}")


class ApproveForm(DecisionForm):
    """Approve. A new record: the slug and the confidence; a correction or retraction: the public notice.
    When the record changed since the submission was written, the moderator confirms having compared the
    three versions; the confirmation names the record's history id the page showed."""

    slug = forms.SlugField(required=False, max_length=120, validators=[validate_slug],
                           help_text="The new record's address: lowercase letters, digits and hyphens.")
    confidence = forms.ChoiceField(required=False, choices=CONFIDENCE_CHOICES, widget=forms.RadioSelect,
                                   initial="medium")
    notice_text = forms.CharField(required=False, max_length=20_000, label="Public notice",
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="Shown on the record's page and in /corrections/.")
    compared = forms.BooleanField(required=False, label="I have compared the three versions")
    confirmed_history_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, submission, stale=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        if submission.kind == Submission.Kind.CREATE:
            del self.fields["notice_text"]
            self.fields["slug"].required = True
            self.fields["confidence"].required = True
        else:
            del self.fields["slug"], self.fields["confidence"]
            if submission.kind == Submission.Kind.UPDATE:
                del self.fields["notice_text"]
            else:  # the moderator's own public words: the submitter's rationale is not public
                self.fields["notice_text"].required = True
        if not stale:
            del self.fields["compared"], self.fields["confirmed_history_id"]

    def engine_arguments(self):
        data = self.cleaned_data
        confirmed = data.get("confirmed_history_id") if data.get("compared") else None
        return {"message": data["message"], "slug": data.get("slug") or None,
                "confidence": data.get("confidence") or "medium", "notice_text": data.get("notice_text") or "",
                "confirmed_history_id": confirmed}


class ChangesForm(DecisionForm):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000,
                              help_text="What should change: the submitter may revise the submission and send it again.")


class RejectForm(DecisionForm):
    reason_code = forms.ChoiceField(label="Reason", widget=forms.RadioSelect,
                                    choices=[(code, f"{code}: {meaning}") for code, meaning in REJECTION_CODES.items()])
