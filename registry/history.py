"""What the registry said at a moment: a record and its parts rebuilt from history."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from registry.models import ChangeLog, Citation


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
