"""Loads interchange-shaped records (docs/interchange.md) through the one write path.

Shared by ``load_seed`` and ``import_bulk``. A load is atomic (a broken file loads
nothing, and every error names the record and the field) and idempotent (a record that already
says what the file says is left alone: no history, no change log row).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from registry.interchange import record_types
from registry.models import Citation, Source
from registry.services import STAFF_CREDIT, change_set, check_record, remove_part, retract, write_records

# Keys that are not changed by a load when the file leaves them out.
KEPT_WHEN_ABSENT = {"created_at"}
# Keys a file may state that are no column of the write serializers: kept for the records the load creates
# (an export states them, so that an import reproduces it), ignored otherwise.
STATED_TIMES = ("updated_at",)
# Columns that say when, not what: comparing them would make every load a change.
NOT_COMPARED = {"created_at", "updated_at"}


class LoadError(Exception):
    """``errors``: every problem as a line; ``problems``: those that belong to one record of the file, as
    (type name, index in its list, "field: message") — what ``import_bulk --skip-invalid`` leaves out."""

    def __init__(self, errors, problems=()):
        self.errors = errors
        self.problems = list(problems)
        super().__init__("\n".join(errors))


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return bool(self.created or self.updated)

    def lines(self):
        if not self.changed:
            return [f"Nothing changed: all {sum(self.unchanged.values())} records already say what the file says."]
        types = [t.name for t in record_types() if self.created[t.name] or self.updated[t.name] or self.unchanged[t.name]]
        return [f"{name}: {self.created[name]} created, {self.updated[name]} updated, {self.unchanged[name]} unchanged"
                for name in types]


def load_records(data, *, user=None, reason="seed data", credited_to=STAFF_CREDIT, locate=None):
    """Load a multi-type interchange document; returns a LoadReport or raises LoadError.
    ``locate(record_type, index)``: where a record is in its file, for the messages (default "agreements[3]")."""
    errors = check_layout(data)
    if errors:
        raise LoadError(errors)
    report = LoadReport()
    try:
        load_all(data, report, errors, user=user, reason=reason, credited_to=credited_to, locate=locate)
    except ValidationError as error:  # raised when the change set closes, e.g. a published record without a citation
        raise LoadError(django_messages(error)) from None
    return report


def load_all(data, report, errors, *, user, reason, credited_to=STAFF_CREDIT, locate=None):
    """Two passes in one change set: every record's own columns first, then the parts (citations,
    parties, links), so that parts may point at any record of the file, even in a cycle. Records
    newly retracted by the file are retracted last, through the one retraction and its cascade."""
    with transaction.atomic():
        with change_set(user=user, reason=reason, credited_to=credited_to):
            load = Load(errors, locate)
            for record_type in record_types():
                load.columns(record_type, data.get(record_type.plural, []))
            for record_type in record_types():
                load.parts(record_type, data.get(record_type.plural, []))
            if errors:
                raise LoadError(errors, load.problems)  # rolls the whole change set back
            load.retract(user)
        load.keep_stated_times()  # after the change set has closed (it sets the updated_at of touched parents)
    for (type_name, _), outcome in load.outcomes.items():
        getattr(report, outcome)[type_name] += 1


# The stronger outcome of a record's two passes wins: created > updated > unchanged.
OUTCOMES = ("unchanged", "updated", "created")


class Load:
    """One load's state: every existing record read once per type (with its parts), so that
    checking references and comparing with the file costs no query per record; writes go through
    the write path's bulk variant, a few queries per type and batch."""

    def __init__(self, errors, locate=None):
        self.errors = errors
        self.problems = []  # (type name, index, message) of the errors that belong to one record
        self.locate = locate
        self.stated_times = defaultdict(list)  # (model, name) -> [(record, time)] of records this load creates
        self.outcomes = {}  # (type name, index) -> outcome
        self.by_slug = {}  # model -> {slug: record}
        self.source_urls = {}  # normalised url -> pk (or a marker for a source new in this file)
        self.to_retract = []  # (record, retracted_at, reason)
        self.stated_at = {}  # (model, slug) -> published_at of a record this load creates, already published
        self.now = timezone.now()
        self.context = {"by_slug": self.by_slug, "source_urls": self.source_urls}
        self.read_existing()

    def read_existing(self):
        models = [t.model for t in record_types()]
        citations = defaultdict(list)
        content_types = ContentType.objects.get_for_models(*models)
        model_of_type = {ct.pk: model for model, ct in content_types.items()}
        for model in models:
            records = list(model.objects.all())
            for relation in part_relations(model):
                prefetch_related_objects(records, relation)
            self.by_slug[model] = {record.slug: record for record in records}
        if any(hasattr(model, "citations") for model in models):
            for citation in Citation.objects.order_by("position", "id"):
                model = model_of_type.get(citation.target_type_id)
                if model is not None:
                    citations[model, citation.target_id].append(citation)
            for model in models:
                if hasattr(model, "citations"):
                    for record in self.by_slug[model].values():
                        prime(record, "citations", citations.get((model, record.pk), []))
        self.source_urls.update({source.url: source.pk for source in self.by_slug.get(Source, {}).values()})

    def where(self, record_type, index, item):
        place = self.locate(record_type, index) if self.locate else f"{record_type.plural}[{index}]"
        return place + (f" ({item['slug']})" if isinstance(item, dict) and isinstance(item.get("slug"), str) else "")

    def fail_record(self, record_type, index, item, messages):
        self.fail(self.where(record_type, index, item), messages)
        self.problems.extend((record_type.name, index, message) for message in messages)

    def serializer(self, record_type, item, instance):
        serializer = record_type.write_serializer(instance=instance, data=item, context=self.context)
        for name in ("slug", "url"):  # uniqueness is checked against the records read in bulk, not per record
            if name in serializer.fields:
                serializer.fields[name].validators = [v for v in serializer.fields[name].validators
                                                      if not isinstance(v, UniqueValidator)]
        return serializer

    def fail(self, where, messages):
        self.errors.extend(f"{where}: {message}" for message in messages)

    def columns(self, record_type, items):
        model = record_type.model
        known = self.by_slug[model]
        seen = set()
        for wave in dependency_waves(record_type.name, items):
            pending, became_public = [], {}
            for index, item in wave:
                try:
                    record, outcome, public_now = self.record_columns(record_type, item, seen)
                except RecordError as error:
                    self.fail_record(record_type, index, item, error.messages)
                    continue
                except ValidationError as error:
                    self.fail_record(record_type, index, item, django_messages(error))
                    continue
                self.outcomes[record_type.name, index] = outcome
                known[record.slug] = record
                if outcome != "unchanged":
                    became_public[id(record)] = public_now
                    pending.append(record)
            # Written even when another record failed (the load is rolled back at the end), so
            # that the rest of the file is still checked against the records it refers to.
            created = [record for record in pending if record._state.adding]
            if pending:
                self.write(model, pending, record_type.plural, became_public)
            for record in created:  # a new record has no parts yet: no query to find that out
                for relation in part_relations(model):
                    prime(record, relation, [])
                if hasattr(model, "citations"):
                    prime(record, "citations", [])

    def record_columns(self, record_type, item, seen):
        """The record as the file states its columns, checked; and whether it is created, updated or unchanged."""
        if not isinstance(item, dict):
            raise RecordError(["a record must be a JSON object."])
        model = record_type.model
        slug = item.get("slug") if isinstance(item.get("slug"), str) else None
        if slug is not None and slug in seen:
            raise RecordError([f"slug: “{slug}” appears more than once among the {record_type.plural}."])
        seen.add(slug)
        instance = self.by_slug[model].get(slug) if slug is not None else None
        serializer_class = record_type.write_serializer
        serializer = self.serializer(record_type, {k: v for k, v in item.items()
                                                   if k not in serializer_class.part_fields and k not in STATED_TIMES},
                                     instance)
        stated, problems = stated_times(item)
        if not serializer.is_valid() or problems:
            raise RecordError((flatten_errors(serializer.errors) if serializer.errors else []) + problems)
        values, _ = serializer.split(serializer.validated_data)
        record = instance or model()
        before = snapshot(record)
        reset_absent_fields(serializer, record, values)
        for name, value in values.items():
            setattr(record, name, value)
        newly_retracted = self.retraction(record, before, instance)
        changed = instance is None or snapshot(record) != before
        public_now = check_record(record, stored_published_at=before.get("published_at")) if changed else False
        if isinstance(record, Source):
            self.source_urls[record.url] = record.pk or f"new:{record.slug}"
        if instance is None:
            self.backdate(record, values)
            for name, time in stated.items():
                self.stated_times[model, name].append((record, time))
            return record, "created", public_now
        return record, "updated" if changed or newly_retracted else "unchanged", public_now

    def backdate(self, record, values):
        """A record the file states as published earlier enters history at that time, as an import
        keeps its times: its first history row, change row and updated_at (and created_at, unless the
        file gives one) say ``published_at``, so ``as_of`` a moment after it finds the record."""
        published_at = getattr(record, "published_at", None)
        if published_at is None or published_at >= self.now:
            return
        record._history_date = published_at
        if "created_at" not in values:
            record.created_at = published_at
        self.stated_at[type(record), record.slug] = published_at

    def retraction(self, record, before, instance):
        """A file may retract a record (through the one retraction, at the end) but never un-retract one.
        Returns True when the file retracts it now."""
        stored_at, stored_reason = before.get("retracted_at"), before.get("retraction_reason", "")
        wanted_at, wanted_reason = record.retracted_at, record.retraction_reason
        if instance is not None and stored_at and not wanted_at:
            if not any(getattr(getattr(record, parent), "retracted_at", None) for parent in record.visibility_parents):
                raise RecordError([f"retracted_at: “{record.slug}” is retracted; a load never un-retracts a record "
                                   "(leave its retracted_at and retraction_reason as they are)."])
            # Retracted with its agreement (the cascade): the file need not repeat it.
            record.retracted_at, record.retraction_reason = stored_at, stored_reason
            return False
        if wanted_at and not stored_at:
            record.retracted_at, record.retraction_reason = None, stored_reason if instance is not None else ""
            self.to_retract.append((record, wanted_at, wanted_reason))
            return True
        return False

    def write(self, model, records, where, became_public=None):
        try:
            write_records(model, records, became_public=became_public)
        except (ValidationError, ValueError) as error:  # the database refused what the checks let through
            self.fail(where, django_messages(error) if isinstance(error, ValidationError) else [str(error)])
            raise LoadError(self.errors) from None

    def parts(self, record_type, items):
        model = record_type.model
        if not record_type.write_serializer.part_fields:
            return
        adds, removes = defaultdict(list), []
        for index, item in enumerate(items):
            key = (record_type.name, index)
            if key not in self.outcomes:
                continue  # its columns failed: already reported
            record = self.by_slug[model][item["slug"]]
            serializer = self.serializer(record_type, {k: v for k, v in item.items() if k not in STATED_TIMES}, record)
            if not serializer.is_valid():
                self.fail_record(record_type, index, item, flatten_errors(serializer.errors))
                continue
            _, parts = serializer.split(serializer.validated_data)
            changed, problems, to_add = False, [], []
            for part_set in serializer.part_sets(record, parts):
                added, removed = part_set.diff()
                for row in added:
                    try:
                        check_record(row)
                    except ValidationError as error:
                        problems.extend(django_messages(error))
                to_add.extend(added)
                removes.extend(removed)
                changed = changed or bool(added or removed)
            if problems:
                self.fail_record(record_type, index, item, problems)
                continue
            stated_at = self.stated_at.get((model, record.slug))
            for row in to_add:
                if stated_at is not None:  # the parts of a record first stated by this load: as of then too
                    row._history_date = stated_at
                adds[type(row)].append(row)
            if changed:
                self.outcomes[key] = max(self.outcomes[key], "updated", key=OUTCOMES.index)
        for row in removes:
            remove_part(row)
        for part_model, rows in adds.items():
            self.write(part_model, rows, record_type.plural)

    def retract(self, user):
        """Parts first (terms, markers), then the records they belong to: a part the file states as retracted
        on its own keeps its own reason; one retracted with its agreement (the same time) is left to the
        cascade, so that an import reproduces both."""
        retracting = {(type(record), record.pk): at for record, at, _ in self.to_retract}
        for record, at, reason in reversed(self.to_retract):
            if any(retracting.get((type(parent), parent.pk)) == at
                   for parent in (getattr(record, name) for name in record.visibility_parents) if parent is not None):
                continue  # retracted with its parent below, by the cascade
            retract(record, user=user, reason=reason, at=at)
        for record, at, reason in self.to_retract:
            if not type(record).objects.retracted().filter(pk=record.pk).exists():
                retract(record, user=user, reason=reason, at=at)  # its parent was already retracted before the load

    def keep_stated_times(self):
        """The times a file states for the records it creates (``updated_at``), written once the change set has
        closed: an export read back says what it said. Bookkeeping columns, as the write path's own
        ``updated_at`` of touched parents: no history row."""
        for (model, name), stated in self.stated_times.items():
            by_time = defaultdict(list)
            for record, time in stated:
                by_time[time].append(record.pk)
            for time, pks in by_time.items():
                model.objects.filter(pk__in=pks).update(**{name: time})


