"""OCDS release and record packages: of one agreement (the API) and of every agreement (the bulk export).

A release is the agreement as stated at one public change that touched it: its ``id`` is ``<ocid>-<change
id>`` and its date the change's time. The release package holds each agreement's current release; the record
package each agreement's record: one release per public change (rebuilt from history) and the compiled release
(the current one, tagged ``compiled``). Agreements without a government party (vendor-to-vendor partnerships)
and retracted ones are left out: OCDS describes public contracting processes.
"""

import itertools
import json

from django.conf import settings

from contracts.models import Agreement
from contracts.ocds.milestones import milestones_of_many
from contracts.ocds.release import build_release, date_time, ocid
from contracts.ocds.stated import (
    AgreementHistory,
    ChunkHistory,
    process_changes,
    process_changes_of_many,
    public_agreements,
    stated_now,
)
from registry.bulk.records import streamed

OCDS_VERSION = "1.1"
PUBLISHER_NAME = "AI Defense Agreements Registry"
# Served by contracts.api_views.ocds_extension_file from contracts/ocds/extension/.
EXTENSION_PATH = "/api/v1/ocds/extension/extension.json"
# The withheldInformation extension's extension.json at its repository (documentationUrl in its extension.json).
WITHHELD_INFORMATION_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                                  "ocds_withheldInformation_extension/master/extension.json")
FIRST_TAGS = ["tender", "award", "contract"]
UPDATE_TAGS = ["tenderUpdate", "awardUpdate", "contractUpdate"]
LEFT_OUT_NO_GOVERNMENT_PARTY, LEFT_OUT_RETRACTED = "no government party", "retracted"
BULK_CHUNK = 100  # agreements read (with their parts) per round of queries by the bulk writers


def site(path=""):
    return settings.SITE_URL.rstrip("/") + path


def extension_urls():
    return [site(EXTENSION_PATH), WITHHELD_INFORMATION_EXTENSION]


def package_metadata(uri, published_date):
    return {"uri": uri, "version": OCDS_VERSION, "extensions": extension_urls(),
            "publishedDate": date_time(published_date),
            "publisher": {"name": PUBLISHER_NAME, "uri": site("/")},
            "license": settings.DATA_LICENSE["url"], "publicationPolicy": site("/data/")}


def tags(stated, first):
    tag = list(FIRST_TAGS if first else UPDATE_TAGS)
    if stated.agreement.status in (Agreement.Status.COMPLETED, Agreement.Status.TERMINATED, Agreement.Status.CANCELLED):
        tag.append("contractTermination")
    return tag


def current_release(stated, changes):
    """The agreement's release as it stands: the release of its latest change (an agreement with no logged change,
    only possible outside the write path, is dated by its last update)."""
    process = ocid(stated.agreement)
    if changes:
        return build_release(stated, release_id=f"{process}-{changes[-1].id}", date=date_time(changes[-1].at),
                             tag=tags(stated, first=len(changes) == 1))
    updated = stated.agreement.updated_at
    return build_release(stated, release_id=f"{process}-{updated:%Y%m%dT%H%M%SZ}", date=date_time(updated),
                         tag=tags(stated, first=True))


def record(stated, changes, history=None):
    """The OCDS record of an agreement: a release per public change that touched it, as stated then (changes
    made while it had no government party or was not public give none), and the compiled release. ``history``
    is its ``AgreementHistory`` when already read (with others, by the bulk writer)."""
    if history is None:
        history = AgreementHistory.read(stated.agreement, stated.milestones)
    process = ocid(stated.agreement)
    releases = []
    for change in changes:
        then = history.stated_at(change.at)
        if then is None or not then.has_government_party:
            continue
        releases.append(build_release(then, release_id=f"{process}-{change.id}", date=date_time(change.at),
                                      tag=tags(then, first=not releases)))
    current = current_release(stated, changes)
    if not releases or releases[-1]["id"] != current["id"]:
        releases.append(current)  # history not written through the write path: the current state at least
    compiled = {**current, "id": f"{process}-compiled", "tag": ["compiled"]}
    return {"ocid": process, "releases": releases, "compiledRelease": compiled}


# --- one agreement (the API) ----------------------------------------------------------------------

def publishable(slug):
    """The public agreement with ``slug`` and its parts, as a ``Stated``, when it has a government party; else
    None (no such agreement, a draft, a retracted one, or a vendor-to-vendor partnership)."""
    agreement = public_agreements().filter(slug=slug).first()
    if agreement is None or not has_government_party(agreement):
        return None
    return stated_now(agreement)


