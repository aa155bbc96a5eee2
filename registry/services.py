"""The one write path. Every change to a public record — admin, seed loader, importers,
submission approval — comes through here, so history and the change log never miss one.

``apply_change(record, user=..., reason=...)`` checks and saves the record, writes its history row
with who and why, and logs it in the change log, all in one transaction. A change to a part of a
record (citation, party, term, marker, link) also logs ``updated`` for the record it belongs to.
``apply_changes(records, ...)`` is the bulk variant: records of one type written with their
history rows in a bounded number of queries per batch. ``retract(record, ...)`` is the one
retraction, with its cascade to the records shown only through this one.

Every save happens inside a change set (``change_set(...)``; ``apply_change`` opens one when none
is open). A change set is a ``registry.models.ChangeSet`` row: its reason, public credit, user and
time. It logs one ChangeLog row per record it touched, however many of its parts changed; the rows
are written when it closes, all ids taken under one lock of the counter row: internal ids for
every row, public ids (gapless, in commit order) only for public rows.
"""

import contextvars
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from registry import bulk_rows, timeline
from registry import models as registry_models
from registry.constraints import as_validation_error
from registry.models import ChangeCounter, ChangeLog, Citation
from registry.normalize import normalize_url

STAFF_CREDIT = "registry staff"
BATCH_SIZE = 500

# Slugs that would collide with the pages under /<type>/ (e.g. /agreements/new/, /agreements/csv/).
RESERVED_SLUGS = frozenset({"new", "csv", "feed", "matrix", "compare", "revisions", "timeline", "history"})

_current_change_set = contextvars.ContextVar("current_change_set", default=None)
# model -> checks run when a change set closes, over the published records of that model it touched
# (itself or through a part): each raises ValidationError. Apps register theirs in AppConfig.ready().
_close_checks = defaultdict(list)


def add_close_check(model, check):
    """Run ``check(records)`` when a change set that touched published ``model`` records closes: a rule
    across a record and its parts (e.g. an agreement's terms disclosure against its terms)."""
    if check not in _close_checks[model]:
        _close_checks[model].append(check)


@dataclass
class _Entry:
    record: object
    action: str
    public: bool
    history_id: int | None = None
    at: object = None  # when the change happened, if not when the change set was applied (a backdated import)


@dataclass
class OpenChangeSet:
    """A change set being applied; written as a ``ChangeSet`` row with its ChangeLog rows on close."""

    user: object
    reason: str
    credited_to: str = STAFF_CREDIT
    logged: dict = field(default_factory=dict)  # (record_type, pk) -> _Entry
    history: dict = field(default_factory=dict)  # (model, pk) -> latest history id written here
    touched: dict = field(default_factory=lambda: defaultdict(dict))  # model -> {pk: time} of updated_at to set
    published: list = field(default_factory=list)  # records that must have a citation at the end
    newly_public: list = field(default_factory=list)  # records published in this change: check their parts
    notices: list = field(default_factory=list)  # public notices (corrections, retractions) to write on close
    row: object = None  # the ChangeSet row, once written
    now: object = field(default_factory=timezone.now)  # one time for every write of the change set


def current_change_set():
    return _current_change_set.get()


@contextmanager
def change_set(*, user, reason, credited_to=STAFF_CREDIT):
    """Group saves into one change: one transaction, one ChangeLog row per record changed."""
    outer = _current_change_set.get()
    if outer is not None:  # nested: join the outer change
        yield outer
        return
    if not (reason or "").strip():
        raise ValidationError({"reason": "Every change needs a reason."})
    current = OpenChangeSet(user=user, reason=reason.strip(), credited_to=credited_to)
    token = _current_change_set.set(current)
    try:
        with transaction.atomic():
            yield current
            _check_citations(current.published)
            _check_parts_are_public(current.newly_public)
            _run_close_checks(current)
            _close(current)
            # After _close has taken the change counter's lock: change sets rewrite the timeline one at a time,
            # each reading what the one before committed (two at once could each keep an entry of one record).
            _refresh_timeline(current)
    finally:
        _current_change_set.reset(token)


def _remember_history(sender, instance, history_instance, **kwargs):
    current = _current_change_set.get()
    if current is not None:
        current.history[type(instance), instance.pk] = history_instance.history_id


post_create_historical_record.connect(_remember_history, dispatch_uid="registry.services.remember_history")


# --- checks ---------------------------------------------------------------------------------

_UNKNOWN = object()