def part_relations(model):
    """The accessor names of a record's parts (parties, links…), as the write path knows them."""
    return [relation.get_accessor_name() for relation in model._meta.related_objects
            if getattr(relation.related_model, "change_parent_field", None) == relation.field.name
            and not hasattr(relation.related_model, "record_type")]


def prime(record, name, rows):
    """Give ``record.<name>.all()`` these rows without a query (as prefetch_related does)."""
    queryset = getattr(record, name).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    record.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def check_layout(data):
    if not isinstance(data, dict):
        return ["The file must hold one JSON object keyed by record type."]
    known = {t.plural for t in record_types()} | {"meta"}
    errors = [f"{key}: unknown record type (expected one of {', '.join(sorted(known))})."
              for key in data if key not in known]
    errors += [f"{t.plural}: must be a list of records." for t in record_types()
               if t.plural in data and not isinstance(data[t.plural], list)]
    return errors


def stated_times(item):
    """({name: datetime}, problems) of the STATED_TIMES a record of a file gives."""
    stated, problems = {}, []
    for name in STATED_TIMES:
        if isinstance(item, dict) and item.get(name) is not None:
            try:
                stated[name] = serializers.DateTimeField().to_internal_value(item[name])
            except serializers.ValidationError as error:
                problems.extend(f"{name}: {message}" for message in error.detail)
    return stated, problems


