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
    "source": ("source_search_idx", ("title", "publisher", "url", "canonical_url", "notes")),
}


def search_indexes(apps):
    for model_name, (index_name, fields) in SEARCH_INDEXES.items():
        model = apps.get_model("registry", model_name)
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
    dependencies = [("registry", "0002_change_counter_row")]
    operations = [migrations.RunPython(add_search_indexes, remove_search_indexes)]