def release_package(stated, *, uri):
    changes = process_changes(stated.agreement, stated.milestones)
    release = current_release(stated, changes)
    return {**package_metadata(uri, changes[-1].at if changes else stated.agreement.updated_at),
            "releases": [release]}


def record_package(stated, *, uri):
    changes = process_changes(stated.agreement, stated.milestones)
    return {**package_metadata(uri, changes[-1].at if changes else stated.agreement.updated_at),
            "records": [record(stated, changes)]}


# --- every agreement (the bulk export) -----------------------------------------------------------------

def has_government_party(agreement):
    """Read from an agreement of ``public_agreements()``: a public awarding or participating agency."""
    awarding = agreement.awarding_agency
    return (awarding is not None and awarding.is_public) or any(link.agency.is_public
                                                                for link in agreement.participating.all())


def publishable_in_bulk(left_out, *, histories=False):
    """(Stated, changes, AgreementHistory or None) of each agreement with a government party, one at a time, in
    slug order; the others are appended to ``left_out``, then the retracted ones. Read BULK_CHUNK agreements at a
    time, and for each chunk at once their milestones, changes and (with ``histories``) history: a fixed number
    of queries per chunk, none per agreement."""
    agreements = streamed(public_agreements().order_by("slug"), BULK_CHUNK)
    while chunk := list(itertools.islice(agreements, BULK_CHUNK)):
        kept = []
        for agreement in chunk:
            if has_government_party(agreement):
                kept.append(agreement)
            else:
                left_out.append({"slug": agreement.slug, "reason": LEFT_OUT_NO_GOVERNMENT_PARTY})
        if kept:
            milestones = milestones_of_many(kept)
            changes = process_changes_of_many(kept, milestones)
            history = ChunkHistory(kept) if histories else None
            for agreement in kept:
                yield (stated_now(agreement, milestones[agreement.pk]), changes[agreement.pk],
                       history.of(agreement, milestones[agreement.pk]) if history else None)
        # the chunk is garbage before the next is read, so that streamed() collects it (flat memory)
        del chunk, kept
        milestones = changes = history = agreement = None
    for slug in Agreement.objects.retracted().filter(published_at__isnull=False).order_by("slug") \
            .values_list("slug", flat=True):
        left_out.append({"slug": slug, "reason": LEFT_OUT_RETRACTED})


def dump(item):
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()


def write_package(stream, metadata, key, items):
    """Write ``metadata`` with ``key`` holding the items, streamed one at a time; returns how many."""
    stream.write(dump(metadata)[:-1] + b',"' + key.encode() + b'":[')
    count = 0
    for item in items:
        stream.write((b"," if count else b"") + b"\n" + dump(item))
        count += 1
    stream.write(b"\n]}\n")
    return count


def default_uri(name):
    return site(f"/data/latest/{name}")


def write_release_package(stream, *, published_date, uri=None):
    """Every agreement's current release, as a release package of UTF-8 JSON bytes written to ``stream``;
    returns {"rows": releases written, "left_out": [{"slug", "reason"}]}."""
    metadata = package_metadata(uri or default_uri("ocds-release-package.json"), published_date)
    left_out = []
    rows = write_package(stream, metadata, "releases",
                         (current_release(stated, changes) for stated, changes, _ in publishable_in_bulk(left_out)))
    return {"rows": rows, "left_out": sorted(left_out, key=lambda row: row["slug"])}


def write_record_package(stream, *, published_date, uri=None):
    """Every agreement's record, as a record package written like ``write_release_package``: {"rows": records}."""
    metadata = package_metadata(uri or default_uri("ocds-record-package.json"), published_date)
    return {"rows": write_package(stream, metadata, "records",
                                  (record(stated, changes, history)
                                   for stated, changes, history in publishable_in_bulk([], histories=True)))}


def register_bulk_files():
    """The two OCDS packages join every bulk snapshot (registry.bulk); the agreements the release package
    leaves out are listed in the snapshot's manifest (``ocds_left_out``)."""
    from registry.bulk import register_bulk_file

    def releases(stream, context):
        written = write_release_package(stream, published_date=context.generated_at)
        return {"rows": written["rows"], "ocds_left_out": written["left_out"]}

    def records(stream, context):
        return write_record_package(stream, published_date=context.generated_at)

    register_bulk_file(
        "ocds-release-package.json", "OCDS release package",
        "Every published agreement with a government party as an OCDS 1.1.5 release (docs/ocds.md); the ones left "
        "out are listed in manifest.json under ocds_left_out.", "application/json", releases)
    register_bulk_file(
        "ocds-record-package.json", "OCDS record package",
        "The same agreements as OCDS records: one release per public change that touched the agreement, with "
        "the compiled (current) release.", "application/json", records)
