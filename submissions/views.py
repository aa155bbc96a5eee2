"""The submitter's pages: propose a new record, a correction, an update or a retraction (a form, a
preview, then send), and follow one's submissions (/submissions/, /submissions/<id>/).

Every page needs a login; every form is a plain POST with its CSRF token and works without
JavaScript. Nothing is stored until "Send" on the preview, and then only through
``submissions.services`` (which checks everything again).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from registry.interchange import record_types
from registry.models import Submission
from registry.write_serializers import to_interchange
from submissions import services
from submissions.diff import display, field_diff
from submissions.duplicates import likely_duplicates
from submissions.forms import (
    SOURCE_ROWS,
    SubmissionMetaForm,
    attach_errors,
    record_form_class,
    source_formset,
    source_initial,
)
from submissions.validation import QuotaExceeded, SubmissionInvalid, validate_submission

LOGIN_URL = "/account/login/"
signed_in = login_required(login_url=LOGIN_URL)

KIND_SAYS = {
    Submission.Kind.CREATE: "Propose a record the registry does not hold yet.",
    Submission.Kind.CORRECTION: "A correction says the record was wrong: it never was as it says. Give the "
                                "sources that show what is right.",
    Submission.Kind.UPDATE: "An update says the world changed: the record was right, but something happened "
                            "since (a new status, an amount, a date). Give the sources that report the change.",
    Submission.Kind.RETRACTION: "A retraction says the record should not be in the registry at all (it was never "
                                "true, or not public). Say why and give the sources that show it.",
}


def type_at(path):
    for record_type in record_types():
        if record_type.path == path:
            return record_type
    raise Http404("No such record type.")


def record_url(record_type, slug):
    return f"/{record_type.path}/{slug}/"


class Draft:
    """One submission being written: its forms, bound to a POST or starting from values."""

    def __init__(self, request, *, record_type, kind, target=None, revising=None, data=None, initial=None,
                 source_rows=None, meta_initial=None):
        self.request, self.record_type, self.kind = request, record_type, kind
        self.target, self.revising = target, revising
        self.current = to_interchange(target) if target is not None else None
        form_class = record_form_class(record_type)
        with_claims = kind != Submission.Kind.RETRACTION
        self.record_form = None
        if kind != Submission.Kind.RETRACTION:
            self.record_form = form_class(data=data, initial=initial or {})
        self.formset = source_formset(record_type, data=data, initial=source_rows,
                                      rows=max(SOURCE_ROWS, len(source_rows or ())), with_claims=with_claims)
        self.meta_form = SubmissionMetaForm(data=data, initial=meta_initial or {}, user=request.user)
        if revising is not None:
            del self.meta_form.fields["organization"]
        self.unmapped = []
        self.payload, self.sources, self.rows = {}, [], []

    def forms(self):
        return [form for form in (self.record_form, self.meta_form) if form is not None]

    def read(self):
        """Whether the forms parse; builds the payload and the sources offered."""
        valid = all([*(form.is_valid() for form in self.forms()), self.formset.is_valid()])
        if not valid:
            return False
        if self.record_form is not None:
            if self.kind == Submission.Kind.CREATE:
                self.payload = self.record_form.new_record_payload()
            else:
                self.payload = self.record_form.changes_from(self.current)
        self.sources, self.rows = self.formset.offered()
        return True

    @property
    def organization(self):
        if self.revising is not None:
            return self.revising.organization
        return self.meta_form.cleaned_data.get("organization")

    @property
    def base_history_id(self):
        if self.target is None:
            return None
        return self.meta_form.cleaned_data.get("base_history_id") or services.latest_history_id(self.target)

    def check(self):
        """Everything the engine checks, without storing (for the preview)."""
        try:
            services.check_quota(self.request.user)
            services.check_organization(self.request.user, self.organization)
            validate_submission(kind=self.kind, record_type=self.record_type, payload=self.payload,
                                sources=self.sources, rationale=self.meta_form.cleaned_data.get("rationale") or "",
                                target=self.target)
        except SubmissionInvalid as error:
            self.refused(error)
            return False
        return True

    def send(self):
        data = self.meta_form.cleaned_data
        try:
            if self.revising is not None:
                return services.revise(self.revising, user=self.request.user, payload=self.payload,
                                       sources=self.sources, rationale=data.get("rationale") or "",
                                       credited_publicly=data.get("credited_publicly"))
            return services.submit(
                user=self.request.user, kind=self.kind, record_type=self.record_type, payload=self.payload,
                sources=self.sources, rationale=data.get("rationale") or "",
                target_slug=self.target.slug if self.target else "", organization=self.organization,
                credited_publicly=data.get("credited_publicly"), base_history_id=self.base_history_id)
        except SubmissionInvalid as error:
            self.refused(error)
        except services.DecisionRefused as error:
            self.unmapped.append(str(error))
        return None

    def refused(self, error):
        self.quota = isinstance(error, QuotaExceeded)
        if self.quota:
            self.unmapped.extend(message for messages in error.errors.values() for message in messages)
            return
        self.unmapped.extend(attach_errors(error.errors, record_form=self.record_form or self.meta_form,
                                           formset=self.formset, source_rows=self.rows, meta_form=self.meta_form))

    def with_one_more_source(self):
        """The same draft, unbound, with one more blank source row ("add another source" without JS)."""
        values = {name: self.record_form[name].value() for name in self.record_form.fields} if self.record_form else {}
        rows = [{name: form[name].value() for name in form.fields} for form in self.formset.forms]
        meta = {name: self.meta_form[name].value() for name in self.meta_form.fields}
        draft = Draft(self.request, record_type=self.record_type, kind=self.kind, target=self.target,
                      revising=self.revising, initial=values, source_rows=rows, meta_initial=meta)
        draft.formset = source_formset(self.record_type, initial=rows, rows=len(rows) + 1,
                                       with_claims=self.kind != Submission.Kind.RETRACTION)
        return draft

    def diff(self):
        if self.current is None:
            return []
        return field_diff(self.current, {**self.current, **self.payload}, fields=list(self.payload))

    def proposed_rows(self):
        """A new record's values, for the preview."""
        labels = {name: field.label for name, field in self.record_form.fields.items()} if self.record_form else {}
        return [(labels.get(name, name), display(value)) for name, value in self.payload.items()]


