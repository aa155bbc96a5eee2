"""Agreements as OCDS 1.1.5 (contracts/ocds): the mapping, the packages of the API and of the bulk export, each
validated offline against the standard's schemas with the extensions merged (tests/ocds_validation.py)."""

import copy
import datetime
import io
import json
import re

import pytest
from django.conf import settings

from contracts.models import Agency, Agreement, AgreementAmount, AgreementParty, Vendor
from contracts.ocds import write_record_package, write_release_package
from contracts.ocds.packages import WITHHELD_INFORMATION_EXTENSION
from contracts.ocds.release import CONTRACT_STATUS, Stated, build_release
from registry.models import ChangeLog
from registry.services import apply_change, change_set, retract
from tests.builders import (
    builder_user,
    make_agency,
    make_agreement,
    make_amount,
    make_citation,
    make_marker,
    make_term,
    make_testing_disclosure,
    make_vendor,
)
from tests.ocds_validation import assert_valid, codelist_violations, load, ocds_file, schema_errors
from tests.queries import queries_of, two_world_sizes

NOW = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)
OCID = re.compile(r"^ocds-[a-z0-9]{6}-[-a-z0-9_]+$")


def release_of(agreement=None, **stated):
    """The release of an unsaved agreement (no database)."""
    agreement = agreement or Agreement(slug="a-deal", title="A deal")
    return build_release(Stated(agreement=agreement, **stated), release_id="x-1", date="2026-01-01T00:00:00Z",
                         tag=["contract"])


def agency(**fields):
    return Agency(**{"pk": 1, "slug": "cdao", "name": "Chief Digital and AI Office", **fields})


def vendor(pk=1, **fields):
    return Vendor(**{"pk": pk, "slug": f"v{pk}", "name": f"Vendor {pk}", **fields})


def package(client, slug, *, record=False, status=200):
    response = client.get(f"/api/v1/agreements/{slug}/ocds/" + ("?package=record" if record else ""))
    assert response.status_code == status, response.content
    return response.json()


# --- the mapping (no database) --------------------------------------------------------------------

@pytest.mark.parametrize("status", Agreement.Status.values)
def test_the_status_maps_to_the_ocds_contract_status_or_is_left_out(status):
    expected = {"announced": "pending", "negotiating": "pending", "active": "active", "completed": "terminated",
                "terminated": "terminated", "cancelled": "cancelled"}.get(status)
    contract = release_of(Agreement(slug="a", title="A", status=status), awarding_agency=agency())["contracts"][0]

    assert contract.get("status") == expected
    assert contract["registryStatus"] == status  # the registry's own word is kept in the extension
    assert CONTRACT_STATUS.get(status) == expected


def test_parties_carry_their_identifiers_and_roles():
    agreement = Agreement(slug="a", title="A")
    with_ids = vendor(1, uei="ABCDEFGHJKLM", cage_code="1AB2C")
    subcontractor = vendor(2)
    release = release_of(agreement, awarding_agency=agency(), participating=[agency(pk=2, slug="army", name="Army")],
                         parties=[AgreementParty(vendor=with_ids, role="prime"),
                                  AgreementParty(vendor=subcontractor, role="subcontractor")])
    parties = {party["id"]: party for party in release["parties"]}

    assert parties["agency-cdao"]["roles"] == ["buyer", "procuringEntity"]
    assert parties["agency-cdao"]["identifier"] == {"legalName": "Chief Digital and AI Office"}  # no code known
    assert parties["agency-army"]["roles"] == ["buyer"] and parties["agency-army"]["registryRoles"] == ["participating"]
    assert release["buyer"] == {"id": "agency-cdao", "name": "Chief Digital and AI Office"}
    assert parties["vendor-v1"]["identifier"] == {"scheme": "US-SAM", "id": "ABCDEFGHJKLM", "legalName": "Vendor 1"}
    assert parties["vendor-v1"]["additionalIdentifiers"] == [{"scheme": "US-CAGE", "id": "1AB2C"}]
    assert parties["vendor-v2"]["identifier"] == {"legalName": "Vendor 2"}
    assert parties["vendor-v2"]["roles"] == ["interestedParty"]
    assert release["awards"][0]["suppliers"] == [{"id": "vendor-v1", "name": "Vendor 1"}]


def test_an_agency_with_a_usaspending_code_is_identified_in_the_us_government_scheme():
    coded = agency()
    coded.usaspending_code = "097"
    party = release_of(awarding_agency=coded)["parties"][0]

    assert party["identifier"] == {"scheme": "US-USAGOV", "id": "097", "legalName": "Chief Digital and AI Office"}