class RecordError(Exception):
    def __init__(self, messages):
        self.messages = messages


def reset_absent_fields(serializer, record, values):
    """The file states the whole record: a column it leaves out goes back to its default."""
    for name, serializer_field in serializer.fields.items():
        source = serializer_field.source
        if source in values or source in KEPT_WHEN_ABSENT or name in serializer.part_fields or serializer_field.read_only:
            continue
        if source in serializer.accessor_fields:
            setattr(record, source, None)
            continue
        model_field = record._meta.get_field(source)
        setattr(record, model_field.attname, model_field.get_default())


def snapshot(record):
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields
            if f.attname not in NOT_COMPARED and not f.primary_key}


def dependency_waves(type_name, items):
    """Records in waves: a record that another record of the same type refers to (parent,
    supersedes, linked event) is in an earlier wave, so it exists when the later one is written."""
    indexed = list(enumerate(items))
    slugs = {item.get("slug"): (index, item) for index, item in indexed if isinstance(item, dict)}
    depth, visiting = {}, set()

    def place(index, item):
        if index in depth:
            return depth[index]
        if index in visiting:
            return 0
        visiting.add(index)
        level = 0
        for slug in same_type_references(type_name, item):
            if slug in slugs:
                level = max(level, place(*slugs[slug]) + 1)
        visiting.discard(index)
        depth[index] = level
        return level

    for index, item in indexed:
        place(index, item)
    waves = defaultdict(list)
    for index, item in indexed:
        waves[depth[index]].append((index, item))
    return [waves[level] for level in sorted(waves)]


def same_type_references(type_name, item):
    if not isinstance(item, dict):
        return []
    references = [item.get("parent"), item.get("supersedes")]
    if type_name == "event":
        references += [link.get("slug") for link in item.get("links") or [] if isinstance(link, dict)
                       and link.get("type") == "event"]
    return [slug for slug in references if isinstance(slug, str)]


def flatten_errors(errors, prefix=""):
    """DRF's nested errors as 'field.sub[0].x: message' lines."""
    if isinstance(errors, dict):
        return [line for key, value in errors.items()
                for line in flatten_errors(value, join_path(prefix, key))]
    if isinstance(errors, list):
        if all(isinstance(e, (str, bytes)) or hasattr(e, "code") for e in errors):
            return [f"{prefix}: {error}" if prefix else str(error) for error in errors]
        return [line for index, value in enumerate(errors) for line in flatten_errors(value, f"{prefix}[{index}]")]
    return [f"{prefix}: {errors}"]


def join_path(prefix, key):
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def django_messages(error):
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [f"the database refused it: {error}"]