def draft_page(request, draft, *, template="submissions/form.html", status=200, **extra):
    context = {
        "draft": draft, "record_type": draft.record_type, "kind": draft.kind, "kind_label":
        Submission.Kind(draft.kind).label, "kind_says": KIND_SAYS[draft.kind], "target": draft.target,
        "target_url": record_url(draft.record_type, draft.target.slug) if draft.target else "",
        "record_form": draft.record_form, "formset": draft.formset, "meta_form": draft.meta_form,
        "unmapped": draft.unmapped, "quota": getattr(draft, "quota", False), "revising": draft.revising,
        "limits": services.limits(), **extra,
    }
    return render(request, template, context, status=status)


def handle(request, draft):
    """One step of the form: edit, add a source row, preview, or send (only after a preview)."""
    if request.method != "POST":
        return draft_page(request, draft)
    step = request.POST.get("step", "preview")
    if step == "add_source":
        return draft_page(request, draft.with_one_more_source())
    if step == "edit":
        return draft_page(request, unbound_copy(draft))
    if not draft.read():
        return draft_page(request, draft, status=400)
    if step == "send" and request.POST.get("previewed") == "1":
        submission = draft.send()
        if submission is not None:
            messages.success(request, f"Sent: submission #{submission.pk} is waiting for a moderator.")
            return redirect(submission.get_absolute_url())
        return draft_page(request, draft, status=429 if getattr(draft, "quota", False) else 400)
    if not draft.check():
        return draft_page(request, draft, status=429 if getattr(draft, "quota", False) else 400)
    duplicates = []
    if draft.kind == Submission.Kind.CREATE or draft.revising is not None:
        duplicates = likely_duplicates(draft.record_type, draft.payload, draft.sources,
                                       exclude_slug=draft.target.slug if draft.target else "")
    duplicates = [(record, why, record_url(draft.record_type, record.slug)) for record, why in duplicates]
    return draft_page(request, draft, template="submissions/preview.html", diff=draft.diff(),
                      proposed=draft.proposed_rows() if draft.kind == Submission.Kind.CREATE else [],
                      duplicates=duplicates, offered=draft.sources)


def unbound_copy(draft):
    copy = draft.with_one_more_source()
    rows = [{name: form[name].value() for name in form.fields} for form in draft.formset.forms]
    copy.formset = source_formset(draft.record_type, initial=rows, rows=len(rows),
                                  with_claims=draft.kind != Submission.Kind.RETRACTION)
    return copy


@signed_in
@require_http_methods(["GET", "POST"])
def new_record(request, type_path):
    record_type = type_at(type_path)
    return handle(request, Draft(request, record_type=record_type, kind=Submission.Kind.CREATE,
                                 data=request.POST if request.method == "POST" else None))


