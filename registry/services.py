"""The one write path. Every change to a public record — admin, seed loader, importers,
submission approval — comes through here, so history and the change log never miss one.

``apply_change(record, user=..., reason=...)`` saves the record, writes its history row with who
and why, and writes one ChangeLog row, all in one transaction. A change to a part of a record
(citation, party, term, marker, link) also logs ``updated`` for the record it belongs to.

Inside ``change_set(...)`` (used by the admin and the loaders), several saves form one change:
each record gets one ChangeLog row however many of its parts changed.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registry.models import ChangeCounter, ChangeLog

STAFF_CREDIT = "registry staff"

_current_change_set = contextvars.ContextVar("current_change_set", default=None)


@dataclass
class ChangeSet:
    user: object
    reason: str
    credited_to: str = STAFF_CREDIT
    logged: dict = field(default_factory=dict)  # (record_type, pk) -> ChangeLog
    published: list = field(default_factory=list)  # records that must have a citation at the end
    newly_public: list = field(default_factory=list)  # records published in this change: check their parts


@contextmanager
def change_set(*, user, reason, credited_to=STAFF_CREDIT):
    """Group saves into one change: one transaction, one ChangeLog row per record changed."""
    outer = _current_change_set.get()
    if outer is not None:  # nested: join the outer change
        yield outer
        return
    if not (reason or "").strip():
        raise ValidationError({"reason": "Every change needs a reason."})
    current = ChangeSet(user=user, reason=reason.strip(), credited_to=credited_to)
    token = _current_change_set.set(current)
    try:
        with transaction.atomic():
            yield current
            _check_citations(current.published)
            for record in current.newly_public:
                _check_parts_are_public(record)
    finally:
        _current_change_set.reset(token)


def apply_change(record, *, user=None, reason=None, action=None, validate=True, credited_to=STAFF_CREDIT):
    """Save one record (public record or a part of one) with history and a ChangeLog row.

    ``action`` is worked out when omitted: created for a new record, updated otherwise.
    Returns the record.
    """
    with change_set(user=user, reason=reason, credited_to=credited_to) as current:
        user, reason = current.user, current.reason
        is_new = record._state.adding
        if action is None:
            action = ChangeLog.Action.CREATED if is_new else ChangeLog.Action.UPDATED
        if validate:
            record.full_clean()
        if _check_publication(record):
            current.newly_public.append(record)
        if hasattr(record, "updated_at"):
            record.updated_at = timezone.now()
        record._history_user = user
        record._change_reason = reason
        record.save()
        if hasattr(record, "slug"):
            _log(current, record, action)
            if getattr(record, "requires_citation", False) and record.published_at:
                current.published.append(record)
        parent = record.change_parent
        if parent is not None:
            _touch(parent)
            _log(current, parent, ChangeLog.Action.UPDATED)
    return record


def apply_changes(records, *, user, reason, credited_to=STAFF_CREDIT):
    """The bulk variant: many records, one transaction, ChangeLog ids handed out in order."""
    with change_set(user=user, reason=reason, credited_to=credited_to):
        return [apply_change(record) for record in records]


def remove_part(part, *, user=None, reason=None, credited_to=STAFF_CREDIT):
    """Remove a part of a record (a citation, party or link no longer stated). Its history keeps
    the removal with who and why; the record it belonged to is logged as updated."""
    with change_set(user=user, reason=reason, credited_to=credited_to) as current:
        parent = part.change_parent
        part._history_user = current.user
        part._change_reason = current.reason
        part.delete()
        if parent is not None:
            _touch(parent)
            _log(current, parent, ChangeLog.Action.UPDATED)


def retract(record, *, user, reason):
    """Retract a public record: it keeps its URL, leaves lists, and the feed says so.

    Records shown only through this one (the terms and markers of an agreement) are retracted with
    it, each with its own history, notice and change row, so that no page or sync client keeps a
    part of a withdrawn record as if it stood.
    """
    if not (reason or "").strip():
        raise ValidationError({"retraction_reason": "A retraction needs a reason."})
    if record.retracted_at:
        raise ValidationError({"retracted_at": f"{record} is already retracted."})
    reason = reason.strip()
    with change_set(user=user, reason=f"retracted: {reason}"):  # a nested retraction joins its parent's change
        record.retracted_at = timezone.now()
        record.retraction_reason = reason
        apply_change(record, action=ChangeLog.Action.RETRACTED)
        for child in _visibility_children(record):
            retract(child, user=user, reason=f"Retracted with its {record.record_type} “{record}”: {reason}")
    return record


def _visibility_children(record):
    """Published, unretracted records whose visibility depends on ``record`` (see ``visibility_parents``)."""
    for relation in record._meta.related_objects:
        model = relation.related_model
        if relation.field.name in getattr(model, "visibility_parents", ()):
            yield from model.objects.filter(**{relation.field.name: record}, published_at__isnull=False,
                                            retracted_at__isnull=True)


def _is_public_record_model(model):
    return hasattr(model, "record_type") and hasattr(model, "published_at") and model.record_type is not None


def _check_publication(record):
    """What is shown shows only published records, and a published record is never unpublished
    (it is retracted). Returns True when ``record`` becomes public with this change."""
    errors = {}
    became_public = False
    if _is_public_record_model(type(record)):
        was_published = (not record._state.adding and type(record).objects.filter(
            pk=record.pk, published_at__isnull=False).exists())
        if was_published and record.published_at is None:
            errors["published_at"] = "A published record cannot be unpublished: retract it, with a reason, instead."
        became_public = record.published_at is not None and not was_published
        shown = record.published_at is not None
    else:  # a part: shown when the record it belongs to is published
        parent = record.change_parent
        shown = parent is not None and getattr(parent, "published_at", None) is not None
    if shown:
        errors.update(_draft_references(record))
    if errors:
        raise ValidationError(errors)
    return became_public


def _draft_references(row, *, skip=()):
    """{field: message} for each foreign key of ``row`` that points at an unpublished record."""
    errors = {}
    for model_field in row._meta.concrete_fields:
        if not model_field.is_relation or model_field.name in skip:
            continue
        if not _is_public_record_model(model_field.related_model):
            continue
        target = getattr(row, model_field.name)
        if target is not None and target.published_at is None:
            errors[model_field.name] = (f"{model_field.related_model._meta.verbose_name} “{target}” is a draft: "
                                        "publish it first, or leave it out.")
    return errors


def _check_parts_are_public(record):
    """A record published in this change may not show drafts through its parts (parties, links, citations)."""
    for relation in record._meta.related_objects:
        model = relation.related_model
        if getattr(model, "change_parent_field", None) != relation.field.name or _is_public_record_model(model):
            continue
        for part in model.objects.filter(**{relation.field.name: record}):
            problems = _draft_references(part, skip=(relation.field.name,))
            if problems:
                raise ValidationError({relation.get_accessor_name(): list(problems.values())})
    if hasattr(record, "citations"):
        drafts = [c.source for c in record.citations.select_related("source") if c.source.published_at is None]
        if drafts:
            raise ValidationError({"citations": [f"The source “{s}” is a draft: publish it first." for s in drafts]})


def _log(current, record, action):
    """One ChangeLog row per record per change set; a later 'created'/'retracted' wins over 'updated'."""
    key = (record.record_type, record.pk)
    history = record.history.order_by("-history_id").values_list("history_id", flat=True).first()
    existing = current.logged.get(key)
    if existing is not None:
        if action != ChangeLog.Action.UPDATED and existing.action == ChangeLog.Action.UPDATED:
            existing.action = action
        existing.history_id = history
        existing.public = existing.public or record.published_at is not None
        existing.save(update_fields=["action", "history_id", "public"])
        return existing
    public = record.published_at is not None
    if public and action == ChangeLog.Action.UPDATED and not ChangeLog.objects.public().filter(
            record_type=record.record_type, slug=record.slug).exists():
        action = ChangeLog.Action.CREATED  # first seen by the public: published just now
    entry = ChangeLog.objects.create(
        id=_next_change_id(),
        at=timezone.now(),
        record_type=record.record_type,
        slug=record.slug,
        action=action,
        history_id=history,
        reason=current.reason,
        public=public,
        credited_to=current.credited_to,
        user=current.user if getattr(current.user, "pk", None) else None,
    )
    current.logged[key] = entry
    return entry


def _next_change_id():
    """Take the next id under a row lock, so ids commit in the order they were handed out."""
    counter, _ = ChangeCounter.objects.select_for_update().get_or_create(pk=1)
    counter.last_id += 1
    counter.save(update_fields=["last_id"])
    return counter.last_id


def _touch(parent):
    # A part changed, so the parent's representation changed: bump updated_at for sync clients
    # (`updated_after`) without writing a parent history row — the part's own history holds it.
    now = timezone.now()
    type(parent).objects.filter(pk=parent.pk).update(updated_at=now)
    parent.updated_at = now


def _check_citations(records):
    for record in records:
        # A retraction never needs a new citation: it takes a record out of public view.
        if record.published_at and not record.retracted_at and not record.citations.exists():
            raise ValidationError(
                {"citations": f"{record.record_type} '{record.slug}' is published but has no citation; "
                              "add at least one source with a quote, or leave it unpublished."}
            )
