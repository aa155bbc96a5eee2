"""Loads interchange-shaped records (docs/interchange.md) through the one write path.

Shared by ``load_seed`` and, later, ``import_bulk``. A load is atomic (a broken file loads
nothing, and every error names the record and the field) and idempotent (a record that already
says what the file says is left alone: no history, no change log row).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.interchange import record_types
from registry.models import ChangeLog
from registry.services import apply_change, change_set, remove_part

# Keys that are not changed by a load when the file leaves them out.
KEPT_WHEN_ABSENT = {"created_at"}
# Columns that say when, not what: comparing them would make every load a change.
NOT_COMPARED = {"created_at", "updated_at"}


class LoadError(Exception):
    def __init__(self, errors):
        self.errors = errors
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


def load_records(data, *, user=None, reason="seed data"):
    """Load a multi-type interchange document; returns a LoadReport or raises LoadError."""
    errors = check_layout(data)
    if errors:
        raise LoadError(errors)
    report = LoadReport()
    try:
        load_all(data, report, errors, user=user, reason=reason)
    except ValidationError as error:  # raised when the change set closes, e.g. a published record without a citation
        raise LoadError(django_messages(error)) from None
    return report


def load_all(data, report, errors, *, user, reason):
    """Two passes in one change set: every record's own columns first, then the parts (citations,
    parties, links), so that parts may point at any record of the file, even in a cycle."""
    outcomes = {}
    with change_set(user=user, reason=reason):
        for phase in ("columns", "parts"):
            for record_type in record_types():
                for index, item in in_dependency_order(record_type.name, data.get(record_type.plural, [])):
                    key = (record_type.name, index)
                    if phase == "parts" and key not in outcomes:
                        continue  # its columns failed: already reported
                    where = f"{record_type.plural}[{index}]" + (
                        f" ({item['slug']})" if isinstance(item, dict) and isinstance(item.get("slug"), str) else "")
                    try:
                        with transaction.atomic():
                            outcome = load_one(record_type, item, phase)
                    except RecordError as error:
                        errors.extend(f"{where}: {message}" for message in error.messages)
                        outcomes.pop(key, None)
                        continue
                    except (ValidationError, IntegrityError) as error:
                        errors.extend(f"{where}: {message}" for message in django_messages(error))
                        outcomes.pop(key, None)
                        continue
                    outcomes[key] = max(outcomes.get(key, "unchanged"), outcome, key=OUTCOMES.index)
        if errors:
            raise LoadError(errors)  # rolls the whole change set back
    for (type_name, _), outcome in outcomes.items():
        getattr(report, outcome)[type_name] += 1


# The stronger outcome of a record's two passes wins: created > updated > unchanged.
OUTCOMES = ("unchanged", "updated", "created")


def check_layout(data):
    if not isinstance(data, dict):
        return ["The file must hold one JSON object keyed by record type."]
    known = {t.plural for t in record_types()} | {"meta"}
    errors = [f"{key}: unknown record type (expected one of {', '.join(sorted(known))})."
              for key in data if key not in known]
    errors += [f"{t.plural}: must be a list of records." for t in record_types()
               if t.plural in data and not isinstance(data[t.plural], list)]
    return errors


class RecordError(Exception):
    def __init__(self, messages):
        self.messages = messages


def load_one(record_type, item, phase):
    """One pass over one record: its columns, or its parts. Returns 'created', 'updated' or 'unchanged'."""
    if not isinstance(item, dict):
        raise RecordError(["a record must be a JSON object."])
    model = record_type.model
    instance = model.objects.filter(slug=item["slug"]).first() if isinstance(item.get("slug"), str) else None
    serializer_class = record_type.write_serializer
    if phase == "columns":
        item = {key: value for key, value in item.items() if key not in serializer_class.part_fields}
    serializer = serializer_class(instance=instance, data=item)
    if not serializer.is_valid():
        raise RecordError(flatten_errors(serializer.errors))
    values, parts = serializer.split(serializer.validated_data)
    if phase == "parts":
        return "updated" if apply_parts(serializer.part_sets(instance, parts)) else "unchanged"
    record = instance or model()
    before = snapshot(record)
    reset_absent_fields(serializer, record, values)
    for name, value in values.items():
        setattr(record, name, value)
    record_changed = instance is None or snapshot(record) != before
    if record_changed:
        newly_retracted = record.retracted_at and not (instance and before.get("retracted_at"))
        apply_change(record, action=ChangeLog.Action.RETRACTED if instance and newly_retracted else None)
    if instance is None:
        return "created"
    return "updated" if record_changed else "unchanged"


def apply_parts(part_sets):
    changed = False
    for part_set in part_sets:
        to_add, to_remove = part_set.diff()
        for row in to_remove:
            remove_part(row)
        for row in to_add:
            apply_change(row)
        changed = changed or bool(to_add or to_remove)
    return changed


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


def in_dependency_order(type_name, items):
    """Records that another record of the same type refers to (parent, supersedes, linked event) come first."""
    indexed = list(enumerate(items))
    slugs = {item.get("slug"): (index, item) for index, item in indexed if isinstance(item, dict)}
    ordered, placed, visiting = [], set(), set()

    def place(index, item):
        if index in placed or index in visiting:
            return
        visiting.add(index)
        for slug in same_type_references(type_name, item):
            if slug in slugs:
                place(*slugs[slug])
        visiting.discard(index)
        placed.add(index)
        ordered.append((index, item))

    for index, item in indexed:
        place(index, item)
    return ordered


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
