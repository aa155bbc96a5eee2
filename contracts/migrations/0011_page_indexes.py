"""The index the agreements pages read in their default order (newest best known date first, then id): the page
of rows, and the sample a facet takes when the results are too many to count by value (registry/facets.py), read
in that order from the index instead of sorting every public agreement. Partial: public agreements only, as the
pages list them. PostgreSQL only (EXPLAIN ANALYZE in docs/pages-performance.md); SQLite sorts its small tables."""

from django.db import migrations

INDEX = "agreement_public_date_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON contracts_agreement (best_known_on DESC NULLS LAST, id DESC) "
            "WHERE published_at IS NOT NULL AND retracted_at IS NULL")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("contracts", "0009_agency_usaspending_code")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