def check_record(record, *, stored_published_at=_UNKNOWN):
    """Every check a record must pass before it is written, in Python (no query for a record whose
    references are loaded). Raises ValidationError naming each field; returns True when the record
    becomes public with this change.

    ``full_clean`` runs without ``validate_unique`` and ``validate_constraints``: each model's
    ``clean()`` makes its constraints' checks (with the field named), the database enforces the
    constraints and unique columns, and ``registry.constraints`` names the field of any refusal. A
    foreign key whose record is in hand is not looked up again. ``stored_published_at``: what the
    caller read of the stored record in this transaction (else it is read here, one query).
    """
    errors = {}
    slug = getattr(record, "slug", None)
    if hasattr(record, "record_type") and slug in RESERVED_SLUGS:
        errors["slug"] = [f"“{slug}” is reserved: it is the address of a page. Choose another slug."]
    loaded = [f.name for f in record._meta.concrete_fields if f.is_relation and f.is_cached(record)]
    try:
        record.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return _check_publication(record, stored_published_at)


def _is_public_record_model(model):
    return hasattr(model, "record_type") and hasattr(model, "published_at") and model.record_type is not None


def _stored_published_at(record, known=_UNKNOWN):
    """published_at as stored (read in this transaction by the caller, or here)."""
    if record._state.adding:
        return None
    if known is not _UNKNOWN:
        return known
    return type(record).objects.filter(pk=record.pk).values_list("published_at", flat=True).first()


def _check_publication(record, stored_published_at=_UNKNOWN):
    """What is shown shows only published records, and a published record is never unpublished
    (it is retracted). Returns True when ``record`` becomes public with this change."""
    errors = {}
    became_public = False
    if _is_public_record_model(type(record)):
        was_published = _stored_published_at(record, stored_published_at) is not None
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


def _by_model(records):
    groups = defaultdict(list)
    for record in records:
        groups[type(record)].append(record)
    return groups


def _check_parts_are_public(records):
    """Records published in this change may not show drafts through their parts (parties, links,
    citations): one query per kind of part per type of record, however many records."""
    for model, group in _by_model({id(r): r for r in records}.values()).items():
        for relation in model._meta.related_objects:
            part_model = relation.related_model
            if getattr(part_model, "change_parent_field", None) != relation.field.name \
                    or _is_public_record_model(part_model):
                continue
            references = [f.name for f in part_model._meta.concrete_fields
                          if f.is_relation and f.name != relation.field.name
                          and _is_public_record_model(f.related_model)]
            for part in part_model.objects.filter(**{f"{relation.field.name}__in": group}).select_related(*references):
                problems = _draft_references(part, skip=(relation.field.name,))
                if problems:
                    raise ValidationError({relation.get_accessor_name(): list(problems.values())})
        if hasattr(model, "citations"):
            content_type = ContentType.objects.get_for_model(model)
            drafts = [c.source for c in Citation.objects.filter(
                target_type=content_type, target_id__in=[r.pk for r in group],
                source__published_at__isnull=True).select_related("source")]
            if drafts:
                raise ValidationError({"citations": [f"The source “{s}” is a draft: publish it first." for s in drafts]})


def _run_close_checks(current):
    """The registered rules across records and their parts, once per model, on what this change touched."""
    for model, checks in _close_checks.items():
        records = [entry.record for entry in current.logged.values() if type(entry.record) is model
                   and entry.record.published_at and not entry.record.retracted_at]
        if records:
            for check in checks:
                check(records)


def _check_citations(records):
    """A published record needs a citation; one query per type of record."""
    # A retraction never needs a new citation: it takes a record out of public view.
    for model, group in _by_model({id(r): r for r in records}.values()).items():
        group = [r for r in group if r.published_at and not r.retracted_at]
        if not group:
            continue
        content_type = ContentType.objects.get_for_model(model)
        cited = set(Citation.objects.filter(target_type=content_type, target_id__in=[r.pk for r in group])
                    .values_list("target_id", flat=True))
        for record in group:
            if record.pk not in cited:
                raise ValidationError(
                    {"citations": f"{record.record_type} '{record.slug}' is published but has no citation; "
                                  "add at least one source with a quote, or leave it unpublished."}
                )


# --- writes ---------------------------------------------------------------------------------

