"""The timeline: every dated fact of the public records, in one table (``TimelineEntry``) kept in step by
the write path, so that /timeline/, its feed and each record's timeline are one query at any size.

Each app says, in its AppConfig.ready(), what its records contribute (the core never names them):

- ``add_producer(model, produce, kinds)``: ``produce(queryset)`` yields a ``Fact`` for each dated fact of
  the public records in ``queryset`` (its kind, its partial date, the records it concerns); ``kinds`` is
  ``{kind: label}`` (e.g. ``{"agreement.announced": "Agreement announced"}``), the words pages show and
  the choices of the ``kind`` filter.
- ``add_dependents(model, dependents)``: ``dependents(records)`` returns ``{model: [pks]}`` of other records
  whose facts concern these ones through their parts (an event linked to an agreement concerns the
  agreement's vendors): a change to these rewrites those too.
- ``show_on(record_type, scope=None)``: the record type's page shows its timeline (``for_page``);
  ``scope(record)`` gives the ids of the records it covers (an agency: itself and its sub-agencies).

When a change set closes (registry/services.py), ``refresh()`` rewrites the entries of every record it
touched (a part's change touches its record; a retraction touches each record of its cascade) and of their
dependents, in the change set's transaction, once it holds the change counter's lock (so change sets rewrite
one after another): entries exist only for ``.public()`` records. A fact whose
date and precision are unchanged keeps its ``recorded_at``; a new or changed one gets the change's time.
``rebuild()`` (the ``rebuild_timeline`` command) rewrites the whole table.

Other pages may read it: ``entries_for(record, limit=...)`` (a record's timeline, oldest first) and
``TimelineEntry.objects.concerning(record_type, ids)``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from registry import bulk_rows
from registry.models import TimelineEntry, TimelineSubject

BATCH_SIZE = 500
# How many entries a record's page shows (the newest, oldest first); the full timeline has the rest.
PAGE_ENTRIES = 100


@dataclass(frozen=True)
class Fact:
    record: object
    kind: str
    when: object  # a PartialDate
    subjects: frozenset = field(default_factory=frozenset)  # {(record type, id)}, the record itself added


@dataclass(frozen=True)
class Producer:
    produce: object
    kinds: dict


_PRODUCERS = {}  # model -> Producer
_DEPENDENTS = defaultdict(list)  # model -> [dependents(records) -> {model: [pks]}]
_SCOPES = {}  # record type -> scope(record) -> ids (or None: the record alone)
_LABELS = {}  # kind -> label


def add_producer(model, produce, kinds):
    _PRODUCERS[model] = Producer(produce, dict(kinds))
    _LABELS.update(kinds)


def add_dependents(model, dependents):
    if dependents not in _DEPENDENTS[model]:
        _DEPENDENTS[model].append(dependents)


def show_on(record_type, scope=None):
    _SCOPES[record_type] = scope


def kinds():
    """[(kind, label)] of every registered kind, in registration order."""
    return list(_LABELS.items())


def kind_choices():
    """The ``kind`` filter's choices, grouped by record type: [("Agreements", [(kind, label), …]), …]."""
    from registry.interchange import by_name

    return [(by_name(model.record_type).label, list(producer.kinds.items())) for model, producer in _PRODUCERS.items()]


def label_of(kind):
    return _LABELS.get(kind, kind)


# --- writing ---------------------------------------------------------------------------------

def refresh(touched, *, at=None):
    """Rewrite the entries of ``touched`` records, ``{(model, pk): time of the change}``, and of their
    dependents (a new fact of a dependent is recorded ``at``, the change set's time). A few queries per batch
    of 500 records per type; nothing for records with no producer."""
    at = at or timezone.now()
    pending = defaultdict(dict)
    for (model, pk), changed_at in touched.items():
        pending[model][pk] = changed_at
    _add_dependents(pending)
    for model, times in pending.items():
        if model not in _PRODUCERS:
            continue
        pks = list(times)
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = {pk: times[pk] for pk in pks[start:start + BATCH_SIZE]}
            _rewrite(model, chunk, at)


def _add_dependents(pending):
    frontier = {model: list(times) for model, times in pending.items()}
    while frontier:
        found = defaultdict(list)
        for model, pks in frontier.items():
            for dependents in _DEPENDENTS.get(model, ()):
                for start in range(0, len(pks), BATCH_SIZE):
                    for other, other_pks in dependents(pks[start:start + BATCH_SIZE]).items():
                        found[other].extend(pk for pk in other_pks if pk not in pending[other])
        frontier = {}
        for model, pks in found.items():
            new = list(dict.fromkeys(pks))
            if new:
                # A dependent's own facts did not change: it keeps their recorded_at (None: now, if new).
                pending[model].update(dict.fromkeys(new))
                frontier[model] = new


