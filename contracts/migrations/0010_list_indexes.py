"""Indexes that match the API's and pages' list filters and orderings — PostgreSQL only.

Lists read public rows (published, not retracted) in a keyset order that ends in id, NULLs last
(registry/pagination.py): an index in exactly that order lets PostgreSQL read the first page and stop,
instead of reading and sorting every matching row. The vendor filter is an EXISTS over the parties, answered
from (vendor, agreement) alone. SQLite lists are small and its index syntax has no NULLS LAST: nothing there.
docs/api-performance.md has the EXPLAIN ANALYZE before and after.
"""

from django.db import migrations

PUBLIC = "published_at IS NOT NULL AND retracted_at IS NULL"
INDEXES = {
    # name: (table, columns, condition)
    "agreement_public_date_idx": ("contracts_agreement", "best_known_on DESC NULLS LAST, id DESC", PUBLIC),
    "agreement_public_status_date_idx": ("contracts_agreement", "status, best_known_on DESC NULLS LAST, id DESC",
                                         PUBLIC),
    "agreementparty_vendor_agreement_idx": ("contracts_agreementparty", "vendor_id, agreement_id", ""),
    "term_public_category_idx": ("contracts_publicterm", "category, id", PUBLIC),
    "vendor_public_name_idx": ("contracts_vendor", "name, id", PUBLIC),
    "agency_public_name_idx": ("contracts_agency", "name, id", PUBLIC),
    "marker_public_title_idx": ("contracts_classifiedaddendummarker", "title, id", PUBLIC),
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
    dependencies = [("contracts", "0009_agency_usaspending_code")]

    operations = [migrations.RunPython(create, drop)]
