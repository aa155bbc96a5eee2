"""import_usaspending: a USAspending award file becomes one pending submission for a moderator.

The award files are written here from the documented fields of /api/v2/awards/<id>/ (docs/usaspending.md);
nothing is fetched."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Agreement
from registry.models import Submission
from submissions import services
from tests.builders import make_agency, make_agreement, make_user, make_vendor

pytestmark = pytest.mark.django_db

AWARD_ID = "CONT_AWD_HQ003425C0001_9700_-NONE-_-NONE-"
AWARD_URL = f"https://api.usaspending.gov/api/v2/awards/{AWARD_ID}/"
AWARD = {
    "id": 123456789,
    "generated_unique_award_id": AWARD_ID,
    "piid": "HQ003425C0001",
    "category": "contract",
    "type": "D",
    "description": "FRONTIER AI PROTOTYPE SERVICES",
    "total_obligation": 1234567.5,
    "base_and_all_options": 20000000.0,
    "date_signed": "2025-07-14",
    "awarding_agency": {
        "id": 1219,
        "toptier_agency": {"name": "Department of Defense", "code": "097", "abbreviation": "DOD"},
        "subtier_agency": {"name": "Defense Information Systems Agency", "code": "97AK", "abbreviation": "DISA"},
    },
    "recipient": {"recipient_name": "FRONTIER LABS PUBLIC SECTOR LLC", "recipient_uei": "ABCDEFGHJK12"},
    "period_of_performance": {"start_date": "2025-08-01", "end_date": "2026-07-31",
                              "potential_end_date": "2028-07-31 00:00:00", "last_modified_date": "2025-09-02"},
    "parent_award": None,
}


@pytest.fixture
def importer(db):
    return make_user("usaspending")


@pytest.fixture
def world(db):
    department = make_agency(slug="dod", name="Department of Defense", usaspending_code="097")
    disa = make_agency(slug="disa", name="Defense Information Systems Agency", usaspending_code="97AK",
                       parent=department)
    vendor = make_vendor(slug="frontier", name="Frontier Labs", uei="ABCDEFGHJK12")
    return {"dod": department, "disa": disa, "vendor": vendor}


def award_file(tmp_path, award=AWARD, name="award.json"):
    path = tmp_path / name
    path.write_text(award if isinstance(award, str) else json.dumps(award))
    return str(path)


def changed(**fields):
    award = copy.deepcopy(AWARD)
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(award[key], dict):
            for part, inner in value.items():
                if isinstance(inner, dict):
                    award[key][part].update(inner)
                else:
                    award[key][part] = inner
        else:
            award[key] = value
    return award


def run(path, *args):
    out = io.StringIO()
    call_command("import_usaspending", path, *args, stdout=out)
    return out.getvalue()


def approve(submission, moderator):
    return services.approve(submission, moderator=moderator, message="Checked against USAspending.",
                            slug="disa-2025-frontier-prototype", confidence="high")


def test_it_proposes_a_new_agreement_with_each_value_quoted_from_the_award(tmp_path, world, importer):
    output = run(award_file(tmp_path))

    submission = Submission.objects.get()
    assert (submission.kind, submission.status, submission.record_type) == ("create", "pending", "agreement")
    assert submission.submitted_by == importer
    assert submission.payload == {
        "title": "FRONTIER AI PROTOTYPE SERVICES", "usaspending_award_id": AWARD_ID, "piid": "HQ003425C0001",
        "awarding_agency": "disa", "parties": [{"vendor": "frontier", "role": "prime"}],
        "obligated": {"amount": "1234567.50", "currency": "USD"},
        "ceiling": {"amount": "20000000.00", "currency": "USD"}, "awarded": "2025-07-14", "start": "2025-08-01",
        "end": "2026-07-31",
        "status_note": "Potential end of performance (all options exercised), per USAspending: 2028-07-31.",
    }
    assert {source["url"] for source in submission.sources} == {AWARD_URL}
    quotes = {tuple(source["claims"]): source["quote"] for source in submission.sources}
    assert quotes[("obligated",)] == '"total_obligation": 1234567.5'
    assert quotes[("ceiling",)] == '"base_and_all_options": 20000000.0'
    assert quotes[("awarded",)] == '"date_signed": "2025-07-14"'
    assert quotes[("awarding_agency",)] == ('"awarding_agency": {"subtier_agency": {"name": "Defense Information '
                                            'Systems Agency", "code": "97AK", "abbreviation": "DISA"}}')
    assert quotes[("start", "end", "status_note")].startswith('"period_of_performance": {"start_date": "2025-08-01"')
    assert f"Submission #{submission.pk}" in output


def test_it_matches_the_top_tier_agency_when_the_sub_tier_is_not_in_the_registry(tmp_path, world, importer):
    award = changed(awarding_agency={"subtier_agency": {"name": "Unknown office", "code": "97ZZ"}})

    run(award_file(tmp_path, award))

    assert Submission.objects.get().payload["awarding_agency"] == "dod"


def test_a_reimport_while_the_submission_is_pending_creates_nothing(tmp_path, world, importer):
    path = award_file(tmp_path)
    run(path)

    output = run(path)

    assert Submission.objects.count() == 1
    assert "still in review" in output


def test_after_approval_a_second_import_proposes_only_the_changed_fields(tmp_path, world, importer, mod):
    run(award_file(tmp_path))
    approve(Submission.objects.get(), mod)
    agreement = Agreement.objects.get(usaspending_award_id=AWARD_ID)
    assert agreement.obligated.amount == 1234567.5

    assert "already says" in run(award_file(tmp_path, name="same.json"))
    assert Submission.objects.count() == 1

    award = changed(total_obligation=2500000, period_of_performance={"end_date": "2027-01-31"})
    run(award_file(tmp_path, award, name="later.json"))

    update = Submission.objects.exclude(kind="create").get()
    assert (update.kind, update.status, update.target_slug) == ("update", "pending", agreement.slug)
    assert update.payload == {"obligated": {"amount": "2500000.00", "currency": "USD"}, "end": "2027-01-31"}
    assert sorted((s["quote"], tuple(s["claims"])) for s in update.sources) == [
        ('"period_of_performance": {"start_date": "2025-08-01", "end_date": "2027-01-31", '
         '"potential_end_date": "2028-07-31 00:00:00"}', ("end",)),
        ('"total_obligation": 2500000', ("obligated",)),
    ]
    services.approve(update, moderator=mod, message="Checked.")
    agreement.refresh_from_db()
    assert (str(agreement.obligated.amount), agreement.end.isoformat()) == ("2500000.00", "2027-01-31")


@pytest.mark.parametrize("award, named", [
    (changed(recipient={"recipient_uei": "ZZZZZZZZZZ99"}), "UEI ZZZZZZZZZZ99"),
    (changed(recipient={"recipient_uei": None}), "no recipient_uei"),
    (changed(awarding_agency={"subtier_agency": {"code": "12AB"}, "toptier_agency": {"code": "012"}}),
     "USAspending code 12AB"),
])
def test_an_award_whose_vendor_or_agency_is_unknown_is_reported_and_nothing_stored(tmp_path, world, importer,
                                                                                   award, named):
    with pytest.raises(CommandError, match="Nothing was imported") as refused:
        run(award_file(tmp_path, award))

    assert named in str(refused.value)
    assert not Submission.objects.exists()


@pytest.mark.parametrize("content, named", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected one award object"),
    (json.dumps({**AWARD, "generated_unique_award_id": ""}), "generated_unique_award_id is missing"),
    (json.dumps({k: v for k, v in AWARD.items() if k != "generated_unique_award_id"}),
     "generated_unique_award_id is missing"),
    (json.dumps({**AWARD, "total_obligation": "lots"}), "total_obligation"),
    (json.dumps({**AWARD, "date_signed": "14 July"}), "date_signed"),
    (json.dumps(changed(period_of_performance={"end_date": "2025-07-31"})), "end_date 2025-07-31 is before"),
])
def test_a_broken_file_gets_a_clear_error_and_nothing_is_stored(tmp_path, world, importer, content, named):
    with pytest.raises(CommandError, match=named):
        run(award_file(tmp_path, content))

    assert not Submission.objects.exists()


def test_a_missing_file_or_unknown_user_is_a_clear_error(tmp_path, world, importer):
    with pytest.raises(CommandError, match="cannot be read"):
        run(str(tmp_path / "nowhere.json"))
    with pytest.raises(CommandError, match="No active account “nobody”"):
        run(award_file(tmp_path), "--user", "nobody")


def test_an_award_held_by_a_retracted_agreement_is_not_imported(tmp_path, world, importer):
    make_agreement(usaspending_award_id=AWARD_ID, retracted=True)

    with pytest.raises(CommandError, match="retracted"):
        run(award_file(tmp_path))


def test_a_parent_award_in_the_registry_becomes_the_parent(tmp_path, world, importer):
    parent_id = "CONT_IDV_HQ003424D0001_9700"
    parent = make_agreement(usaspending_award_id=parent_id)
    award = changed(parent_award={"generated_unique_award_id": parent_id, "piid": "HQ003424D0001"})

    run(award_file(tmp_path, award))

    assert Submission.objects.get().payload["parent"] == parent.slug


def test_an_agency_code_is_unique_when_set_and_well_formed(world):
    from django.core.exceptions import ValidationError

    make_agency(usaspending_code="")
    make_agency(usaspending_code="")  # empty: unknown, any number of agencies
    with pytest.raises(ValidationError) as taken:
        make_agency(usaspending_code="97AK")
    with pytest.raises(ValidationError) as malformed:
        make_agency(usaspending_code="97-ak")

    assert "usaspending_code" in taken.value.message_dict
    assert "usaspending_code" in malformed.value.message_dict
