"""Issue 9, defects 1 and 2 on the seed: no reported amount is shown as "undisclosed", and no agreement
whose research holds a date says only "Announced: unknown"."""

import csv
import io
import re

import pytest

from contracts.models import Agreement, Vendor
from tests.reading import facts, words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def rows_of(html):
    """{agreement path: the visible words of its table row} for every row of the page's tables."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        link = re.search(r'href="(/agreements/[^"/]+/)"', row)
        if link:
            rows[link.group(1)] = words(row)
    return rows


def with_amounts():
    return list(Agreement.objects.public().prefetch_related("amounts").select_related("awarding_agency"))


def test_nine_or_more_agreements_have_a_public_amount_other_than_a_ceiling():
    others = [a for a in with_amounts() if a.ceiling is None and a.reported_amounts()]

    assert len(others) >= 9
    assert {"usmc-2025-anduril-installation-cuas", "army-2024-palantir-titan", "cdao-2025-palantir-mss-task-order",
            "cdao-2025-palantir-maven-ceiling-increase", "cdao-2026-scale-ai-production-ota-ceiling-increase",
            "army-2025-anduril-ngc2-prototype-ota"} <= {a.slug for a in others}


def test_no_agreement_with_a_reported_amount_is_undisclosed_in_the_list(client):
    rows = rows_of(client.get("/agreements/?page_size=500").content.decode())

    for agreement in with_amounts():
        row = rows[agreement.get_absolute_url()]
        headline = agreement.headline_amount()
        if headline is None:
            assert "undisclosed" in row, agreement.slug
            continue
        assert "undisclosed" not in row, agreement.slug
        assert headline.money.short() in row, agreement.slug
    assert "reported $642M (award value)" in rows["/agreements/usmc-2025-anduril-installation-cuas/"]
    assert "reported $252,458,698 (in federal award data)" in rows["/agreements/cdao-2025-palantir-mss-task-order/"]


def test_no_agreement_with_a_reported_amount_is_undisclosed_on_vendor_and_agency_pages(client):
    agreements = with_amounts()
    pages = [vendor.get_absolute_url() for vendor in Vendor.objects.public()]
    pages += list({a.awarding_agency.get_absolute_url() for a in agreements if a.awarding_agency})
    checked = 0
    for url in pages:
        rows = rows_of(client.get(url).content.decode())
        for agreement in agreements:
            row = rows.get(agreement.get_absolute_url())
            if row is not None and agreement.headline_amount() is not None:
                assert "undisclosed" not in row, (url, agreement.slug)
                checked += 1
    assert checked >= 20


def test_every_reported_amount_is_on_its_agreement_page_with_its_kind(client):
    for agreement in with_amounts():
        shown = facts(client.get(agreement.get_absolute_url()).content.decode())
        for amount in agreement.amounts.all():
            assert shown[amount.get_kind_display()].startswith(amount.money.humanize()), agreement.slug
        if agreement.ceiling:  # the ceiling at award, then any later ceiling a modification reports
            assert shown["Ceiling (the most that may be spent)"].split("later raised:")[0] == \
                agreement.ceiling.humanize()
    maven = facts(client.get("/agreements/cdao-2025-palantir-maven-ceiling-increase/").content.decode())
    assert maven["Ceiling increase"] == "$795,000,000"
    assert maven["Resulting ceiling"].startswith("$1,300,000,000 — reported as 'nearly $1.3 billion through 2029'")
    scale = facts(client.get("/agreements/cdao-2026-scale-ai-production-ota-ceiling-increase/").content.decode())
    assert scale["Resulting ceiling"] == "$500,000,000"


def test_vendor_totals_count_top_level_agreements_one_kind_at_a_time(client):
    shown = facts(client.get("/vendors/palantir/").content.decode())
    palantir = [a for a in with_amounts() if a.parties.filter(vendor__slug="palantir").exists()]
    top_ceilings = sum(a.ceiling.amount for a in palantir if a.parent_id is None and a.ceiling)

    assert shown["Ceiling"].startswith(f"${top_ceilings:,.0f} ")
    assert "Ceiling increase" not in shown  # the +$795M is a modification's own amount, not added


def test_every_agreement_announced_unknown_shows_its_best_known_date(client):
    unknown = list(Agreement.objects.public().filter(announced_on__isnull=True))

    assert len(unknown) == 7
    for agreement in unknown:
        shown = facts(client.get(agreement.get_absolute_url()).content.decode())
        assert agreement.best_known is not None, agreement.slug
        assert shown["Announced"] == (f"not known; the best known date is {agreement.best_known.humanize()} "
                                      f"({agreement.get_best_known_kind_display()})"), agreement.slug
    five_services = facts(client.get("/agreements/dod-2024-palantir-mss-five-services/").content.decode())
    assert five_services["First reported"] == "19 September 2024"
    task_order = Agreement.objects.get(slug="cdao-2025-palantir-mss-task-order")
    assert (task_order.best_known.isoformat(), task_order.best_known_kind) == ("2025-10-15", "start")


def test_the_list_sorts_by_the_best_known_date_and_says_which(client):
    text = words(client.get("/agreements/?page_size=500").content.decode())

    assert "19 September 2024 (first reported)" in text
    dates = list(Agreement.objects.public().values_list("best_known_on", flat=True))
    listed = [a.best_known_on for a in Agreement.objects.public()]  # the default ordering
    assert listed == sorted(dates, key=lambda d: (d is None, -(d.toordinal() if d else 0)))


def test_the_csv_gives_a_currency_only_beside_an_amount(client):
    """USMC counter-UAS has no ceiling: its ceiling_currency is empty, not a bare "USD" that reads as a ceiling
    of unknown size; Anthropic's OTA has a USD ceiling."""
    response = client.get("/agreements/csv/")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(body.decode()))}
    assert (rows["usmc-2025-anduril-installation-cuas"]["ceiling_amount"],
            rows["usmc-2025-anduril-installation-cuas"]["ceiling_currency"]) == ("", "")
    assert rows["usmc-2025-anduril-installation-cuas"]["obligated_currency"] == ""
    assert (rows["cdao-2025-anthropic-frontier-ai"]["ceiling_amount"],
            rows["cdao-2025-anthropic-frontier-ai"]["ceiling_currency"]) == ("200000000.00", "USD")
    for row in rows.values():
        assert bool(row["ceiling_amount"]) == bool(row["ceiling_currency"]), row["slug"]


def test_a_ceiling_raised_by_a_modification_says_so_beside_the_ceiling_at_award(client):
    """Maven's $480M ceiling was raised by a modification (to nearly $1.3B): the Ceiling row says so, with the
    modification's own words, rather than leaving $480M to be read as the ceiling today."""
    shown = facts(client.get("/agreements/cdao-2024-palantir-maven-smart-system/").content.decode())
    assert shown["Ceiling (the most that may be spent)"].startswith("$480,000,000")
    assert ("later raised: Maven Smart System software licenses – contract modification raising ceiling reports a "
            "resulting ceiling of $1,300,000,000 (reported as 'nearly $1.3 billion through 2029'; approximate)") in \
        shown["Ceiling (the most that may be spent)"]
    scale = facts(client.get("/agreements/cdao-2025-scale-ai-production-ota/").content.decode())
    assert "resulting ceiling of $500,000,000" in scale["Ceiling (the most that may be spent)"]
    anthropic = facts(client.get("/agreements/cdao-2025-anthropic-frontier-ai/").content.decode())
    assert "later raised" not in anthropic["Ceiling (the most that may be spent)"]
