"""GIN index over each searched type's SearchVector expression — PostgreSQL only.

The fields are copied from the model's ``search_fields`` (tests/pages/test_search.py checks that
they still agree). The expression must be exactly the one registry.search queries with, so that
PostgreSQL can use the index. On SQLite this migration does nothing: search uses icontains there.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_INDEXES = {
    # model name: (index name, search_fields)
    "designation": ("designation_search_idx", ("title", "authority_cited", "scope", "public_reason", "status_note",
                                               "issuing_official", "notes")),
    "testingdisclosure": ("testing_search_idx", ("title", "summary", "models_tested", "model_version", "notes")),
    "event": ("event_search_idx", ("title", "summary", "court", "case_number", "notes")),
}


def search_indexes(apps):
    for model_name, (index_name, fields) in SEARCH_INDEXES.items():
        model = apps.get_model("disclosures", model_name)
        yield model, GinIndex(SearchVector(*fields, config="english"), name=index_name)


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in search_indexes(apps):
        schema_editor.add_index(model, index)


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in search_indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0002_end_date_widest_reading")]
    operations = [migrations.RunPython(add_search_indexes, remove_search_indexes)]
