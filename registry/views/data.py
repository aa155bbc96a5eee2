"""The data page (/data/): the latest bulk snapshot with its files, checksums and columns, how to check
and schedule it, and the other ways out of the registry (list CSVs, Atom feeds, the API); and the views
that serve a snapshot's files: /data/latest/<file> (moves with each snapshot) and
/data/snapshots/<snapshot>/<file> (a permalink, never changes).

The page and the files read only the disk (registry/bulk/snapshots.py): no database query of their own.
"""

import json

from django.conf import settings
from django.http import HttpResponseNotFound
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from registry import file_serving
from registry.bulk.snapshots import latest_snapshot, snapshot_named, snapshot_names
from registry.citing import SITE_NAME
from registry.interchange import by_name, in_page_order, record_types

# The file moves with each snapshot: caches may keep it briefly and revalidate (ETag) after.
LATEST_CACHE_CONTROL = "public, max-age=300"
# A snapshot never changes once written.
SNAPSHOT_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Content-Type by format. JSON Lines has no registered type: application/jsonl is the one jsonlines.org names.
CONTENT_TYPES = {"jsonl": "application/jsonl", "csv": "text/csv; charset=utf-8", "json": "application/json"}
EARLIER_SNAPSHOTS_SHOWN = 10
MAX_DATAPACKAGE_BYTES = 10 * 1024 * 1024


class DataView(TemplateView):
    template_name = "registry/data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = latest_snapshot()
        files = described_files(snapshot) if snapshot else []
        context.update(
            snapshot=snapshot, files=files, types=in_page_order(), earlier=earlier_snapshots(snapshot),
            data_license=settings.DATA_LICENSE, code_license=settings.CODE_LICENSE,
            base=self.request.build_absolute_uri("/").rstrip("/"),
            dataset_json_ld=json_ld(dataset_metadata(self.request, snapshot, files)),
        )
        return context


def described_files(snapshot):
    """[{file, url, title, description, columns}]: the record files as the other pages list their types
    (agreements first), then the others in manifest order, the manifest last."""
    columns = csv_columns(snapshot)
    return [{"file": f, "url": reverse("data-latest", args=[f.name]),
             "title": f.title or default_title(f), "description": f.description or default_description(f),
             "columns": columns.get(f.name, []) if f.format == "csv" else []}
            for f in sorted(snapshot.files.values(), key=page_position)]


def page_position(snapshot_file):
    """Where a file comes on the page: a record type's files where the pages list the type (JSON Lines before
    CSV, as the export writes them); files of no type after them (sorted() keeps their manifest order)."""
    record_type = record_type_of(snapshot_file)
    return (record_type.page_order, 0) if record_type else (float("inf"), 0)


def record_type_of(snapshot_file):
    """The record type a file holds: the manifest's, else the one whose plural names the file."""
    if snapshot_file.record_type:
        try:
            return by_name(snapshot_file.record_type)
        except KeyError:
            pass
    stem = snapshot_file.name.rsplit(".", 1)[0]
    return next((t for t in record_types() if t.plural == stem), None)


def csv_columns(snapshot):
    """{csv file name: [(column, type, description, allowed values)]}: from the snapshot's datapackage.json where it describes
    the file, else the type's CSV columns (registry.exports) without descriptions."""
    described = datapackage_columns(snapshot)
    columns = {}
    for f in snapshot.files.values():
        if f.format != "csv":
            continue
        if f.name in described:
            columns[f.name] = described[f.name]
        elif (record_type := record_type_of(f)) is not None and record_type.csv is not None:
            columns[f.name] = [(header, "", "", []) for header in record_type.csv.headers()]
    return columns


def datapackage_columns(snapshot):
    """The Table Schema fields of each resource in the snapshot's datapackage.json ({} when there is none or it
    cannot be read: the page then falls back on the code's columns)."""
    package_file = snapshot.file("datapackage.json")
    if package_file is None:
        return {}
    try:
        with open(package_file.path, "rb") as stream:
            package = json.loads(stream.read(MAX_DATAPACKAGE_BYTES))
        resources = package["resources"]
        found = {}
        for resource in resources:
            fields = resource["schema"]["fields"]
            found[resource["path"]] = [(str(f["name"]), str(f.get("type", "")), str(f.get("description", "")),
                                        allowed_values(f)) for f in fields]
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def allowed_values(table_schema_field):
    """A column's fixed vocabulary (its Table Schema ``enum`` constraint), or []."""
    constraints = table_schema_field.get("constraints")
    values = constraints.get("enum") if isinstance(constraints, dict) else None
    return [str(value) for value in values] if isinstance(values, list) else []