def test_undisclosed_amounts_and_dates_known_only_to_a_month_are_left_out_not_guessed():
    agreement = Agreement(slug="a", title="A", vehicle="far_contract")
    agreement.awarded = "2025-07"
    agreement.end = "2026"
    release = release_of(agreement, awarding_agency=agency())
    award, contract = release["awards"][0], release["contracts"][0]

    assert "value" not in award and "value" not in contract  # no ceiling, no obligation: absent, never 0
    assert "dateSigned" not in contract and "date" not in award and "period" not in contract
    assert contract["statedDates"] == {"awarded": "2025-07", "end": "2026"}
    assert "procurementMethod" not in release["tender"]  # a FAR contract may or may not have been competed
    assert release["tender"]["procurementMethodDetails"] == "FAR contract"


def test_full_dates_amounts_vehicle_and_usaspending_award_are_mapped():
    agreement = Agreement(slug="a", title="A", vehicle="ot_prototype", vehicle_note="OT under 10 U.S.C. 4022",
                          ceiling_amount="200000000.00", obligated_amount="1500000.50", piid="HQ003425C0001",
                          usaspending_award_id="CONT_AWD_HQ0034_9700_-NONE-_-NONE-", federal_data_status="found",
                          federal_data_checked_on=datetime.date(2026, 11, 28))
    agreement.awarded, agreement.start, agreement.end = "2025-07-14", "2025-07-15", "2026-07-14"
    amount = AgreementAmount(kind="ceiling_increase", amount="50000000.00", currency="USD", note="raised")
    release = release_of(agreement, awarding_agency=agency(), amounts=[amount])
    award, contract = release["awards"][0], release["contracts"][0]

    assert release["tender"]["procurementMethod"] == "limited"
    assert release["tender"]["procurementMethodDetails"] == "Other transaction (prototype): OT under 10 U.S.C. 4022"
    assert award["value"] == {"amount": 1500000.5, "currency": "USD"}
    assert contract["value"] == {"amount": 200000000, "currency": "USD"}
    assert contract["dateSigned"] == award["date"] == "2025-07-14T00:00:00Z"
    assert contract["period"] == {"startDate": "2025-07-15T00:00:00Z", "endDate": "2026-07-14T23:59:59Z"}
    assert contract["reportedAmounts"] == [{"kind": "ceiling_increase", "value": {"amount": 50000000, "currency": "USD"},
                                            "note": "raised"}]
    assert release["relatedProcesses"] == [{
        "id": "usaspending", "title": "The award in USAspending", "scheme": "USAspending",
        "identifier": "CONT_AWD_HQ0034_9700_-NONE-_-NONE-",
        "uri": "https://www.usaspending.gov/award/CONT_AWD_HQ0034_9700_-NONE-_-NONE-"}]
    assert contract["piid"] == "HQ003425C0001"
    assert contract["federalData"] == {"status": "found", "checkedDate": "2026-11-28"}


@pytest.mark.parametrize(("vehicle", "relationship"), [("idiq_task_order", ["framework"]), ("amendment", None)])
def test_the_parent_agreement_is_a_related_process_by_its_ocid(vehicle, relationship):
    parent = Agreement(slug="the-idiq", title="The IDIQ")
    (related,) = release_of(Agreement(slug="an-order", title="An order", vehicle=vehicle), awarding_agency=agency(),
                            parent=parent)["relatedProcesses"]

    assert related.get("relationship") == relationship  # no relatedProcess code says "amends"
    assert (related["scheme"], related["identifier"]) == ("ocid", f"{settings.OCDS_OCID_PREFIX}-the-idiq")
    assert related["uri"].endswith("/api/v1/agreements/the-idiq/ocds/")


# --- the checks themselves are live ------------------------------------------------------------------

def test_the_validation_catches_a_bad_date_time_and_a_closed_codelist_violation():
    release = release_of(awarding_agency=agency())
    good = {"uri": "https://example.org/p", "publisher": {"name": "x"}, "publishedDate": "2026-01-01T00:00:00Z",
            "version": "1.1", "releases": [release]}
    assert schema_errors(good, "release") == []

    bad_date = copy.deepcopy(good)
    bad_date["releases"][0]["date"] = "2026-13-45T00:00:00Z"
    assert any("date-time" in error for error in schema_errors(bad_date, "release"))

    bad_code = copy.deepcopy(release)
    bad_code["tag"] = ["contract", "paused"]
    assert codelist_violations(bad_code) == ["x-1: 'paused' is not in releaseTag.csv"]


