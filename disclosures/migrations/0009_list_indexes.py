"""Indexes that match the designation, testing-disclosure and event lists' default orderings and vendor
filters — PostgreSQL only (see contracts/migrations/0010_list_indexes.py for why and how)."""

from django.db import migrations

PUBLIC = "published_at IS NOT NULL AND retracted_at IS NULL"
INDEXES = {
    # name: (table, columns, condition)
    "designation_public_date_idx": ("disclosures_designation", "announced_on DESC NULLS LAST, id DESC", PUBLIC),
    "designation_public_status_date_idx": ("disclosures_designation",
                                           "status, announced_on DESC NULLS LAST, id DESC", PUBLIC),
    "testing_public_disclosed_idx": ("disclosures_testingdisclosure", "disclosed_on DESC NULLS LAST, id DESC",
                                     PUBLIC),
    "testingvendor_vendor_disclosure_idx": ("disclosures_testingdisclosurevendor", "vendor_id, disclosure_id", ""),
    "event_public_occurred_idx": ("disclosures_event", "occurred_on DESC NULLS LAST, id DESC", PUBLIC),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, columns, condition) in INDEXES.items():
        where = f" WHERE {condition}" if condition else ""
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}){where}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0008_field_confidence")]

    operations = [migrations.RunPython(create, drop)]