def default_title(snapshot_file):
    name = snapshot_file.name
    record_type = record_type_of(snapshot_file)
    if record_type is not None:
        return f"{record_type.label} ({'JSON Lines' if snapshot_file.format == 'jsonl' else 'CSV'})"
    return {"datapackage.json": "Data package", "ocds-release-package.json": "OCDS release package",
            "ocds-record-package.json": "OCDS record package"}.get(name, name)


def default_description(snapshot_file):
    record_type = record_type_of(snapshot_file)
    if record_type is not None and snapshot_file.format == "jsonl":
        return (f"Every {record_type.label.lower()} record, retracted ones included and marked, one JSON object "
                "per line in the interchange shape, citations inline.")
    if record_type is not None and snapshot_file.format == "csv":
        return f"{record_type.label}, one row per record, with the columns below."
    return {
        "datapackage.json": "A Frictionless data package: each CSV file's columns, types, constraints and keys.",
        "ocds-release-package.json": "Agreements with a government party as an Open Contracting (OCDS 1.1.5) "
                                     "release package.",
        "ocds-record-package.json": "The same agreements as OCDS records: one release per public change, with the "
                                    "compiled release.",
    }.get(snapshot_file.name, "")


def earlier_snapshots(latest):
    """Older snapshots still on disk (newest first, a few): each keeps its permalinks while it is there."""
    if latest is None:
        return []
    earlier = []
    for name in snapshot_names():
        if name < latest.name and (snapshot := snapshot_named(name)) is not None:
            earlier.append(snapshot)
            if len(earlier) == EARLIER_SNAPSHOTS_SHOWN:
                break
    return earlier


def dataset_metadata(request, snapshot, files):
    """schema.org Dataset for search engines and data catalogues, one DataDownload per file (latest URLs)."""
    site = {"@type": "Organization", "name": SITE_NAME, "url": request.build_absolute_uri("/")}
    dataset = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": f"{SITE_NAME}: bulk data",
        "description": ("Agreements between defense agencies and AI companies: their public terms, classified-addendum "
                        "markers, vendors' government designations, AI testing disclosures, events and the sources "
                        "behind every fact, as JSON Lines, CSV with a Frictionless data package, and OCDS."),
        "url": request.build_absolute_uri(reverse("data")),
        "license": settings.DATA_LICENSE["url"], "isAccessibleForFree": True,
        "creator": site, "publisher": site,
        "keywords": ["defense procurement", "artificial intelligence", "government contracts", "OCDS"],
    }
    if snapshot is None:
        return dataset
    generated = snapshot.generated_at.isoformat().replace("+00:00", "Z")
    dataset.update(dateModified=generated, version=snapshot.name)
    if snapshot.schema_version:
        dataset["schemaVersion"] = str(snapshot.schema_version)
    dataset["distribution"] = [{
        "@type": "DataDownload", "name": item["file"].name, "description": item["description"],
        "contentUrl": request.build_absolute_uri(item["url"]),
        "encodingFormat": content_type(item["file"]).split(";")[0],
        **({"contentSize": f"{item['file'].bytes} bytes"} if item["file"].bytes is not None else {}),
        "sha256": item["file"].sha256, "dateModified": generated,
    } for item in files]
    return dataset


def json_ld(data):
    """JSON for a <script type="application/ld+json">: <, > and & escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return mark_safe(text)  # noqa: S308 (escaped above)


def content_type(snapshot_file):
    return CONTENT_TYPES.get(snapshot_file.format, "application/octet-stream")


def not_found(message):
    return HttpResponseNotFound(f"{message} The bulk files are listed at /data/.\n",
                                content_type="text/plain; charset=utf-8")


@require_safe
def latest_file(request, name):
    snapshot = latest_snapshot()
    if snapshot is None:
        return not_found("No bulk snapshot has been published yet.")
    return serve_listed(request, snapshot, name, LATEST_CACHE_CONTROL)


@require_safe
def snapshot_file(request, snapshot, name):
    found = snapshot_named(snapshot)
    if found is None:
        return not_found("There is no snapshot of that name on this server (older ones are removed in time).")
    return serve_listed(request, found, name, SNAPSHOT_CACHE_CONTROL)


def serve_listed(request, snapshot, name, cache_control):
    listed = snapshot.file(name)
    served = None if listed is None else file_serving.serve(request, file_serving.Served(
        path=listed.path, filename=listed.name, content_type=content_type(listed), etag=f'"sha256-{listed.sha256}"',
        last_modified=int(snapshot.generated_at.timestamp()), cache_control=cache_control))
    if served is None:
        return not_found(f"Snapshot {snapshot.name} has no file of that name.")
    return served

