"""Offline OCDS 1.1.5 validation for the tests: the package schemas from tests/data/ocds-1.1.5 (a copy of
../shared/data/ocds-1.1.5, compared by `make research-check`) with the
withheldInformation extension and the registry's own merged into the release schema (json-merge-patch), a local
referencing.Registry for the schema URLs (nothing is fetched), date-times checked (rfc3339-validator), and the
closed codelists checked against the CSVs of the standard's zip.

A missing file FAILS these tests; they never skip.
"""

import csv
import functools
import io
import json
import zipfile
from pathlib import Path

import json_merge_patch
import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

ROOT = Path(__file__).resolve().parents[1]
OCDS_DIR = ROOT / "tests" / "data" / "ocds-1.1.5"
OWN_EXTENSION = ROOT / "contracts" / "ocds" / "extension"
SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"


def ocds_file(name):
    path = OCDS_DIR / name
    if not path.exists():
        pytest.fail(f"{path} is missing: tests/data/ocds-1.1.5 holds the OCDS 1.1.5 files (see tests/data/README.md)")
    return path


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def release_schema():
    """The release schema with both extensions merged in."""
    schema = load(ocds_file("release-schema-1.1.5.json"))
    for patch in (ocds_file("extensions/withheldInformation/release-schema.json"),
                  OWN_EXTENSION / "release-schema.json"):
        schema = json_merge_patch.merge(schema, load(patch))
    return schema


@functools.cache
def format_checker():
    checker = FormatChecker()
    # Without rfc3339-validator installed jsonschema silently skips date-time: the check must be live.
    assert "date-time" in checker.checkers, "install rfc3339-validator (requirements-dev.txt)"
    return checker


@functools.cache
def validator(package_kind):
    """A Draft 4 validator of a "release" or "record" package, resolving the schema URLs locally."""
    resources = [(SCHEMA_URL + "release-schema.json", DRAFT4.create_resource(release_schema())),
                 (SCHEMA_URL + "versioned-release-validation-schema.json",
                  DRAFT4.create_resource(load(ocds_file("versioned-release-validation-schema-1.1.5.json"))))]
    package = load(ocds_file(f"{package_kind}-package-schema-1.1.5.json"))
    return Draft4Validator(package, registry=Registry().with_resources(resources), format_checker=format_checker())


def schema_errors(package, package_kind):
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator(package_kind).iter_errors(package)]


@functools.cache
def codelists():
    """{codelist file name: {codes}} from the standard's zip."""
    found = {}
    with zipfile.ZipFile(ocds_file("standard-1__1__5.zip")) as archive:
        for name in archive.namelist():
            if "/schema/codelists/" in name and name.endswith(".csv"):
                rows = csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8"))
                found[name.rsplit("/", 1)[1]] = {row["Code"] for row in rows}
    return found


def resolve(schema):
    while "$ref" in schema:
        schema = release_schema()["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def closed_codelist_values(data, schema):
    """(codelist, value) of every value the data gives a field with a closed codelist."""
    schema = resolve(schema)
    if schema.get("codelist") and schema.get("openCodelist") is False and data is not None:
        for value in data if isinstance(data, list) else [data]:
            yield schema["codelist"], value
    if isinstance(data, dict):
        for key, item in data.items():
            if key in schema.get("properties", {}):
                yield from closed_codelist_values(item, schema["properties"][key])
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for item in data:
            yield from closed_codelist_values(item, schema["items"])


def codelist_violations(release):
    known = codelists()
    problems = []
    for codelist, value in closed_codelist_values(release, release_schema()):
        assert codelist in known, f"{codelist} is not in the standard's zip"
        if value not in known[codelist]:
            problems.append(f"{release.get('id')}: {value!r} is not in {codelist}")
    return problems


def releases_of(package):
    if "releases" in package:
        return package["releases"]
    return [release for record in package["records"] for release in (*record["releases"], record["compiledRelease"])]


def assert_valid(package, package_kind):
    """0 schema errors and 0 closed-codelist violations."""
    assert schema_errors(package, package_kind) == []
    assert [problem for release in releases_of(package) for problem in codelist_violations(release)] == []
