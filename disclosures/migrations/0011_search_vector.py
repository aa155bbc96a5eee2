"""A stored generated ``search_vector`` column per searched type, with a GIN index over it — PostgreSQL only.

The column holds exactly the SearchVector the expression indexes of 0003 were built over (same fields, same
config), so a database migrated before this step finds the same records after it; those expression indexes
are dropped (the query no longer uses them) and come back on reversal. Why: with an expression index,
PostgreSQL read every matching row again and recomputed its to_tsvector (docs/search.md). The fields are
copied from the model's ``search_fields`` (tests/pages/test_search.py checks that they still agree); a
change of them needs a new step that drops and adds the column again. On SQLite this does nothing: search
uses the FTS5 tables of 0004.
"""

from django.db import migrations

from registry.search import add_stored_vector, remove_stored_vector

SEARCH_VECTORS = {
    # model name: (index name, search_fields, the expression index it replaces)
    "designation": ("designation_search_vector_idx",
                    ("title", "authority_cited", "scope", "public_reason", "status_note", "issuing_official", "notes"),
                    "designation_search_idx"),
    "testingdisclosure": ("testing_search_vector_idx", ("title", "summary", "models_tested", "model_version", "notes"),
                          "testing_search_idx"),
    "event": ("event_search_vector_idx", ("title", "summary", "court", "case_number", "notes"), "event_search_idx"),
}
APP = "disclosures"


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (index_name, fields, replaces) in SEARCH_VECTORS.items():
        add_stored_vector(schema_editor, apps.get_model(APP, model_name), fields, index_name, replaces)


def remove_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (index_name, fields, replaces) in SEARCH_VECTORS.items():
        remove_stored_vector(schema_editor, apps.get_model(APP, model_name), fields, index_name, replaces)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0009_list_indexes")]
    operations = [migrations.RunPython(add_vectors, remove_vectors)]
