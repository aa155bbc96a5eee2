"""What the registry said at a moment: a record and its parts rebuilt from history."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, prefetch_related_objects
from rest_framework import serializers

from registry.claims import BOOKKEEPING
from registry.interchange import by_name
from registry.models import ChangeLog, Citation, CitedRecord, HistoricalLink, PublicRecord


def record_as_of(serializer_class, slug, moment):
    """The record as it stood at ``moment`` with its parts (citations, parties, links) as of then;
    None if it did not exist publicly yet. Serialized by the same serializer as the live record."""
    model = serializer_class.Meta.model
    record = model.history.as_of(moment).filter(slug=slug).first()
    if record is None or record.published_at is None or record.published_at > moment:
        return None
    cache = {}
    for name, (part_model, parent_field) in serializer_class.history_parts.items():
        cache[name] = list(part_model.history.as_of(moment).filter(**{parent_field: record.pk}).order_by("id"))
    if "citations" in serializer_class.all_field_names():
        content_type = ContentType.objects.get_for_model(model)
        cache["citations"] = list(Citation.history.as_of(moment).filter(target_type_id=content_type.pk,
                                                                         target_id=record.pk)
                                  .order_by("position", "id"))
    record._prefetched_objects_cache = cache
    # A change to a part alone writes no history row of the record, only its updated_at (and a change
    # row): as of then, the record was last changed at its latest change row up to that moment.
    last_change = ChangeLog.objects.public().filter(record_type=model.record_type, slug=slug, at__lte=moment) \
        .aggregate(at=Max("at"))["at"]
    if last_change is not None and (record.updated_at is None or last_change > record.updated_at):
        record.updated_at = last_change
    return record


# --- a version in the interchange shape, for the revision and diff pages -----------------------

@dataclass
class Version:
    """A record as the registry stated it at a moment: ``record`` (a model instance rebuilt from its
    history row, its parts as of then in ``record.parts_then``), ``data`` (the interchange shape, parts
    included) and ``children``: the public records shown through it then (an agreement's terms and
    markers), ``{record type name: [record as of then]}``. ``loaded`` maps (model, slug) to the records
    its references name, as read to represent it (names for the page without another query)."""

    record: object
    data: dict
    children: dict = field(default_factory=dict)
    loaded: dict = field(default_factory=dict)

    @property
    def statement(self):
        """What the revision pages show and compare: the interchange shape, and the records shown through
        this one in a few words each, under their type's plural ("terms", "addendum_markers")."""
        return {**self.data, **{by_name(name).plural: [child_summary(by_name(name), row) for row in rows]
                                for name, rows in self.children.items()}}


def child_summary(child_type, row):
    """A record shown through another (a term of an agreement) in the interchange shape, without its
    bookkeeping, references and parts: its slug and its own facts."""
    writer = child_type.write_serializer()
    data = {"slug": row.slug}
    for name, serializer_field in writer.fields.items():
        if name in BOOKKEEPING or name in writer.part_fields or serializer_field.write_only \
                or isinstance(serializer_field, (serializers.RelatedField, serializers.ManyRelatedField)):
            continue
        value = serializer_field.get_attribute(row)
        data[name] = value if value is None or isinstance(value, (list, dict)) \
            else serializer_field.to_representation(value)
    return data


def part_relations(model):
    """(relation name, part model, parent field) of each part of ``model``: the through-models whose
    changes are logged on it (``change_parent_field``), e.g. an agreement's parties, participating
    agencies and amounts. Citations are apart (a generic relation)."""
    for relation in model._meta.related_objects:
        part_model = relation.related_model
        if issubclass(part_model, HistoricalLink) and part_model.change_parent_field == relation.field.name:
            yield relation.get_accessor_name(), part_model, relation.field


def child_relations(model):
    """(record type, parent field) of the public records shown through ``model``'s page and logged on it:
    an agreement's terms and classified-addendum markers."""
    for relation in model._meta.related_objects:
        child = relation.related_model
        if issubclass(child, PublicRecord) and child.change_parent_field == relation.field.name:
            yield by_name(child.record_type), relation.field


def stated_order(model, parent_field):
    """A sort key for rows rebuilt from history, in ``model``'s own order (its ``Meta.ordering``, less the
    parent's field: the same order the live relation reads)."""
    names = [name for name in model._meta.ordering if isinstance(name, str) and name != parent_field
             and not name.startswith("-")] or ["id"]
    return lambda row: tuple((value is None, value) for value in (getattr(row, name) for name in names))


def load_references(rows, skip=()):
    """Load the public records the rows' foreign keys name (one query per foreign key that names one)."""
    rows = [row for row in rows if row is not None]
    if not rows:
        return
    model = type(rows[0])
    names = [f.name for f in model._meta.concrete_fields if f.is_relation and f.name not in skip
             and issubclass(f.related_model, PublicRecord) and any(getattr(row, f.attname) for row in rows)]
    if names:
        prefetch_related_objects(rows, *names)


def loaded_records(rows):
    """{(model, slug): record} of the public records the rows' loaded foreign keys hold."""
    found = {}
    for row in rows:
        for f in type(row)._meta.concrete_fields:
            if f.is_relation and f.is_cached(row):
                target = f.get_cached_value(row)
                if isinstance(target, PublicRecord):
                    found[type(target), target.slug] = target
    return found


def rows_as_of(model, moment, **filters):
    """The rows of ``model`` as they stood at ``moment`` (rebuilt from history), filtered: one query."""
    return list(model.history.as_of(moment).filter(**filters))


def version_as_of(record_type, slug, moment):
    """The record of ``record_type`` (a registry.interchange.RecordType) with ``slug`` as the registry stated
    it at ``moment``, with its parts and the public records shown through it as of then; None if it was not
    public yet. One query for the record, one per kind of part, one per kind of record its parts name."""
    model = record_type.model
    record = model.history.as_of(moment).filter(slug=slug).first()
    if record is None or record.published_at is None or record.published_at > moment:
        return None
    parts = {}
    for name, part_model, parent_field in part_relations(model):
        rows = sorted(rows_as_of(part_model, moment, **{parent_field.attname: record.pk}),
                      key=stated_order(part_model, parent_field.name))
        load_references(rows, skip=(parent_field.name,))
        parts[name] = rows
    if issubclass(model, CitedRecord):
        content_type = ContentType.objects.get_for_model(model)
        rows = sorted(rows_as_of(Citation, moment, target_type_id=content_type.pk, target_id=record.pk),
                      key=stated_order(Citation, None))
        load_references(rows)
        parts["citations"] = rows
    record.parts_then = parts
    load_references([record])
    data = record_type.write_serializer().represent(record)
    children = {}
    for child_type, parent_field in child_relations(model):
        rows = [row for row in rows_as_of(child_type.model, moment, **{parent_field.attname: record.pk})
                if row.published_at is not None and row.published_at <= moment and row.retracted_at is None]
        children[child_type.name] = sorted(rows, key=stated_order(child_type.model, parent_field.name))
    loaded = loaded_records([record, *(row for rows in parts.values() for row in rows)])
    return Version(record=record, data=data, children=children, loaded=loaded)
