"""The record files of a snapshot: ``<plural>.jsonl`` (the interchange shape, one record a line) and
``<plural>.csv`` (the type's CSV columns). Published records only, retracted ones included and marked;
never a draft. Ordered by slug; streamed a chunk at a time with its parts read per chunk, so memory
stays flat whatever the size."""

import csv
import gc
import json

from django.db import connection
from django.db.models import Prefetch
from django.db.models.functions import Collate
from rest_framework import serializers

from registry.exports import CHUNK_SIZE, Echo
from registry.models import Citation
from registry.write_serializers import to_interchange

BOM = "\ufeff"


def exported(record_type):
    """What a snapshot holds of a type: its published records, retracted ones included (as the API's
    ``include_retracted=true`` lists them), by slug."""
    return record_type.model.objects.listed(include_retracted=True).order_by(by_slug())


def by_slug():
    """Slugs in code-point order on every database: a PostgreSQL database's collation may be a language's
    (en_US ignores hyphens), and the same records must give the same file everywhere."""
    return Collate("slug", "C") if connection.vendor == "postgresql" else "slug"


def is_record_model(model):
    return hasattr(model, "record_type") and hasattr(model, "slug")


def interchange_reads(model):
    """(select_related, prefetches) with which to_interchange() reads a record of ``model`` without a query of
    its own: the records it refers to, its parts (parties, links, amounts…) with theirs, and its citations."""
    related = [f.name for f in model._meta.concrete_fields if f.is_relation and is_record_model(f.related_model)]
    prefetches = []
    for relation in model._meta.related_objects:
        part = relation.related_model
        if getattr(part, "change_parent_field", None) != relation.field.name or is_record_model(part):
            continue
        references = [f.name for f in part._meta.concrete_fields
                      if f.is_relation and f.name != relation.field.name and is_record_model(f.related_model)]
        rows = part.objects.select_related(*references).order_by(*(part._meta.ordering or ["id"]))
        prefetches.append(Prefetch(relation.get_accessor_name(), queryset=rows))
    if hasattr(model, "citations"):
        prefetches.append(Prefetch("citations", queryset=Citation.objects.select_related("source")
                                   .order_by("position", "id")))
    return related, prefetches


def streamed(queryset, chunk_size=None):
    """The records of ``queryset`` one at a time, read ``chunk_size`` (CHUNK_SIZE) at a time. A chunk's model
    instances and their prefetched parts refer to each other, and such cycles wait for Python's cycle collector,
    which runs too rarely to keep up with a long export: collected after each chunk, they never pile up, so the
    peak stays that of one chunk whatever the number of records (tests/registry/test_bulk_memory.py)."""
    chunk_size = chunk_size or CHUNK_SIZE
    for count, record in enumerate(queryset.iterator(chunk_size=chunk_size), start=1):
        yield record
        if count % chunk_size == 0:
            gc.collect()


def json_line(record_type, record):
    """One record as one line: its type, then the interchange shape and its ``updated_at`` (so that an import
    reproduces the file), keys sorted, no spaces, UTF-8."""
    data = {"type": record_type.name, **to_interchange(record),
            "updated_at": serializers.DateTimeField().to_representation(record.updated_at)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_jsonl(stream, record_type, progress):
    related, prefetches = interchange_reads(record_type.model)
    records = exported(record_type).select_related(*related).prefetch_related(*prefetches)
    rows = 0
    for record in streamed(records):
        stream.write(json_line(record_type, record).encode("utf-8"))
        rows += 1
        progress.update()
    return rows


def write_csv(stream, record_type, addresses, progress, *, bom=False):
    export = record_type.csv
    writer = csv.writer(Echo())  # RFC 4180: QUOTE_MINIMAL, CRLF line endings
    stream.write(((BOM if bom else "") + writer.writerow(export.headers())).encode("utf-8"))
    rows = 0
    for record in streamed(export.prepare(exported(record_type))):
        stream.write(writer.writerow(export.row(record, addresses)).encode("utf-8"))
        rows += 1
        progress.update()
    return rows
