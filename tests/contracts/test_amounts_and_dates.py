"""Reported amounts as typed values and the best known date of agreements, through the interchange
shape, the write path, the API, the CSV and the pages."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.models import Agreement, AgreementAmount
from registry.loader import LoadError, load_records
from registry.services import apply_change, apply_changes
from tests.builders import builder_user, make_agency, make_agreement, make_amount, make_citation, make_party, make_vendor
from tests.reading import facts, words

pytestmark = pytest.mark.django_db

PUBLISHED = "2026-11-28T00:00:00Z"


def day(text):
    from registry.fields import PartialDate
    parsed = PartialDate.parse(text)
    return parsed.date, parsed.precision


def dated(**dates):
    fields = {}
    for name, text in dates.items():
        fields[f"{name}_on"], fields[f"{name}_on_precision"] = day(text)
    return fields


# --- the best known date ------------------------------------------------------------------------

@pytest.mark.parametrize(("dates", "expected"), [
    ({"announced": "2025-07", "awarded": "2025-06-01", "first_reported": "2025-05-01", "start": "2025-04"},
     ("2025-07", "announced")),
    ({"awarded": "2025-06-01", "first_reported": "2025-05-01", "start": "2025-04"}, ("2025-06-01", "awarded")),
    ({"first_reported": "2024-09-19", "start": "2024"}, ("2024-09-19", "first_reported")),
    ({"start": "2025-10-15"}, ("2025-10-15", "start")),
])
def test_the_best_known_date_is_announced_then_awarded_then_first_reported_then_start(dates, expected):
    agreement = make_agreement(**dated(**dates))

    stored = Agreement.objects.get(pk=agreement.pk)

    assert (stored.best_known.isoformat(), stored.best_known_kind) == expected
    assert stored.best_known_on_precision == stored.best_known.precision


def test_an_agreement_with_no_known_date_has_no_best_known_date():
    stored = Agreement.objects.get(pk=make_agreement().pk)

    assert (stored.best_known_on, stored.best_known_on_precision, stored.best_known_kind) == (None, "", "")


def test_the_write_path_keeps_the_best_known_date_in_step_single_and_bulk():
    agreement = make_agreement(**dated(start="2025-10-15"))
    agreement.first_reported = "2025-05-22"
    apply_change(agreement, user=builder_user(), reason="reported earlier")
    assert Agreement.objects.get(pk=agreement.pk).best_known_kind == "first_reported"

    agreement.announced = "2025-05"
    apply_changes([agreement], user=builder_user(), reason="announcement found")  # bulk: no save() called

    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.best_known.isoformat(), stored.best_known_kind) == ("2025-05", "announced")
    assert stored.history.latest().best_known_kind == "announced"  # its history says the same


def test_lists_sort_by_the_best_known_date_newest_first_and_say_which_it_is(client):
    make_agreement(title="Announced deal", **dated(announced="2025-07-14"))
    make_agreement(title="Reported deal", **dated(first_reported="2025-09"))
    make_agreement(title="Started deal", **dated(start="2024-02-01"))
    make_agreement(title="Undated deal")

    html = client.get("/agreements/").content.decode()
    text = words(html)

    order = [text.index(title) for title in ("Reported deal", "Announced deal", "Started deal", "Undated deal")]
    assert order == sorted(order)
    assert "September 2025 (first reported)" in text
    assert "14 July 2025 (announced)" in text
    assert "1 February 2024 (start of performance)" in text


# --- amounts: interchange, write path, history ------------------------------------------------------

def document(**agreement):
    return {
        "sources": [{"slug": "report", "url": "https://news.example.org/r", "title": "Report",
                     "published_at": PUBLISHED}],
        "agencies": [{"slug": "usmc", "name": "U.S. Marine Corps", "published_at": PUBLISHED,
                      "citations": [{"source": "report", "quote": "Marine Corps"}]}],
        "agreements": [{"slug": "cuas", "title": "Installation counter-UAS", "awarding_agency": "usmc",
                        "published_at": PUBLISHED, "citations": [{"source": "report", "quote": "$642 million"}],
                        **agreement}],
    }


AMOUNTS = [{"kind": "reported_award_value", "amount": "642000000.00", "currency": "USD", "as_of": "2025-03",
            "note": "reported as a $642 million, 10-year contract"},
           {"kind": "potential_total", "amount": "700000000", "currency": "USD", "as_of": None, "note": ""}]


def test_amounts_load_from_the_interchange_shape_and_a_reload_changes_nothing():
    load_records(document(amounts=AMOUNTS, first_reported="2025-03-04"))

    agreement = Agreement.objects.get(slug="cuas")
    rows = list(agreement.amounts.order_by("position"))
    assert [(r.kind, r.amount, r.currency, r.as_of and r.as_of.isoformat(), r.note) for r in rows] == [
        ("reported_award_value", Decimal("642000000.00"), "USD", "2025-03", AMOUNTS[0]["note"]),
        ("potential_total", Decimal("700000000.00"), "USD", None, "")]
    assert (agreement.best_known_kind, agreement.first_reported.isoformat()) == ("first_reported", "2025-03-04")
    assert rows[0].history.count() == 1  # written with history

    report = load_records(document(amounts=AMOUNTS, first_reported="2025-03-04"))
    assert not report.changed


def test_a_changed_amount_keeps_the_old_one_in_history():
    load_records(document(amounts=AMOUNTS[:1]))
    changed = [{**AMOUNTS[0], "amount": "650000000.00"}]

    load_records(document(amounts=changed))

    assert [a.amount for a in Agreement.objects.get(slug="cuas").amounts.all()] == [Decimal("650000000.00")]
    assert AgreementAmount.history.filter(amount=Decimal("642000000.00"), history_type="-").exists()


def test_best_known_in_a_file_is_ignored_so_an_exported_record_loads_back():
    load_records(document(start="2025-10-15", best_known={"on": "1999", "precision": "year", "which": "announced"}))

    assert Agreement.objects.get(slug="cuas").best_known_kind == "start"


@pytest.mark.parametrize(("amount", "message"), [
    ({"kind": "rumoured", "amount": "1.00"}, "kind"),
    ({"kind": "ceiling", "amount": "-5.00"}, "negative"),
    ({"kind": "ceiling", "amount": "lots"}, "amount"),
    ({"kind": "ceiling", "amount": "1.001"}, "two decimal places"),
    ({"kind": "ceiling", "amount": "1.00", "currency": "usd"}, "ISO 4217"),
    ({"kind": "ceiling", "amount": "1.00", "as_of": "2025-13"}, "as_of"),
    ({"kind": "ceiling", "amount": "1.00", "value": "typo"}, "Unknown field"),
])
def test_a_bad_amount_is_refused_naming_it_and_nothing_is_stored(amount, message):
    with pytest.raises(LoadError) as error:
        load_records(document(amounts=[amount]))

    assert "amounts[0]" in str(error.value) and message in str(error.value)
    assert not Agreement.objects.exists() and not AgreementAmount.objects.exists()


def test_the_model_refuses_a_negative_amount_or_a_bad_currency():
    agreement = make_agreement()
    with pytest.raises(ValidationError):
        apply_change(AgreementAmount(agreement=agreement, kind="ceiling", amount=Decimal("-1")),
                     user=builder_user(), reason="bad")
    with pytest.raises(ValidationError):
        apply_change(AgreementAmount(agreement=agreement, kind="ceiling", amount=Decimal("1"), currency="dollars"),
                     user=builder_user(), reason="bad")
    assert not agreement.amounts.exists()


# --- the API ---------------------------------------------------------------------------------------

def test_the_api_gives_every_amount_with_its_kind_and_the_best_known_date(client):
    load_records(document(amounts=AMOUNTS, first_reported="2025-03-04",
                          ceiling={"amount": "1000000000.00", "currency": "USD"}))

    body = client.get("/api/v1/agreements/cuas/").json()

    assert body["ceiling"] == {"amount": "1000000000.00", "currency": "USD"}  # existing clients keep it
    assert body["obligated"] is None
    assert body["amounts"] == [{**AMOUNTS[0]}, {**AMOUNTS[1], "amount": "700000000.00"}]
    assert body["first_reported"] == "2025-03-04"
    assert body["best_known"] == {"on": "2025-03-04", "precision": "day", "which": "first_reported"}
    listed = client.get("/api/v1/agreements/?amount_kind=reported_award_value").json()["results"]
    assert [row["slug"] for row in listed] == ["cuas"]
    assert listed[0]["amounts"][0]["kind"] == "reported_award_value"


def test_an_agreement_with_no_amount_or_date_says_so_in_the_api(client):
    agreement = make_agreement()

    body = client.get(f"/api/v1/agreements/{agreement.slug}/").json()

    assert (body["amounts"], body["best_known"], body["first_reported"]) == ([], None, None)


def test_the_api_filters_and_sorts_by_the_best_known_date(client):
    make_agreement(slug="old", **dated(announced="2023"))
    make_agreement(slug="reported", **dated(first_reported="2025-09-01"))
    make_agreement(slug="started", **dated(start="2024-06"))

    def slugs(query):
        return [row["slug"] for row in client.get(f"/api/v1/agreements/?{query}").json()["results"]]

    assert slugs("ordering=-date") == ["reported", "started", "old"]
    assert slugs("date_after=2024-06&ordering=date") == ["started", "reported"]
    assert slugs("date_before=2024-06-01") == ["started", "old"]
    assert client.get("/api/v1/agreements/?date_after=soon").status_code == 400


# --- CSV ------------------------------------------------------------------------------------------

def read_csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_has_a_column_per_kind_and_the_best_known_date(client):
    agreement = make_agreement(slug="cuas", **dated(first_reported="2025-03"))
    make_amount(agreement, "reported_award_value", "642000000.00", as_of="2025-03", note="10-year contract")
    make_amount(agreement, "reported_award_value", "10.00", position=1)

    rows = read_csv(client.get("/agreements/csv/"))

    row = rows[0]
    assert row["amount_reported_award_value"] == "642000000.00; 10.00"
    assert row["amount_ceiling_increase"] == "" and row["ceiling_amount"] == ""
    assert row["amounts"] == ("reported_award_value 642000000.00 USD as of 2025-03 — 10-year contract; "
                              "reported_award_value 10.00 USD")
    assert (row["first_reported"], row["best_known"], row["best_known_kind"]) == ("2025-03", "2025-03",
                                                                                  "first_reported")
    api_rows = read_csv(client.get("/api/v1/agreements/?format=csv"))
    assert api_rows == rows


# --- pages ----------------------------------------------------------------------------------------

def test_a_reported_amount_is_shown_not_undisclosed_in_the_list_and_on_the_page(client):
    agreement = make_agreement(title="Counter-UAS", **dated(first_reported="2025-03"))
    make_amount(agreement, "reported_award_value", "642000000.00", note="reported as a $642 million contract")

    listed = words(client.get("/agreements/").content.decode())
    shown = facts(client.get(agreement.get_absolute_url()).content.decode())

    assert "reported $642M (award value)" in listed and "undisclosed" not in listed.split("Counter-UAS")[1]
    assert shown["Reported award value"] == "$642,000,000 — reported as a $642 million contract"
    assert shown["Ceiling (the most that may be spent)"] == "undisclosed"  # no ceiling is public
    assert shown["Announced"] == "not known; the best known date is March 2025 (first reported)"
    assert shown["First reported"] == "March 2025"


def test_undisclosed_is_said_only_when_no_amount_of_that_kind_is_public(client):
    agreement = make_agreement(title="Earlier ceiling")
    make_amount(agreement, "ceiling", "480000000.00", as_of="2024-05")
    nothing = make_agreement(title="Nothing public")

    shown = facts(client.get(agreement.get_absolute_url()).content.decode())
    listed = words(client.get("/agreements/").content.decode())

    assert shown["Ceiling (the most that may be spent)"] == "see the reported ceilings below"
    assert shown["Ceiling"] == "$480,000,000 as of May 2024"
    assert shown["Obligated (funds committed)"] == "undisclosed"
    assert "Earlier ceiling" in listed and "$480M (ceiling)" in listed
    assert facts(client.get(nothing.get_absolute_url()).content.decode())[
        "Ceiling (the most that may be spent)"] == "undisclosed"


def test_vendor_and_agency_pages_total_top_level_agreements_per_kind_never_across_kinds(client):
    agency, vendor = make_agency(slug="usmc", name="USMC"), make_vendor(slug="anduril", name="Anduril")
    base = make_agreement(title="Base", awarding_agency=agency, vendors=[vendor],
                          ceiling_amount=Decimal("100000000"))
    other = make_agreement(title="Other", awarding_agency=agency, vendors=[vendor],
                           ceiling_amount=Decimal("50000000"))
    make_amount(other, "reported_award_value", "642000000.00")
    child = make_agreement(title="Modification", awarding_agency=agency, parent=base,
                           ceiling_amount=Decimal("999000000"))
    make_party(child, vendor)
    make_amount(child, "ceiling_increase", "400000000.00")

    for url in (vendor.get_absolute_url(), agency.get_absolute_url()):
        html = client.get(url).content.decode()
        shown = facts(html)
        assert shown["Ceiling"] == "$150,000,000 (over 2 agreements)", url  # the modification is not added
        assert shown["Reported award value"] == "$642,000,000 (over 1 agreement)", url
        assert "Ceiling increase" not in shown, url  # only on a modification
        assert "$792,000,000" not in html  # kinds are never added together
    assert "$999M (ceiling)" in words(client.get(vendor.get_absolute_url()).content.decode())  # its own row


def test_the_agreement_page_lists_its_modifications_with_their_own_amounts(client):
    base = make_agreement(title="Maven")
    child = make_agreement(title="Ceiling increase", parent=base, **dated(announced="2025-05"))
    make_amount(child, "ceiling_increase", "795000000.00")

    text = words(client.get(base.get_absolute_url()).content.decode())

    assert "Ceiling increase (May 2025 (announced); reported $795M (ceiling increase))" in text


def test_a_citation_claiming_an_amount_puts_its_footnote_at_that_amount(client):
    agreement = make_agreement(title="Counter-UAS")
    make_amount(agreement, "reported_award_value", "642000000.00")
    make_citation(agreement, quote="a $642 million, 10-year contract", claims=["amount:reported_award_value"])

    html = client.get(agreement.get_absolute_url()).content.decode()

    cell = re.search(r'<dd class="amount" data-kind="reported_award_value">(.*?)</dd>', html, re.S).group(1)
    # Attributed citations are numbered first: the claiming one is footnote 1, the builder's general one 2.
    assert re.search(r'<li id="fn-1"[^>]*>.*?a \$642 million, 10-year contract', html, re.S)
    assert 'href="#fn-1"' in cell
    assert 'href="#fn-2"' not in cell


def test_as_of_gives_the_amounts_the_registry_stated_then(client):
    load_records(document(amounts=AMOUNTS[:1]))
    before = timezone.now()
    load_records(document(amounts=[{**AMOUNTS[0], "amount": "650000000.00"}]))

    then = client.get(f"/api/v1/agreements/cuas/?as_of={before.isoformat().replace('+00:00', 'Z')}").json()
    now = client.get("/api/v1/agreements/cuas/").json()

    assert [a["amount"] for a in then["amounts"]] == ["642000000.00"]
    assert [a["amount"] for a in now["amounts"]] == ["650000000.00"]
    assert then["best_known"] is None
