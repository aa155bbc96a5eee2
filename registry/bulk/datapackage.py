"""``datapackage.json``: a Frictionless data package describing every CSV of a snapshot, from the same
column definitions that write them (registry/exports.py): each column's type, description and
constraints (required, allowed values, pattern), ``slug`` as the primary key, and a foreign key for
every column that holds one slug of another file. ``frictionless validate datapackage.json`` passes.
No time in it: two snapshots of the same data have the same datapackage.json."""

from django.conf import settings

from registry.citing import SITE_NAME
from registry.interchange import by_name, record_types

PACKAGE_NAME = "ai-defense-agreements-registry"


def licenses():
    """The data license as the Data Package spec writes it (an Open Definition id, its address, its title)."""
    return [{"name": settings.DATA_LICENSE["name"].replace(" ", "-"), "path": settings.DATA_LICENSE["url"],
             "title": settings.DATA_LICENSE["name"]}]


def table_schema(record_type):
    fields = record_type.csv.fields
    foreign_keys = [
        {"fields": column.header,
         "reference": {"resource": "" if column.references == record_type.name else by_name(column.references).plural,
                       "fields": "slug"}}
        for column in fields if column.references]
    schema = {"fields": [column.table_schema_field() for column in fields], "missingValues": [""],
              "primaryKey": ["slug"]}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def csv_resource(record_type, *, bom=False):
    return {
        "name": record_type.plural,
        "path": f"{record_type.plural}.csv",
        "profile": "tabular-data-resource",
        "title": record_type.label,
        "description": f"{record_type.label}: every published record, retracted ones included "
                       "(retracted_at and retraction_reason filled); text cells that a spreadsheet would run as a "
                       "formula start with an added apostrophe (docs/data.md).",
        "format": "csv",
        "mediatype": "text/csv",
        # utf-8-sig reads past the byte order mark that --bom writes for spreadsheets.
        "encoding": "utf-8-sig" if bom else "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "lineTerminator": "\r\n",
                    "header": True},
        "licenses": licenses(),
        "schema": table_schema(record_type),
    }


def descriptor(*, bom=False):
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": SITE_NAME,
        "description": "Agreements between defense agencies and AI companies, their public terms, classified-addendum "
                       "markers, vendor designations, testing disclosures, events and sources, each with citations. "
                       "One CSV per record type; the JSON Lines files of the same snapshot hold the same records in "
                       "the interchange shape.",
        "homepage": settings.SITE_URL.rstrip("/") + "/data/",
        "licenses": licenses(),
        "resources": [csv_resource(record_type, bom=bom) for record_type in record_types()],
    }
