"""A submission's life, as functions: submit, withdraw, revise, and the moderator's decisions.

Nothing a submitter sends is lost (every submission and decision is a row with history); nothing
reaches the public record without a moderator's approval, which applies it through the one write
path (``registry.loader`` and ``registry.services``) with the reason "submission #N" and the
submitter's public credit; every decision has a reason the submitter can read, and an email.

Valid transitions:
    pending            -> approved | rejected | changes_requested | withdrawn
    changes_requested  -> withdrawn (or revised: a new pending submission that ``replaces`` it)
Approved, rejected and withdrawn are final.
"""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import services as accounts_services
from registry.loader import LoadError, load_records
from registry.models import Notice, Source, Submission, is_moderator
from registry.normalize import normalize_url
from registry.services import change_set, give_notice, retract
from registry.write_serializers import to_interchange
from submissions.validation import (
    QuotaExceeded,
    SubmissionInvalid,
    limits,
    proposed_slug,
    record_type_named,
    validate_submission,
)

# Documented reason codes of a rejection (shown on /about/submissions/ and in the API schema).
REJECTION_CODES = {
    "unsupported": "The sources given do not state what the submission proposes.",
    "not_public": "The information is not public, or the registry does not hold it (e.g. classified content).",
    "duplicate": "The registry already holds this record or change.",
    "out_of_scope": "Not an agreement, term, designation or disclosure between defense agencies and AI companies.",
    "unreliable_source": "The sources are not reliable enough to publish on.",
    "no_change": "The record already says this, or the change would not improve it.",
    "abuse": "Spam, abuse or an attempt to harm the registry.",
    "other": "Another reason, explained in the message.",
}


# Approvals of these kinds give a dated public notice, written by the moderator.
NOTICE_KINDS = (Submission.Kind.CORRECTION, Submission.Kind.RETRACTION)


class DecisionRefused(Exception):
    """A decision that may not be taken (wrong state, own submission, stale base not confirmed)."""

    def __init__(self, message, *, code="refused"):
        self.code = code
        super().__init__(message)


class StaleBase(DecisionRefused):
    """The record changed since the submitter read it: the moderator must look at the three-way view
    and confirm again."""

    def __init__(self, current_history_id):
        self.current_history_id = current_history_id
        super().__init__("The record has changed since this submission was written: compare the three versions "
                         "and confirm again.", code="stale")


# --- reading ---------------------------------------------------------------------------------

def target_record(submission_or_type, slug=None):
    """The public record a submission concerns (or None for a new record)."""
    if isinstance(submission_or_type, Submission):
        record_type = record_type_named(submission_or_type.record_type)
        slug = submission_or_type.target_slug
    else:
        record_type = submission_or_type
    if not slug:
        return None
    return record_type.model.objects.published().filter(slug=slug).first()


def latest_history_id(record):
    """The history id of the record as it stands now (what a correction is written against)."""
    return record.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()


def history_version(record, history_id):
    """The record in the interchange shape as it stood at its history row ``history_id`` (its columns
    then, its parts as they are now), or None. Never a draft's words."""
    if history_id is None:
        return None
    row = record.history.filter(history_id=history_id, published_at__isnull=False).first()
    if row is None:
        return None
    writer = record_type_named(record.record_type).write_serializer()
    return {**writer.represent(record), **writer.represent_columns(row.instance)}


default_credit = accounts_services.default_credit  # whether a membership asks for credit by default


def public_credit(submission):
    """What public history says of a submission (the one rule: ``accounts.services.public_credit``):
    its organisation's name when chosen and verified, otherwise "registry staff"; never a username."""
    return accounts_services.public_credit(submission.submitted_by_id, submission.organization,
                                           submission.credited_publicly)


# --- submitting ------------------------------------------------------------------------------

def check_quota(user):
    since = timezone.now() - datetime.timedelta(days=1)
    used = Submission.objects.filter(submitted_by=user, submitted_at__gte=since).count()
    if used >= limits()["daily_quota"]:
        raise QuotaExceeded({"quota": [f"You have sent {used} submissions in the last 24 hours, the most allowed "
                                       f"({limits()['daily_quota']}). Try again tomorrow, or ask the editors "
                                       "for a higher limit."]})


def check_organization(user, organization):
    if organization is not None and accounts_services.active_membership(user, organization) is None:
        raise SubmissionInvalid({"organization": ["You may act only for an organisation you are a member of."]})