def apply_change(record, *, user=None, reason=None, action=None, validate=True, credited_to=STAFF_CREDIT):
    """Check and save one record (public record or a part of one) with history and a ChangeLog row.

    ``action`` is worked out when omitted: created for a new record, updated otherwise.
    Returns the record.
    """
    with change_set(user=user, reason=reason, credited_to=credited_to) as current:
        became_public = check_record(record) if validate else _check_publication(record)
        is_new = record._state.adding
        if hasattr(record, "updated_at"):
            record.updated_at = current.now
        record._history_date = current.now
        record._history_user = current.user
        record._change_reason = current.reason
        try:
            with _named_refusals():
                record.save()
        finally:
            del record._history_user, record._change_reason, record._history_date
        _after_write(current, record, became_public,
                     action or (ChangeLog.Action.CREATED if is_new else ChangeLog.Action.UPDATED))
    return record


def apply_changes(records, *, user=None, reason=None, credited_to=STAFF_CREDIT, validate=True):
    """The bulk variant: records (of any types, each type written in bulk) checked, saved with their
    history rows and logged, in one change set. A bad record stores nothing."""
    records = list(records)
    with change_set(user=user, reason=reason, credited_to=credited_to):
        became_public, errors, stored = {}, [], {}
        for model, group in _by_model(records).items():  # what is stored, one query per type
            if hasattr(model, "published_at") and any(not r._state.adding for r in group):
                stored.update({(model, pk): at for pk, at in model.objects.filter(
                    pk__in=[r.pk for r in group if not r._state.adding]).values_list("pk", "published_at")})
        for record in records:
            known = stored.get((type(record), record.pk), _UNKNOWN)
            try:
                became_public[id(record)] = (check_record(record, stored_published_at=known) if validate
                                             else _check_publication(record, known))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError([message for error in errors for message in _messages(error)])
        for model, group in _by_model(records).items():
            write_records(model, group, became_public=became_public)
    return records


def write_records(model, records, *, became_public=None):
    """Write already-checked records of one model in bulk: INSERT/UPDATE, history rows with who and
    why, ChangeLog entries and the parents' ``updated_at`` — a few queries per batch of 500.

    A new record given a ``_history_date`` (the loader's, for an import that states when the record was
    published) is written as of that time: its updated_at, its first history row and its change row.
    """
    current = _current_change_set.get()
    if current is None:
        raise RuntimeError("write_records runs inside a change set.")
    became_public = became_public or {}
    now = current.now
    new = [r for r in records if r._state.adding]
    old = [r for r in records if not r._state.adding]
    backdated = {id(r): r.__dict__.pop("_history_date") for r in records if "_history_date" in r.__dict__}
    for record in old:
        backdated.pop(id(record), None)  # only a record's first statement is backdated
    for record in records:
        if hasattr(record, "updated_at"):
            record.updated_at = backdated.get(id(record), now)
        if hasattr(record, "derive_fields"):
            record.derive_fields()  # bulk writes skip save(): stored derived columns kept in step here
        if isinstance(record, registry_models.Source):
            record.url = normalize_url(record.url)
    written = {}  # True/False (created or not) -> the values bulk_rows wrote, which the history rows reuse
    with _named_refusals():  # large batches written without Django's per-value compiling (bulk_rows)
        if new:
            if bulk_rows.supports(model, len(new)):
                written[True] = bulk_rows.insert(model, new)
            else:
                model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if old:
            columns = [f.name for f in model._meta.concrete_fields if not f.primary_key]
            if bulk_rows.supports(model, len(old)):
                written[False] = bulk_rows.update(model, old, columns)
            else:
                model.objects.bulk_update(old, columns, batch_size=BATCH_SIZE)
    for created, group in ((True, new), (False, old)):
        if not group:
            continue
        for record in group:
            if id(record) in backdated:
                record._history_date = backdated[id(record)]
        try:
            history_ids = bulk_rows.insert_history(model, group, update=not created, default_user=_user(current),
                                                   default_change_reason=current.reason, default_date=now,
                                                   written=written.get(created))
        finally:
            for record in group:
                record.__dict__.pop("_history_date", None)
        for record, history_id in zip(group, history_ids, strict=True):
            current.history[model, record.pk] = history_id
            record._state.adding = False
            _after_write(current, record, became_public.get(id(record), False),
                         ChangeLog.Action.CREATED if created else ChangeLog.Action.UPDATED,
                         at=backdated.get(id(record)))
    return records


def remove_part(part, *, user=None, reason=None, credited_to=STAFF_CREDIT):
    """Remove a part of a record (a citation, party or link no longer stated). Its history keeps
    the removal with who and why; the record it belonged to is logged as updated."""
    with change_set(user=user, reason=reason, credited_to=credited_to) as current:
        parent = part.change_parent
        part._history_user = current.user
        part._change_reason = current.reason
        part._history_date = current.now  # dated with the change set, so the record as of it no longer has the part
        part.delete()
        if parent is not None:
            _touch(current, parent)
            _log(current, parent, ChangeLog.Action.UPDATED)


