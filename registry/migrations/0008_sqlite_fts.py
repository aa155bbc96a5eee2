"""FTS5 tables for each searched type, kept in step by triggers — SQLite only.

The fields are copied from the model's ``search_fields`` (tests/pages/test_search.py checks that
they still agree). ``registry.search.install_fts`` creates ``<table>_fts`` (an external-content FTS5
table, tokenizer ``porter unicode61``), its INSERT/UPDATE/DELETE triggers, and indexes the rows
already there. On PostgreSQL this migration does nothing: search uses the GIN indexes of 0003.
A later change of ``search_fields``, or an ALTER that makes SQLite rebuild the table (which drops its
triggers), is repaired after ``migrate`` by ``registry.search.repair_fts``.
"""

from django.db import migrations

from registry.search import install_fts, uninstall_fts

SEARCH_FIELDS = {
    "source": ("title", "publisher", "url", "canonical_url", "notes"),
}
APP = "registry"


def add_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for model_name, fields in SEARCH_FIELDS.items():
        install_fts(schema_editor.connection, apps.get_model(APP, model_name), fields)


def remove_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for model_name in SEARCH_FIELDS:
        uninstall_fts(schema_editor.connection, apps.get_model(APP, model_name))


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_change_sets_required")]
    operations = [migrations.RunPython(add_fts, remove_fts)]