@pytest.mark.django_db  # counted against the caller's rate limit like any API request
def test_the_extension_files_are_committed_and_served(client):
    extension = client.get("/api/v1/ocds/extension/extension.json")
    schema = client.get("/api/v1/ocds/extension/release-schema.json")
    readme = client.get("/api/v1/ocds/extension/README.md")

    assert extension.status_code == schema.status_code == readme.status_code == 200
    assert extension.json()["schemas"] == ["release-schema.json"]
    assert extension.json()["documentationUrl"]["en"].endswith("/api/v1/ocds/extension/README.md")
    assert schema.json() == load(settings.BASE_DIR / "contracts" / "ocds" / "extension" / "release-schema.json")
    for field in ("publicTerms", "reportedAmounts", "statedDates", "registryStatus", "registryRoles"):
        assert f"`{field}`" in readme.content.decode()  # every field is documented
    assert client.get("/api/v1/ocds/extension/secrets.py").status_code == 404
    assert load(ocds_file("extensions/withheldInformation/extension.json"))["documentationUrl"]["en"] in \
        WITHHELD_INFORMATION_EXTENSION.replace("raw.githubusercontent.com", "github.com")


# --- the API -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_agreement_is_a_valid_release_package_with_its_terms_markers_and_sources(client):
    agreement = make_agreement(vendors=[make_vendor(uei="ABCDEFGHJKLM", cage_code="1AB2C")],
                               ceiling_amount="100000000.00", status="active")
    term = make_term(agreement=agreement)
    make_marker(agreement=agreement, classification="secret", described_subject="classified networks")
    make_amount(agreement, kind="potential_total", amount="800000000.00", as_of="2025")

    response = client.get(f"/api/v1/agreements/{agreement.slug}/ocds/")
    data = response.json()

    assert response["Content-Type"] == "application/json"
    assert_valid(data, "release")
    assert data["uri"] == f"http://testserver/api/v1/agreements/{agreement.slug}/ocds/"
    assert data["extensions"][1] == WITHHELD_INFORMATION_EXTENSION
    assert data["publisher"]["uri"] == settings.SITE_URL.rstrip("/") + "/"
    (release,) = data["releases"]
    assert release["ocid"] == f"{settings.OCDS_OCID_PREFIX}-{agreement.slug}" and OCID.match(release["ocid"])
    last_change = ChangeLog.objects.filter(record_type="agreement", slug=agreement.slug).order_by("public_id").last()
    assert release["id"] == f"{release['ocid']}-{last_change.change_set.changes.order_by('public_id')[0].public_id}"
    contract = release["contracts"][0]
    assert contract["status"] == "active"
    assert [t["id"] for t in contract["publicTerms"]] == [term.slug]
    evidence = contract["publicTerms"][0]["documentIds"]
    assert {d["id"]: d.get("documentType") for d in contract["documents"]}[evidence[0]] == "contractSummary"
    assert contract["reportedAmounts"][0]["asOf"] == "2025"
    (withheld,) = release["withheldInformation"]
    assert "availabilityDate" not in withheld  # never known to be published
    assert withheld["rationaleClassifications"][0]["id"] == "secret"
    assert "classified networks" in withheld["rationale"]


@pytest.mark.django_db
def test_the_record_package_has_a_release_per_change_each_as_stated_then(client):
    agreement = make_agreement()
    with change_set(user=builder_user(), reason="the ceiling is reported"):
        agreement.ceiling_amount = "9000000.00"
        apply_change(agreement)

    data = package(client, agreement.slug, record=True)

    assert_valid(data, "record")
    (record,) = data["records"]
    rows = ChangeLog.objects.public().filter(record_type="agreement", slug=agreement.slug)
    first_of_each_set = sorted({min(r.public_id for r in rows if r.change_set_id == row.change_set_id) for row in rows})
    assert [r["id"] for r in record["releases"]] == [f"{record['ocid']}-{i}" for i in first_of_each_set]
    assert record["releases"][0]["tag"] == ["tender", "award", "contract"]
    assert record["releases"][-1]["tag"] == ["tenderUpdate", "awardUpdate", "contractUpdate"]
    assert "value" not in record["releases"][0]["contracts"][0]  # before the ceiling was reported
    assert record["releases"][-1]["contracts"][0]["value"] == {"amount": 9000000, "currency": "USD"}
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert {**compiled, "id": None, "tag": None} == {**record["releases"][-1], "id": None, "tag": None}
    assert package(client, agreement.slug)["releases"][0] == record["releases"][-1]