def _rewrite(model, times, at):
    """The entries of these records of ``model`` (``{pk: time}``): deleted, then written again for the public
    ones, each fact keeping its recorded_at when its date and precision are unchanged."""
    record_type = model.record_type
    stored = {(row["record_id"], row["kind"]): row for row in TimelineEntry.objects.filter(
        record_type=record_type, record_id__in=list(times)).values("id", "record_id", "kind", "date",
                                                                    "date_precision", "recorded_at")}
    facts = list(_PRODUCERS[model].produce(model.objects.public().filter(pk__in=list(times))))
    if stored:
        ids = [row["id"] for row in stored.values()]
        TimelineSubject.objects.filter(entry_id__in=ids).delete()
        TimelineEntry.objects.filter(id__in=ids).delete()
    write(facts, lambda fact: _recorded_at(stored, fact, times.get(fact.record.pk) or at))


def _recorded_at(stored, fact, at):
    before = stored.get((fact.record.pk, fact.kind))
    if before and (before["date"], before["date_precision"]) == (fact.when.date, fact.when.precision):
        return before["recorded_at"]
    return at


def write(facts, recorded_at):
    """Insert the entries of ``facts`` and their subjects: two queries per batch."""
    facts = list(facts)
    for start in range(0, len(facts), BATCH_SIZE):
        batch = facts[start:start + BATCH_SIZE]
        entries = [TimelineEntry(record_type=fact.record.record_type, record_id=fact.record.pk, slug=fact.record.slug,
                                 title=str(fact.record)[:300], kind=fact.kind, label=label_of(fact.kind)[:100],
                                 date=fact.when.date, date_precision=fact.when.precision,
                                 sort_key=TimelineEntry.sort_key_of(fact.when), recorded_at=recorded_at(fact))
                   for fact in batch]
        if bulk_rows.supports(TimelineEntry, len(entries)):  # a large batch: the write path's fast INSERT
            bulk_rows.insert(TimelineEntry, entries)
        else:
            TimelineEntry.objects.bulk_create(entries)
        subjects = [TimelineSubject(entry=entry, record_type=record_type, record_id=record_id)
                    for entry, fact in zip(entries, batch, strict=True)
                    for record_type, record_id in {(fact.record.record_type, fact.record.pk), *fact.subjects}
                    if record_id is not None]
        if bulk_rows.supports(TimelineSubject, len(subjects)):
            bulk_rows.insert(TimelineSubject, subjects)
        else:
            TimelineSubject.objects.bulk_create(subjects, batch_size=BATCH_SIZE)


def rebuild():
    """Rewrite the whole table from the public records (for a database that holds records written before
    the timeline existed, or after a change made outside the write path). Facts already in the table with
    the same date keep their recorded_at; others are dated by their record's ``updated_at``: recorded by
    then. Returns the number of entries."""
    covered = Q()
    for model in _PRODUCERS:
        pks = list(model.objects.public().values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = pks[start:start + BATCH_SIZE]
            updated = dict(model.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))
            _rewrite(model, updated, timezone.now())
        covered |= Q(record_type=model.record_type, record_id__in=model.objects.public().values("pk"))
    stale = TimelineEntry.objects.exclude(covered) if covered else TimelineEntry.objects.all()
    TimelineSubject.objects.filter(entry__in=stale.values("pk")).delete()
    stale.delete()
    return TimelineEntry.objects.count()


# --- reading ---------------------------------------------------------------------------------

def scope_of(record):
    """The ids of the records a record's timeline covers: the record, or what its type's scope says."""
    scope = _SCOPES.get(record.record_type)
    return scope(record) if scope else [record.pk]


def entries_for(record, *, limit=PAGE_ENTRIES):
    """The entries concerning ``record`` (and what its type's scope adds: an agency's sub-agencies): the
    newest ``limit``, oldest first, in one query. Each entry gets ``is_own`` (a fact of the record itself).
    Returns (entries, more): ``more`` is True when older entries were left out."""
    rows = list(TimelineEntry.objects.concerning(record.record_type, scope_of(record))
                .order_by("-sort_key", "-id")[: limit + 1])
    more = len(rows) > limit
    entries = list(reversed(rows[:limit]))
    for entry in entries:
        entry.is_own = entry.record_type == record.record_type and entry.record_id == record.pk
    return entries, more


@dataclass
class PageTimeline:
    entries: list
    more: bool
    full_url: str  # /timeline/ filtered to the record, when the timeline has a filter for its type; else ""


def for_page(record_type, record):
    """What a record page shows (None, with no query, for a type whose page shows no timeline)."""
    if record_type not in _SCOPES:
        return None
    from registry.filters import TimelineFilterSet  # the filters read this module's kinds

    entries, more = entries_for(record, limit=PAGE_ENTRIES)
    full_url = ""
    if record_type in TimelineFilterSet.base_filters:
        full_url = f"{reverse('timeline')}?{urlencode({record_type: record.slug})}"
    return PageTimeline(entries, more, full_url)
