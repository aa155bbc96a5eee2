"""The moderators' pages: the queue of pending submissions, the review page of one submission (what would
change, the thread, the three decisions) and the failed decision emails.

Access: every page needs a moderator (``registry.models.is_moderator``). Anonymous visitors are sent to
the login page; a logged-in user who is not a moderator gets a 404, as for a submission they may not see
(``Submission.objects.visible_to``): the moderation pages do not announce themselves.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from registry.interchange import by_name
from registry.models import Submission, is_moderator
from registry.views.about import shared_vocabularies
from registry.write_serializers import to_interchange
from submissions import emails, services
from submissions.diff import display, field_diff, three_way
from submissions.models import OutgoingEmail
from submissions.moderation_forms import AGES, ApproveForm, ChangesForm, QueueFilterForm, RejectForm
from submissions.validation import SubmissionInvalid, proposed_slug

LOGIN_URL = "/account/login/"
PER_PAGE = 50
FAILED_EMAILS_SHOWN = 50
DECISION_WORDS = {"approved": "approved", "rejected": "rejected", "changes_requested": "sent back for changes"}


def moderator_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), LOGIN_URL)
        if not is_moderator(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


# --- the queue -------------------------------------------------------------------------------

@moderator_required
@require_safe
def queue(request):
    form = QueueFilterForm(request.GET or None)
    pending = Submission.objects.pending()
    rows, page = [], None
    if not request.GET or form.is_valid():
        listed = (form.filter(pending) if form.is_bound else pending).select_related("organization")
        paginator = Paginator(listed.order_by("submitted_at", "id"), PER_PAGE)
        number = (form.cleaned_data.get("page") if form.is_bound else None) or 1
        try:
            page = paginator.page(number)
        except EmptyPage:
            page = paginator.page(paginator.num_pages)
        rows = list(page.object_list)
        mark_stale(rows)
    now = timezone.now()
    context = {
        "form": form, "page": page, "rows": rows, "now": now,
        "status_counts": status_counts(),
        "facets": facets(pending),
        "failed_emails": OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED)
        .select_related("submission")[:FAILED_EMAILS_SHOWN],
        "query_without_page": query_without_page(request),
    }
    return render(request, "submissions/moderation/queue.html", context)


def query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def status_counts():
    """Submissions per status: one GROUP BY."""
    counts = dict(Submission.objects.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Submission.Status.choices]


def facets(pending):
    """Pending submissions per filter value: one GROUP BY per facet (type, kind, organisation), one
    conditional count for the ages."""
    def grouped(*fields):
        return list(pending.order_by().values_list(*fields).annotate(n=Count("id")).order_by(*fields))

    labels = dict(Submission.Kind.choices)
    types = []
    for name, count in grouped("record_type"):
        try:
            types.append((name, by_name(name).label, count))
        except KeyError:
            types.append((name, name, count))
    now = timezone.now()
    ages = pending.order_by().aggregate(**{
        f"older_{key}": Count("id", filter=Q(submitted_at__lte=now - datetime.timedelta(days=days)))
        for key, days in AGES.items()})
    return {
        "record_type": types,
        "kind": [(value, labels.get(value, value), count) for value, count in grouped("kind")],
        "organization": [(slug or "", name or "No organisation", count)
                         for slug, name, count in grouped("organization__slug", "organization__name")],
        "age": [(key, f"More than {days} day{'s' if days > 1 else ''}", ages[f"older_{key}"])
                for key, days in AGES.items()],
    }


def mark_stale(rows):
    """Set ``row.stale`` for the page's rows: one query per record type on the page (each record's latest
    history id, read in a subquery), never one per row."""
    wanted = {}
    for row in rows:
        row.stale = False
        if row.kind != Submission.Kind.CREATE and row.base_history_id is not None:
            wanted.setdefault(row.record_type, set()).add(row.target_slug)
    latest = {}
    for name, slugs in wanted.items():
        try:
            model = by_name(name).model
        except KeyError:
            continue
        newest = model.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
        for slug, history_id in (model.objects.published().filter(slug__in=slugs)
                                 .annotate(latest=Subquery(newest.values("history_id")[:1]))
                                 .values_list("slug", "latest")):
            latest[(name, slug)] = history_id
    for row in rows:
        key = (row.record_type, row.target_slug)
        row.stale = row.kind != Submission.Kind.CREATE and key in latest and latest[key] != row.base_history_id


# --- the review page -------------------------------------------------------------------------

def review_context(submission):
    """Exactly what approving would change, the thread and what the moderator may do."""
    record_type = by_name(submission.record_type)
    context = {"submission": submission, "record_type": record_type, "sources": submission.sources,
               "rejection_codes": services.REJECTION_CODES,
               "confidence_rubric": shared_vocabularies()["confidence"].values}
    target = services.target_record(submission)
    context["target"] = target
    if submission.kind == Submission.Kind.CREATE:
        context["proposed"] = [(name, display(value)) for name, value in submission.payload.items()]
    elif target is not None:
        current = to_interchange(target)
        context["current"] = [(name, display(value)) for name, value in current.items()]
        context["target_url"] = f"/{record_type.path}/{target.slug}/"
        if submission.kind != Submission.Kind.RETRACTION:
            context["diff"] = field_diff(current, {**current, **submission.payload})
        if services.is_stale(submission, target):
            base = services.history_version(target, submission.base_history_id)
            context["stale"] = True
            context["current_history_id"] = services.latest_history_id(target)
            context["three_way"] = three_way(base, current, submission.payload)
            context["base_missing"] = base is None
    context["thread"] = services.thread(submission)
    context["credit"] = services.public_credit(submission)
    return context


def forms_for(submission, *, stale, current_history_id=None, bound=None):
    """The three decision forms, unbound (prefilled) except the one that was just posted."""
    initial = {"message": ""}
    if submission.kind == Submission.Kind.CREATE:
        slug = submission.payload.get("slug") or proposed_slug(by_name(submission.record_type), submission.payload)
        initial.update(slug=slug, confidence="medium")
    if stale:
        initial["confirmed_history_id"] = current_history_id
    result = {
        "approve_form": ApproveForm(initial=initial, submission=submission, stale=stale, prefix="approve"),
        "changes_form": ChangesForm(prefix="changes"),
        "reject_form": RejectForm(prefix="reject"),
    }
    if bound is not None:
        name, form = bound
        result[name] = form
    return result


def show_review(request, submission, *, bound=None, status=200):
    context = review_context(submission)
    may_decide = submission.status == Submission.Status.PENDING and submission.submitted_by_id != request.user.pk
    context.update(may_decide=may_decide, own=submission.submitted_by_id == request.user.pk)
    if may_decide:
        context.update(forms_for(submission, stale=context.get("stale", False),
                                 current_history_id=context.get("current_history_id"), bound=bound))
    return render(request, "submissions/moderation/review.html", context, status=status)


def submission_or_404(pk):
    return get_object_or_404(Submission.objects.select_related("organization", "submitted_by", "reviewer",
                                                               "replaces"), pk=pk)


@moderator_required
@require_safe
def review(request, pk):
    return show_review(request, submission_or_404(pk))


def decide(request, pk, *, form_class, name, engine):
    submission = submission_or_404(pk)
    kwargs = {"submission": submission, "stale": services.is_stale(submission)} if form_class is ApproveForm else {}
    form = form_class(request.POST, prefix=name.removesuffix("_form"), **kwargs)
    if not form.is_valid():
        return show_review(request, submission, bound=(name, form), status=400)
    try:
        engine(submission, request.user, form)
    except services.StaleBase as refusal:
        submission.refresh_from_db()  # the engine rolled the decision back; the object still says "approved"
        messages.error(request, str(refusal))
        data = request.POST.copy()
        data["approve-confirmed_history_id"] = str(refusal.current_history_id)
        data.pop("approve-compared", None)
        fresh = ApproveForm(data, prefix="approve", submission=submission, stale=True)
        return show_review(request, submission, bound=(name, fresh), status=409)
    except services.DecisionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(f"/moderation/{submission.pk}/")
    except SubmissionInvalid as invalid:
        submission.refresh_from_db()
        form.add_engine_errors(invalid.errors)
        return show_review(request, submission, bound=(name, form), status=400)
    decision = DECISION_WORDS.get(submission.status, submission.status)
    if submission.status == Submission.Status.APPROVED:
        record_type = by_name(submission.record_type)
        url = f"/{record_type.path}/{submission.published_slug}/"
        messages.success(request, format_html('Submission #{} {}: the record is published at <a href="{}">{}</a>.',
                                              submission.pk, decision, url, url))
    else:
        messages.success(request, f"Submission #{submission.pk} {decision}.")
    return redirect("/moderation/")


@require_POST
@moderator_required
def approve(request, pk):
    def engine(submission, moderator, form):
        services.approve(submission, moderator=moderator, **form.engine_arguments())

    return decide(request, pk, form_class=ApproveForm, name="approve_form", engine=engine)


@require_POST
@moderator_required
def request_changes(request, pk):
    def engine(submission, moderator, form):
        services.request_changes(submission, moderator=moderator, message=form.cleaned_data["message"])

    return decide(request, pk, form_class=ChangesForm, name="changes_form", engine=engine)


@require_POST
@moderator_required
def reject(request, pk):
    def engine(submission, moderator, form):
        services.reject(submission, moderator=moderator, code=form.cleaned_data["reason_code"],
                        message=form.cleaned_data["message"])

    return decide(request, pk, form_class=RejectForm, name="reject_form", engine=engine)


# --- failed emails ---------------------------------------------------------------------------

@moderator_required
@require_safe
def failed_emails(request):
    rows = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).select_related("submission")
    return render(request, "submissions/moderation/emails.html", {"failed_emails": rows[:FAILED_EMAILS_SHOWN],
                                                                   "total": rows.count()})


@require_POST
@moderator_required
def resend(request, pk):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if email.status == OutgoingEmail.Status.SENT:
        messages.info(request, f"The email to {email.to} about submission #{email.submission_id} was already sent.")
    else:
        email = emails.resend(email)
        if email.status == OutgoingEmail.Status.SENT:
            messages.success(request, f"Sent the email to {email.to} about submission #{email.submission_id}.")
        else:
            messages.error(request, f"Sending to {email.to} failed again: {email.last_error}")
    return redirect("/moderation/emails/")