@signed_in
@require_http_methods(["GET", "POST"])
def change_record(request, type_path, slug, kind):
    record_type = type_at(type_path)
    target = services.target_record(record_type, slug)
    if target is None:
        raise Http404("No published record has this address.")
    if request.method == "POST":
        draft = Draft(request, record_type=record_type, kind=kind, target=target, data=request.POST)
    else:
        initial = record_form_class(record_type).initial_from(to_interchange(target))
        draft = Draft(request, record_type=record_type, kind=kind, target=target, initial=initial,
                      meta_initial={"base_history_id": services.latest_history_id(target)})
    return handle(request, draft)


@signed_in
@require_http_methods(["GET", "POST"])
def revise(request, pk):
    submission = get_object_or_404(Submission.objects.filter(submitted_by=request.user), pk=pk)
    if submission.status != Submission.Status.CHANGES_REQUESTED or submission.replaced_by.exists():
        messages.error(request, "Only a submission whose changes were requested can be revised (the newest one).")
        return redirect(submission.get_absolute_url())
    record_type = type_at_name(submission.record_type)
    target = services.target_record(submission) if submission.kind != Submission.Kind.CREATE else None
    if submission.kind != Submission.Kind.CREATE and target is None:
        raise Http404("The record no longer exists.")
    kind = submission.kind
    if request.method == "POST":
        draft = Draft(request, record_type=record_type, kind=kind, target=target, revising=submission,
                      data=request.POST)
    else:
        values = {**(to_interchange(target) if target else {}), **submission.payload}
        draft = Draft(request, record_type=record_type, kind=kind, target=target, revising=submission,
                      initial=record_form_class(record_type).initial_from(values),
                      source_rows=[source_initial(offered) for offered in submission.sources],
                      meta_initial={"rationale": submission.rationale,
                                    "credited_publicly": submission.credited_publicly,
                                    "base_history_id": submission.base_history_id})
    return handle(request, draft)


def type_at_name(name):
    for record_type in record_types():
        if record_type.name == name:
            return record_type
    raise Http404("No such record type.")


# --- following one's submissions ---------------------------------------------------------------

@signed_in
@require_safe
def my_submissions(request):
    submissions = Submission.objects.filter(submitted_by=request.user).order_by("-submitted_at", "-pk")
    types = {record_type.name: record_type for record_type in record_types()}
    rows = [(submission, types.get(submission.record_type)) for submission in submissions]
    return render(request, "submissions/list.html", {"rows": rows})


def visible_submission(request, pk):
    return get_object_or_404(Submission.objects.visible_to(request.user).select_related(
        "organization", "submitted_by"), pk=pk)


@signed_in
@require_safe
def submission_detail(request, pk):
    submission = visible_submission(request, pk)
    record_type = type_at_name(submission.record_type)
    target = services.target_record(submission) if submission.target_slug else None
    diff, proposed = [], []
    if submission.kind in (Submission.Kind.CORRECTION, Submission.Kind.UPDATE):
        before = (services.history_version(target, submission.base_history_id) if target else None) or \
            (to_interchange(target) if target else {})
        diff = field_diff(before, {**before, **submission.payload}, fields=list(submission.payload))
    elif submission.kind == Submission.Kind.CREATE:
        proposed = [(name, display(value)) for name, value in submission.payload.items()]
    thread = services.thread(submission)
    mine = submission.submitted_by_id == request.user.pk
    in_review = submission.status in (Submission.Status.PENDING, Submission.Status.CHANGES_REQUESTED)
    return render(request, "submissions/detail.html", {
        "submission": submission, "record_type": record_type, "target": target,
        "target_url": record_url(record_type, submission.target_slug) if submission.target_slug else "",
        "published_url": record_url(record_type, submission.published_slug) if submission.published_slug else "",
        "diff": diff, "proposed": proposed, "thread": thread,
        "reason_words": services.REJECTION_CODES.get(submission.reason_code, ""),
        "may_withdraw": mine and in_review,
        "may_revise": mine and submission.status == Submission.Status.CHANGES_REQUESTED
        and thread[-1].pk == submission.pk,
    })


@signed_in
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    submission = visible_submission(request, pk)
    if submission.submitted_by_id != request.user.pk:
        raise Http404("Not your submission.")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            try:
                services.withdraw(submission, user=request.user)
            except services.DecisionRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, f"Submission #{submission.pk} is withdrawn.")
            return redirect(submission.get_absolute_url())
        error = "Tick the box to confirm."
    return render(request, "submissions/withdraw.html", {"submission": submission, "error": error},
                  status=400 if error else 200)