@pytest.mark.django_db
def test_a_retracted_term_leaves_the_later_releases_and_stays_in_the_earlier_ones(client):
    agreement = make_agreement()
    term = make_term(agreement=agreement)
    retract(term, user=builder_user(), reason="misread")

    (record,) = package(client, agreement.slug, record=True)["records"]
    stated_terms = [[t["id"] for t in r["contracts"][0].get("publicTerms", [])] for r in record["releases"]]

    assert [term.slug] in stated_terms and stated_terms[-1] == []
    assert "publicTerms" not in record["compiledRelease"]["contracts"][0]


@pytest.mark.django_db
def test_testing_under_an_agreement_is_an_assessment_milestone_from_its_publication_on(client):
    agreement = make_agreement()
    make_testing_disclosure(agreements=[agreement], title="Red-teaming of the models", test_kind="red_team",
                            tested_from=datetime.date(2025, 3, 1), tested_from_precision="day",
                            tested_to=datetime.date(2025, 3, 4), tested_to_precision="day")
    make_testing_disclosure(agreements=[agreement], title="A pilot", test_kind="pilot",
                            tested_from=datetime.date(2025, 1, 1), tested_from_precision="year")
    make_testing_disclosure(agreements=[agreement], published=False)

    data = package(client, agreement.slug, record=True)

    assert_valid(data, "record")
    milestones = data["records"][0]["compiledRelease"]["contracts"][0]["implementation"]["milestones"]
    assert [(m["title"], m["type"], m["code"], m.get("status"), m.get("dateMet")) for m in milestones] == [
        ("Red-teaming of the models", "assessment", "red_team", "met", "2025-03-04T23:59:59Z"),
        ("A pilot", "assessment", "pilot", None, None)]  # its end is not known: not said to be met
    releases = data["records"][0]["releases"]
    last_testing_change = ChangeLog.objects.public().filter(record_type="testing-disclosure").order_by("public_id").last()
    assert releases[-1]["id"].endswith(f"-{last_testing_change.public_id}")  # a change to the testing is a release
    assert releases[-1]["contracts"][0]["implementation"]["milestones"] == milestones


@pytest.mark.django_db
def test_bad_parameters_are_a_400_naming_them_and_missing_agreements_a_404(client):
    public = make_agreement()
    partnership = make_agreement(awarding_agency=None)
    draft, retracted = make_agreement(published=False), make_agreement(retracted=True)

    error = client.get(f"/api/v1/agreements/{public.slug}/ocds/?package=compiled").json()["error"]
    assert error["code"] == "invalid_parameters" and list(error["fields"]) == ["package"]
    assert client.get(f"/api/v1/agreements/{public.slug}/ocds/?as_of=2026-01-01").status_code == 400
    for slug in ("no-such-agreement", draft.slug, retracted.slug, partnership.slug):
        assert package(client, slug, status=404)["error"]["code"] == "not_found"
    assert "no government party" in package(client, partnership.slug, status=404)["error"]["message"]


@pytest.mark.django_db
def test_a_current_copy_is_not_sent_again(client):
    agreement = make_agreement()
    url = f"/api/v1/agreements/{agreement.slug}/ocds/"
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    record = client.get(url + "?package=record")

    assert again.status_code == 304 and record["ETag"] != first["ETag"]


def world(rows):
    """An agreement with ``rows`` vendors, terms (each cited by its own source), reported amounts and markers,
    each added in its own change."""
    agreement = make_agreement(vendors=[make_vendor() for _ in range(rows)])
    for n in range(rows):
        make_citation(make_term(agreement=agreement))
        make_amount(agreement, amount=f"{n + 1}000000.00", position=n)
        make_marker(agreement=agreement)
    return agreement


@pytest.mark.django_db
@two_world_sizes
def test_the_ocds_packages_run_the_same_queries_for_any_number_of_parts_and_changes(client, rows):
    agreement = world(rows)
    client.get(f"/api/v1/agreements/{agreement.slug}/ocds/?package=record")  # content types cached

    release = queries_of(client, f"/api/v1/agreements/{agreement.slug}/ocds/")
    record = queries_of(client, f"/api/v1/agreements/{agreement.slug}/ocds/?package=record")

    # throttle (its window counter: one upsert) · latest change · the agreement with its awarding agency ·
    # participating · parties · amounts · citations · terms · their citations · markers · testing under it (the
    # milestones) · the changes that touched it
    assert len(release) == 12, "\n".join(release)
    # the same (11), then the history of the agreement · participating · parties · amounts · terms · markers ·
    # citations, and the agencies · vendors · sources they name
    assert len(record) == 22, "\n".join(record)