def submit(*, user, kind, record_type, payload=None, sources=(), rationale="", target_slug="", organization=None,
           credited_publicly=None, base_history_id=None, replaces=None, api_token=None, idempotency_key="",
           body_sha256=""):
    """Check everything and store one pending submission; raises SubmissionInvalid (nothing stored)."""
    record_type = record_type_named(record_type) if isinstance(record_type, str) else record_type
    check_quota(user)
    check_organization(user, organization)
    target = None
    if kind != Submission.Kind.CREATE:
        target = record_type.model.objects.published_unretracted().filter(slug=target_slug).first()
        if target is None:
            raise SubmissionInvalid({"target": [
                f"No public {record_type.name} has the slug “{target_slug}” (a retracted record is not changed)."]})
        check_base(target, base_history_id)
    stored, cleaned_sources = validate_submission(kind=kind, record_type=record_type, payload=payload or {},
                                                  sources=list(sources), rationale=rationale, target=target)
    if target is not None and base_history_id is None:
        base_history_id = latest_history_id(target)
    if credited_publicly is None:
        credited_publicly = accounts_services.default_credit(user, organization)
    title = (stored.get("title") or stored.get("name") or (str(target) if target else "") or record_type.label)[:300]
    return Submission.objects.create(
        kind=kind, record_type=record_type.name, target_slug=target.slug if target else "", payload=stored,
        sources=cleaned_sources, rationale=rationale.strip(), submitted_by=user, organization=organization,
        credited_publicly=bool(credited_publicly and organization), base_history_id=base_history_id, title=title,
        replaces=replaces, api_token=api_token, idempotency_key=idempotency_key, body_sha256=body_sha256)


def check_base(record, base_history_id):
    """The version a correction was written against must be a published version of the record: a draft's
    history is never shown to a submitter. Any other id gets the same answer."""
    if base_history_id is None:
        return
    valid = isinstance(base_history_id, int) and 0 < base_history_id < 2 ** 63 \
        and record.history.filter(history_id=base_history_id, published_at__isnull=False).exists()
    if not valid:
        raise SubmissionInvalid({"base_history_id": ["Not a published version of this record: leave it out to "
                                                     "write against the record as it stands."]})


def withdraw(submission, *, user):
    """The submitter withdraws a submission still in review."""
    with transaction.atomic():
        if submission.submitted_by_id != user.pk:
            raise DecisionRefused("Only the submitter may withdraw a submission.", code="not_submitter")
        moved = Submission.objects.filter(
            pk=submission.pk, status__in=[Submission.Status.PENDING, Submission.Status.CHANGES_REQUESTED],
        ).update(status=Submission.Status.WITHDRAWN, decided_at=timezone.now())
        if not moved:
            raise DecisionRefused("Only a submission in review can be withdrawn.", code="invalid_transition")
    submission.refresh_from_db()
    return submission


def revise(submission, *, user, payload=None, sources=(), rationale="", credited_publicly=None):
    """Answer "changes requested" with a revised submission in the same thread: a new pending submission
    that ``replaces`` the old one (which keeps its message). The base stays the one first read, so the
    moderator sees every change made since."""
    if submission.submitted_by_id != user.pk:
        raise DecisionRefused("Only the submitter may revise a submission.", code="not_submitter")
    if submission.status != Submission.Status.CHANGES_REQUESTED:
        raise DecisionRefused("Only a submission whose changes were requested can be revised.",
                              code="invalid_transition")
    with transaction.atomic():
        Submission.objects.select_for_update().filter(pk=submission.pk).first()  # one revision at a time
        if submission.replaced_by.exists():
            raise DecisionRefused("This submission was already revised: revise the newest one.",
                                  code="invalid_transition")
        return _revision(submission, user, payload, sources, rationale, credited_publicly)


def _revision(submission, user, payload, sources, rationale, credited_publicly):
    return submit(user=user, kind=submission.kind, record_type=submission.record_type, payload=payload,
                  sources=sources, rationale=rationale, target_slug=submission.target_slug,
                  organization=submission.organization,
                  credited_publicly=submission.credited_publicly if credited_publicly is None else credited_publicly,
                  base_history_id=submission.base_history_id, replaces=submission)