def retract(record, *, user, reason, at=None, notice=True):
    """The one retraction, used by the admin, the loader, moderation and imports. A retracted
    record keeps its URL, leaves lists, and the feed says so.

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
        was_published = record.published_at is not None
        record.retracted_at = at or timezone.now()
        record.retraction_reason = reason
        apply_change(record, action=ChangeLog.Action.RETRACTED)
        for child in _visibility_children(record):
            retract(child, user=user, at=record.retracted_at, notice=False,
                    reason=f"Retracted with its {record.record_type} “{record}”: {reason}")
        if notice and was_published:
            give_notice(record, kind=registry_models.Notice.Kind.RETRACTION, text=reason, at=record.retracted_at)
    return record


def give_notice(record, *, kind, text, at=None, submission=None):
    """A dated public notice of a correction or retraction (the record's page and /corrections/),
    credited as the change set that made the change is."""
    current = _current_change_set.get()
    if current is None:
        raise RuntimeError("A notice is given inside the change set that makes its change.")
    notice = registry_models.Notice(
        kind=kind, record_type=record.record_type, slug=record.slug, title=str(record)[:300], text=text,
        at=at or current.now, credited_to=current.credited_to, submission=submission)
    current.notices.append(notice)  # written when the change set closes, naming its row
    return notice


def _visibility_children(record):
    """Published, unretracted records whose visibility depends on ``record`` (see ``visibility_parents``)."""
    for relation in record._meta.related_objects:
        model = relation.related_model
        if relation.field.name in getattr(model, "visibility_parents", ()):
            yield from model.objects.published_unretracted().filter(**{relation.field.name: record})


# --- the change log -------------------------------------------------------------------------

def _after_write(current, record, became_public, action, at=None):
    if became_public:
        current.newly_public.append(record)
    if hasattr(record, "slug") and hasattr(record, "record_type"):
        _log(current, record, action, at=at)
        if getattr(record, "requires_citation", False) and record.published_at:
            current.published.append(record)
    parent = record.change_parent
    if parent is not None:
        _touch(current, parent, at=at)
        _log(current, parent, ChangeLog.Action.UPDATED, at=at)


def _log(current, record, action, at=None):
    """One ChangeLog entry per record per change set; a later 'created'/'retracted' wins over 'updated'."""
    key = (record.record_type, record.pk)
    existing = current.logged.get(key)
    if existing is not None:
        if action != ChangeLog.Action.UPDATED and existing.action == ChangeLog.Action.UPDATED:
            existing.action = action
        existing.record = record
        existing.public = existing.public or record.published_at is not None
        if at is None:
            existing.at = None  # a change made now, not only the backdated statement
        return existing
    entry = _Entry(record=record, action=action, public=record.published_at is not None, at=at)
    current.logged[key] = entry
    return entry


def _touch(current, parent, at=None):
    # A part changed, so the parent's representation changed: bump updated_at for sync clients
    # (`updated_after`) without writing a parent history row — the part's own history holds it.
    # Written once per type of parent (and time) when the change set closes. A part backdated with
    # its new parent (a load) leaves the parent at that time, unless another change touches it now.
    touched = current.touched[type(parent)]
    at = current.now if at is None or touched.get(parent.pk, at) != at else at
    touched[parent.pk] = parent.updated_at = at


def _refresh_timeline(current):
    """The timeline entries of every published record the change set touched (and of the records whose
    facts concern them), rewritten in its transaction; drafts have none, so a change to drafts costs nothing."""
    touched = {(type(entry.record), entry.record.pk): entry.at or current.now
               for entry in current.logged.values() if entry.public}
    if touched:
        timeline.refresh(touched, at=current.now)


def _close(current):
    """Write the change set: parents' updated_at, the ChangeSet row, its ChangeLog rows."""
    now = current.now
    for model, times in current.touched.items():
        by_time = defaultdict(list)
        for pk, at in times.items():
            by_time[at].append(pk)
        singles = []
        for at, pks in by_time.items():
            if len(pks) > 1:
                model.objects.filter(pk__in=pks).update(updated_at=at)
            else:
                singles.append(model(pk=pks[0], updated_at=at))
        # A load of backdated records touches each parent at its own time: one statement run per record.
        if bulk_rows.supports(model, len(singles)):
            bulk_rows.update(model, singles, ["updated_at"])
        else:
            model.objects.bulk_update(singles, ["updated_at"], batch_size=BATCH_SIZE)
    if not current.logged:
        return
    _write_change_set(current, now)
    for notice in current.notices:
        notice.change_set = current.row
    registry_models.Notice.objects.bulk_create(current.notices)


def _write_change_set(current, now):
    entries = list(current.logged.values())
    _fill_history_ids(current, entries)
    _announce_first_publication(entries)
    public = sum(1 for entry in entries if entry.public)
    last_id, last_public_id = _take_change_ids(len(entries), public)
    first_id, first_public_id = last_id - len(entries) + 1, last_public_id - public + 1
    user = _user(current)
    # A change set of backdated records (a load of records published earlier) is dated by its latest.
    public_entries = [entry for entry in entries if entry.public]
    current.row = registry_models.ChangeSet.objects.create(
        at=max(entry.at or now for entry in entries), reason=current.reason, credited_to=current.credited_to,
        user=user, first_public_id=first_public_id if public else None, public_records=public,
        public_created=sum(1 for entry in public_entries if entry.action == ChangeLog.Action.CREATED),
        public_retracted=sum(1 for entry in public_entries if entry.action == ChangeLog.Action.RETRACTED))
    rows, next_public = [], first_public_id
    for offset, entry in enumerate(entries):
        public_id = None
        if entry.public:
            public_id, next_public = next_public, next_public + 1
        rows.append(ChangeLog(id=first_id + offset, public_id=public_id, change_set=current.row, at=entry.at or now,
                              record_type=entry.record.record_type, slug=entry.record.slug, action=entry.action,
                              history_id=entry.history_id, reason=current.reason, public=entry.public,
                              credited_to=current.credited_to, user=user))
    if bulk_rows.supports(ChangeLog, len(rows)):
        bulk_rows.insert(ChangeLog, rows)  # ids given: no query to take them
    else:
        ChangeLog.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _take_change_ids(count, public):
    """Reserve ``count`` change ids, ``public`` of them public, in one statement: the UPDATE takes the row's
    write lock (PostgreSQL) or the database's (SQLite) at once, so no other change set can read the same
    counter in between. Returns the last ids reserved."""
    table = connection.ops.quote_name(ChangeCounter._meta.db_table)
    sql = (f"UPDATE {table} SET last_id = last_id + %s, last_public_id = last_public_id + %s WHERE id = 1 "  # noqa: S608 - table name from _meta; the counts are parameters
           "RETURNING last_id, last_public_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, public])
        row = cursor.fetchone()
    if row is None:  # the counter row is made by a migration; a flushed test database has none
        ChangeCounter.objects.get_or_create(pk=1)
        return _take_change_ids(count, public)
    return row


def _fill_history_ids(current, entries):
    """The history row each entry's record stood at: known for records saved here; one query per
    type for parents whose parts alone changed."""
    missing = defaultdict(list)
    for entry in entries:
        entry.history_id = current.history.get((type(entry.record), entry.record.pk))
        if entry.history_id is None:
            missing[type(entry.record)].append(entry)
    for model, group in missing.items():
        latest = dict(model.history.filter(id__in=[e.record.pk for e in group]).values("id")
                      .annotate(latest=Max("history_id")).values_list("id", "latest"))
        for entry in group:
            entry.history_id = latest.get(entry.record.pk)


def _announce_first_publication(entries):
    """A record's first public change is logged as created, so feeds announce it when published."""
    candidates = [e for e in entries if e.public and e.action == ChangeLog.Action.UPDATED]
    if not candidates:
        return
    condition = Q()
    for record_type in {e.record.record_type for e in candidates}:
        condition |= Q(record_type=record_type, slug__in=[e.record.slug for e in candidates
                                                          if e.record.record_type == record_type])
    seen = set(ChangeLog.objects.public().filter(condition).values_list("record_type", "slug").distinct())
    for entry in candidates:
        if (entry.record.record_type, entry.record.slug) not in seen:
            entry.action = ChangeLog.Action.CREATED  # first seen by the public: published just now


# --- helpers --------------------------------------------------------------------------------

def _user(current):
    return current.user if getattr(current.user, "pk", None) else None


@contextmanager
def _named_refusals():
    """The database's refusal as a ValidationError on the constraint's field."""
    try:
        yield
    except IntegrityError as error:
        raise as_validation_error(error) from error


def _messages(error):
    if hasattr(error, "error_dict"):
        return [f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages]
    return list(error.messages)