# --- the bulk writers -----------------------------------------------------------------------------------

def written(writer):
    stream = io.BytesIO()
    result = writer(stream, published_date=NOW)
    return result, json.loads(stream.getvalue().decode("utf-8"))


@pytest.mark.django_db
def test_the_bulk_writers_leave_out_agreements_without_a_government_party_and_retracted_ones():
    awarded = make_agreement(slug="a-awarded")
    participating = make_agreement(slug="b-participating", awarding_agency=None, participating=[make_agency()])
    make_agreement(slug="c-partnership", awarding_agency=None)
    make_agreement(slug="d-retracted", retracted=True)
    make_agreement(slug="e-draft", published=False)

    release_result, releases = written(write_release_package)
    record_result, records = written(write_record_package)

    assert_valid(releases, "release")
    assert_valid(records, "record")
    assert release_result == {"rows": 2, "left_out": [{"slug": "c-partnership", "reason": "no government party"},
                                                      {"slug": "d-retracted", "reason": "retracted"}]}
    assert record_result == {"rows": 2}
    assert [r["ocid"].rsplit("-", 2)[0] for r in releases["releases"]] == [settings.OCDS_OCID_PREFIX] * 2
    assert [r["ocid"] for r in releases["releases"]] == [r["ocid"] for r in records["records"]] == [
        f"{settings.OCDS_OCID_PREFIX}-{a.slug}" for a in (awarded, participating)]
    assert "buyer" not in releases["releases"][1]  # no awarding agency: none is named the buyer
    assert releases["publishedDate"] == "2026-12-06T12:00:00Z"
    assert releases["uri"].endswith("/data/latest/ocds-release-package.json")


@pytest.mark.django_db
def test_the_bulk_writers_read_a_chunk_at_a_time_and_write_what_the_api_serves(client, monkeypatch):
    monkeypatch.setattr("contracts.ocds.packages.BULK_CHUNK", 2)  # chunks split the world, shared records too
    agreements = [make_agreement(slug=f"a-{n}", vendors=[make_vendor()]) for n in range(5)]
    make_agreement(slug="a-2-partnership", awarding_agency=None)  # left out in the middle of a chunk
    for agreement in agreements[1:4]:
        make_citation(make_term(agreement=agreement))
        make_marker(agreement=agreement)
    retract(make_term(agreement=agreements[3]), user=builder_user(), reason="misread")
    make_testing_disclosure(agreements=[agreements[0], agreements[3]], tested_from=datetime.date(2025, 3, 1),
                            tested_from_precision="day", tested_to=datetime.date(2025, 3, 4), tested_to_precision="day")
    with change_set(user=builder_user(), reason="the ceiling is reported"):
        agreements[2].ceiling_amount = "9000000.00"
        apply_change(agreements[2])
    make_amount(agreements[4])

    _, releases = written(write_release_package)
    _, records = written(write_record_package)

    assert [r["ocid"] for r in records["records"]] == [ocid_of(a) for a in agreements]
    for agreement, release, record in zip(agreements, releases["releases"], records["records"], strict=True):
        assert [release] == package(client, agreement.slug)["releases"]
        assert [record] == package(client, agreement.slug, record=True)["records"]
    assert len(records["records"][2]["releases"]) > 2  # history, not only the current state
    assert all("milestones" in records["records"][n]["compiledRelease"]["contracts"][0]["implementation"]
               for n in (0, 3))


def ocid_of(agreement):
    return f"{settings.OCDS_OCID_PREFIX}-{agreement.slug}"


# --- the seed ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_seed_agreement_s_packages_validate(client, seeded):
    slugs = list(Agreement.objects.public().order_by("slug").values_list("slug", flat=True))
    left_out = set()
    for slug in slugs:
        response = client.get(f"/api/v1/agreements/{slug}/ocds/")
        if response.status_code == 404:
            left_out.add(slug)
            continue
        assert_valid(response.json(), "release")
        assert_valid(package(client, slug, record=True), "record")

    release_result, releases = written(write_release_package)
    record_result, records = written(write_record_package)

    assert_valid(releases, "release")
    assert_valid(records, "record")
    assert release_result["rows"] == record_result["rows"] == len(slugs) - len(left_out) > 30
    assert {row["slug"] for row in release_result["left_out"]} == left_out  # the seed retracts none
    assert all(OCID.match(r["ocid"]) for r in releases["releases"])
    assert len({r["ocid"] for r in releases["releases"]}) == release_result["rows"]