def thread(submission):
    """Every submission of the thread, first to last (each revision ``replaces`` the one before), in one
    query: a thread's versions share their submitter, kind, type and target."""
    versions = {version.pk: version for version in Submission.objects.filter(
        submitted_by=submission.submitted_by_id, kind=submission.kind, record_type=submission.record_type,
        target_slug=submission.target_slug).select_related("organization")}
    versions[submission.pk] = submission
    following = {version.replaces_id: version for version in versions.values() if version.replaces_id}
    first = submission
    while first.replaces_id in versions:
        first = versions[first.replaces_id]
    chain = [first]
    while chain[-1].pk in following:
        chain.append(following[chain[-1].pk])
    return chain


# --- deciding --------------------------------------------------------------------------------

def _check_may_decide(submission, moderator):
    if not is_moderator(moderator):
        raise DecisionRefused("Only moderators decide submissions.", code="not_moderator")
    if submission.submitted_by_id == moderator.pk:
        raise DecisionRefused("A moderator cannot decide their own submission: another moderator must.",
                              code="own_submission")


def _take(submission, moderator, status, reason, reason_code=""):
    """Move a pending submission to ``status`` in one conditional UPDATE (the first write of the
    transaction): of two moderators deciding at once, exactly one moves it; the other is refused."""
    now = timezone.now()
    moved = Submission.objects.filter(pk=submission.pk, status=Submission.Status.PENDING).update(
        status=status, reviewer=moderator, decision_reason=reason, reason_code=reason_code, decided_at=now)
    if not moved:
        current = Submission.objects.filter(pk=submission.pk).values_list("status", flat=True).first()
        raise DecisionRefused(f"This submission is no longer pending (it is {current.replace('_', ' ')}).",
                              code="invalid_transition")
    submission.status, submission.reviewer, submission.decision_reason = status, moderator, reason
    submission.reason_code, submission.decided_at = reason_code, now


def _queue_email(submission):
    from submissions.emails import queue_decision_email

    queue_decision_email(submission)


def request_changes(submission, *, moderator, message):
    if not (message or "").strip():
        raise SubmissionInvalid({"message": ["Say what should change."]})
    _check_may_decide(submission, moderator)
    with transaction.atomic():
        _take(submission, moderator, Submission.Status.CHANGES_REQUESTED, message.strip())
        _queue_email(submission)
    return submission


def reject(submission, *, moderator, code, message):
    errors = {}
    if code not in REJECTION_CODES:
        errors["reason_code"] = [f"Use one of: {', '.join(REJECTION_CODES)}."]
    if not (message or "").strip():
        errors["message"] = ["Say why, in words the submitter can act on."]
    if errors:
        raise SubmissionInvalid(errors)
    _check_may_decide(submission, moderator)
    with transaction.atomic():
        _take(submission, moderator, Submission.Status.REJECTED, message.strip(), reason_code=code)
        _queue_email(submission)
    return submission


def approve(submission, *, moderator, message, slug=None, confidence="medium", notice_text="",
            confirmed_history_id=None):
    """Validate again and apply through the one write path, then record the decision: one transaction.
    ``confirmed_history_id``: for a correction or update whose record changed since it was written, the
    current history id the moderator compared in the three-way view."""
    errors = {}
    if not (message or "").strip():
        errors["message"] = ["Say why the submission is approved (the submitter reads it)."]
    if submission.kind in NOTICE_KINDS and not (notice_text or "").strip():
        errors["notice_text"] = ["Write the public notice: it is shown on the record's page and on /corrections/ "
                                 "(the submitter's rationale is not public)."]
    if errors:
        raise SubmissionInvalid(errors)
    _check_may_decide(submission, moderator)
    with transaction.atomic():
        _take(submission, moderator, Submission.Status.APPROVED, message.strip())
        record = apply_submission(submission, moderator=moderator, slug=slug, confidence=confidence,
                                  notice_text=notice_text, confirmed_history_id=confirmed_history_id)
        submission.published_slug = record.slug
        submission.change_set = record._submission_change_set
        Submission.objects.filter(pk=submission.pk).update(published_slug=record.slug,
                                                           change_set=submission.change_set)
        _queue_email(submission)
    return submission


def is_stale(submission, record=None):
    """Whether the record changed since the submitter read it (its latest history id differs)."""
    if submission.kind == Submission.Kind.CREATE or submission.base_history_id is None:
        return False
    record = record or target_record(submission)
    return record is not None and latest_history_id(record) != submission.base_history_id


def apply_submission(submission, *, moderator, slug=None, confidence="medium", notice_text="",
                     confirmed_history_id=None):
    """The change the submission proposes, applied through the one write path in one change set
    reasoned "submission #N" and credited as ``public_credit``. Raises SubmissionInvalid when the
    proposal no longer validates (the transaction is rolled back, nothing applied)."""
    record_type = record_type_named(submission.record_type)
    reason = f"submission #{submission.pk}"
    credit = public_credit(submission)
    target = target_record(submission)
    if submission.kind != Submission.Kind.CREATE:
        if target is None:
            raise SubmissionInvalid({"target": ["The record this submission concerns is no longer published."]})
        if is_stale(submission, target) and confirmed_history_id != latest_history_id(target):
            raise StaleBase(latest_history_id(target))
    with change_set(user=moderator, reason=reason, credited_to=credit) as current:
        if submission.kind == Submission.Kind.RETRACTION:
            if target.retracted_at:
                raise SubmissionInvalid({"target": ["The record is already retracted."]})
            retract(target, user=moderator, reason=notice_text.strip(), notice=False)
            give_notice(target, kind=Notice.Kind.RETRACTION, text=notice_text.strip(), submission=submission)
            record = target
        else:
            record = _load(submission, record_type, target, moderator=moderator, reason=reason, credit=credit,
                           slug=slug, confidence=confidence)
            if submission.kind == Submission.Kind.CORRECTION:
                give_notice(record, kind=Notice.Kind.CORRECTION, text=notice_text.strip(), submission=submission)
    record._submission_change_set = current.row
    return record


def _load(submission, record_type, target, *, moderator, reason, credit, slug, confidence):
    today = timezone.localdate()
    source_items, citations = _sources_and_citations(submission)
    if target is None:
        item = dict(submission.payload)
        item["slug"] = slug or item.get("slug") or proposed_slug(record_type, item)
        if record_type.model.objects.filter(slug=item["slug"]).exists():  # a load would update that record
            raise SubmissionInvalid({"slug": [f"Another {record_type.name} already has the slug “{item['slug']}”: "
                                              "choose another."]})
        item["confidence"] = confidence
        item["published_at"] = timezone.now().isoformat()
        item["last_verified_on"] = today.isoformat()
    else:
        item = {**to_interchange(target), **submission.payload}
        item["last_verified_on"] = today.isoformat()
    if "citations" in record_type.write_serializer.part_fields:
        item["citations"] = [*item.get("citations", []), *citations]
    document = {record_type.plural: [item]}
    if source_items:
        document["sources"] = source_items
    try:
        load_records(document, user=moderator, reason=reason, credited_to=credit)
    except LoadError as error:
        raise SubmissionInvalid({"payload": error.errors}) from None
    return record_type.model.objects.get(slug=item["slug"])


def _sources_and_citations(submission):
    """New Source records for offered URLs the registry does not hold yet, and one citation per source
    offered (its quote and claims). A URL the registry holds is cited as that source."""
    known = dict(Source.objects.filter(url__in=[normalize_url(s["url"]) for s in submission.sources])
                 .values_list("url", "slug"))
    new_sources, citations, now = [], [], timezone.now()
    cited = "citations" in record_type_named(submission.record_type).write_serializer.part_fields
    if not cited or submission.kind == Submission.Kind.RETRACTION:
        return [], []  # a source proposed as a record, or a retraction: the offered sources are its evidence only
    for offered in submission.sources:
        url = normalize_url(offered["url"])
        slug = known.get(url)
        if slug is None:
            digest = hashlib.sha256(url.encode()).hexdigest()[:8]
            slug = f"{proposed_slug_text(offered['title'])}-{digest}"
            while Source.objects.filter(slug=slug).exists() or slug in known.values():
                slug = f"{slug}-{len(known) + 1}"
            known[url] = slug
            new_sources.append({
                "slug": slug, "url": url, "title": offered["title"], "publisher": offered["publisher"],
                "published": offered["published"], "kind": offered.get("kind") or Source.Kind.OTHER,
                "verified": False, "published_at": now.isoformat(), "confidence": "medium",
                "notes": f"Offered with submission #{submission.pk}.",
            })
        citations.append({"source": slug, "quote": offered["quote"], "locator": offered.get("locator", ""),
                          "claims": list(offered.get("claims", []))})
    return new_sources, citations


def proposed_slug_text(title):
    return slugify(title)[:60].strip("-") or "source"
