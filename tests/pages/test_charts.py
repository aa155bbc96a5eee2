"""The charts page (/charts/) and a vendor's chart: each chart's table holds exactly the figures the records give
(expected values computed here from the builders' records), what cannot be placed is counted apart, and the
queries do not grow with the rows."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from contracts.models import Agreement, AmountKind
from disclosures.models import TestingDisclosure
from disclosures.services import disclosure_lag
from registry.charts import month_label
from registry.fields import Money
from tests.builders import make_agreement, make_amount, make_designation, make_testing_disclosure, make_vendor, one_change
from tests.queries import two_world_sizes
from tests.reading import main, words

pytestmark = pytest.mark.django_db


class TableReader(HTMLParser):
    """The rows of the table with id ``table_id``: [[header cell, cell, …], …] as text, and its header row."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.depth = table_id, False, 0
        self.headers, self.rows, self.row, self.cell, self.in_head = [], [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", self.table_id) in attrs:
            self.inside = True
        if not self.inside:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            (self.headers if self.in_head else self.rows).append(self.row)
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html, table_id):
    reader = TableReader(table_id)
    reader.feed(html)
    assert reader.headers, f"no table #{table_id}"
    return reader.headers[0], reader.rows


def day(text):
    return datetime.date.fromisoformat(text)


# --- agreements by month and their amounts ----------------------------------------------------------

@pytest.fixture
def deals():
    """Agreements placed by every kind of best known date, with and without amounts, and some that never count."""
    made = {
        "day": make_agreement(announced_on=day("2025-07-14"), announced_on_precision="day",
                              ceiling_amount=Decimal("100000000"), ceiling_currency="USD"),
        "month": make_agreement(announced_on=day("2025-07-01"), announced_on_precision="month"),
        "awarded": make_agreement(awarded_on=day("2025-09-02"), awarded_on_precision="day"),
        "two-kinds": make_agreement(announced_on=day("2025-09-10"), announced_on_precision="day",
                                    ceiling_amount=Decimal("10000000"), obligated_amount=Decimal("2000000")),
        "year": make_agreement(announced_on=day("2024-01-01"), announced_on_precision="year"),
        "undated": make_agreement(),
        "euro": make_agreement(first_reported_on=day("2025-11-01"), first_reported_on_precision="month"),
    }
    make_amount(made["awarded"], "reported_award_value", "50000000.00")
    make_amount(made["euro"], "reported_award_value", "7000000.00", currency="EUR")
    make_amount(made["year"], "prize_pool", "24000.00")
    # never counted: a modification (its own amounts), a draft, a retracted agreement
    make_agreement(parent=made["day"], announced_on=day("2025-07-20"), announced_on_precision="day",
                   ceiling_amount=Decimal("999"))
    make_agreement(published=False, announced_on=day("2025-08-01"), announced_on_precision="day")
    make_agreement(retracted=True, announced_on=day("2025-08-02"), announced_on_precision="day")
    return made


def expected_by_month(agreements):
    """From the records themselves: per month of the best known date, [agreements, with an amount, without];
    the years known only to the year and the undated apart."""
    by_month, apart = defaultdict(lambda: [0, 0, 0]), Counter()
    for agreement in agreements:
        agreement = Agreement.objects.get(pk=agreement.pk)
        known = agreement.best_known
        if known is None:
            apart["undated"] += 1
        elif known.precision == "year":
            apart[known.date.year] += 1
        else:
            row = by_month[known.date.replace(day=1)]
            row[0] += 1
            row[1 if agreement.reported_amounts() else 2] += 1
    return by_month, apart


def test_the_agreements_table_counts_each_month_from_the_best_known_date(client, deals):
    by_month, _ = expected_by_month(deals.values())

    headers, rows = table(client.get("/charts/").content.decode(), "agreements-by-month-table")

    assert headers == ["Month", "Agreements", "With a public amount", "Amount undisclosed"]
    months = [datetime.date(2025, m, 1) for m in (7, 8, 9, 10, 11)]  # every month of the run, empty ones too
    assert rows == [[month_label(m), *(str(n) for n in by_month.get(m, [0, 0, 0]))] for m in months]
    assert rows[0] == ["July 2025", "2", "1", "1"]  # the modification, the draft and the retracted one never count


def test_what_cannot_be_placed_in_a_month_is_counted_apart_and_said(client, deals):
    _, apart = expected_by_month(deals.values())
    page = words(main(client.get("/charts/").content.decode()))

    assert apart == {2024: 1, "undated": 1}
    assert "Known only to the year 2024, so not placed in a month: 1 agreement (0 with no public amount)." in page
    assert "No known date, so not placed at all: 1 agreement (1 with no public amount)." in page
    assert "Top-level agreements only" in page and "best known date" in page


def test_the_amounts_table_totals_each_kind_and_currency_apart(client, deals):
    expected = defaultdict(lambda: [Decimal(0), 0])
    for agreement in deals.values():
        agreement = Agreement.objects.get(pk=agreement.pk)
        if agreement.best_known and agreement.best_known.precision != "year":
            for amount in agreement.reported_amounts():
                entry = expected[(agreement.best_known.date.replace(day=1), amount.kind, amount.money.currency)]
                entry[0] += amount.money.amount
                entry[1] += 1

    headers, rows = table(client.get("/charts/").content.decode(), "amounts-by-month-table")

    kinds = [("ceiling", "USD"), ("reported_award_value", "EUR"), ("reported_award_value", "USD"), ("obligated", "USD")]
    assert headers == ["Month", *(f"{AmountKind(k).label} ({c})" for k, c in kinds)]
    for row in rows:
        month = next(datetime.date(2025, m, 1) for m in range(1, 13) if month_label(datetime.date(2025, m, 1)) == row[0])
        for (kind, currency), cell in zip(kinds, row[1:], strict=True):
            total = expected.get((month, kind, currency))
            assert cell == (f"{Money(total[0], currency).humanize()} ({total[1]} agreement)" if total else "—")
    assert rows[2][1:] == ["$10,000,000 (1 agreement)", "—", "$50,000,000 (1 agreement)", "$2,000,000 (1 agreement)"]


def test_the_amounts_of_an_agreement_known_only_to_the_year_are_said_apart(client, deals):
    page = words(main(client.get("/charts/").content.decode()))

    assert "Known only to the year 2024, so not placed in a month: prize pool $24,000 over 1 agreement." in page


def test_the_charts_are_svg_images_named_and_described_with_patterns_not_only_colours(client, deals):
    page = client.get("/charts/").content.decode()

    for chart in ("agreements-by-month", "amounts-by-month"):
        assert 'role="img" viewBox="0 0 760 ' in page
        assert f'aria-labelledby="{chart}-title" aria-describedby="{chart}-desc"' in page
        assert f'<title id="{chart}-title">' in page
    assert '<pattern id="agreements-by-month-s1"' in page  # the undisclosed series is hatched, not only orange
    assert 'fill="url(#agreements-by-month-s1)"' in page


def test_with_no_dated_agreement_the_page_says_so_and_draws_nothing(client):
    make_agreement()

    page = client.get("/charts/").content.decode()

    assert "No top-level agreement has a best known date precise to the month yet." in page
    assert "agreements-by-month-table" not in page


# --- disclosure lags -------------------------------------------------------------------------------

def test_each_lag_row_is_the_disclosures_own_reading_and_open_ones_are_marked(client):
    disclosed = make_testing_disclosure(title="Tested in 2023", tested_from=day("2023-01-01"),
                                        tested_from_precision="year", disclosed_on=day("2026-03-06"),
                                        disclosed_on_precision="day")
    exact = make_testing_disclosure(title="Tested on a day", tested_from=day("2024-01-29"), tested_from_precision="day",
                                    disclosed_on=day("2024-03-01"), disclosed_on_precision="day")
    still_open = make_testing_disclosure(title="Not yet public", tested_from=day("2025-11-01"),
                                         tested_from_precision="month")
    make_testing_disclosure(title="Start unknown", disclosed_on=day("2025-01-02"), disclosed_on_precision="day")

    page = client.get("/charts/").content.decode()
    headers, rows = table(page, "lags-by-disclosure-table")

    assert headers == ["Testing", "Testing began", "Disclosed", "Shortest lag (days)", "Longest lag (days)"]
    expected = []
    for record in sorted((disclosed, exact, still_open), key=lambda d: d.tested_from):
        record = TestingDisclosure.objects.get(pk=record.pk)
        lag = disclosure_lag(record)
        expected.append([record.title, record.tested_start.humanize(),
                         record.disclosed.humanize() if record.disclosed else "not disclosed so far",
                         f"{lag.min_days:,}", f"{lag.max_days:,}" if lag.disclosed else "open: still growing"])
    assert rows == expected
    assert rows[0][3:] == ["796", "1,160"]
    assert 'stroke-dasharray="4 2"' in page  # the open bar is drawn dashed and hatched, with an arrow
    assert "Not drawn: 1 testing disclosure whose start of testing the sources do not give" in words(page)


def test_the_lag_chart_says_when_it_draws_only_the_latest(client, monkeypatch):
    monkeypatch.setattr("disclosures.charts.LAG_ROWS", 2)
    for year in (2021, 2022, 2023):
        make_testing_disclosure(title=f"Tested {year}", tested_from=day(f"{year}-01-01"), tested_from_precision="year",
                                disclosed_on=day("2025-01-01"), disclosed_on_precision="day")

    page = client.get("/charts/").content.decode()
    _, rows = table(page, "lags-by-disclosure-table")

    assert [row[0] for row in rows] == ["Tested 2022", "Tested 2023"]
    assert "Drawn: the 2 with the latest start of testing, of 3" in words(page)


# --- designations by status ----------------------------------------------------------------------------

def test_designations_are_placed_at_their_earliest_recorded_date_by_status_today(client):
    make_designation(status="in_effect", announced_on=day("2026-02-13"), announced_on_precision="day",
                     determined_on=day("2025-10-07"), determined_on_precision="day")  # determined first: October
    make_designation(status="reported", announced_on=day("2025-10-20"), announced_on_precision="day")
    make_designation(status="enjoined", noticed_on=day("2025-12-01"), noticed_on_precision="month")
    make_designation(status="reported", effective_on=day("2024-01-01"), effective_on_precision="year")
    make_designation(status="proposed")
    make_designation(status="in_effect", retracted=True, announced_on=day("2025-11-05"), announced_on_precision="day")

    page = client.get("/charts/").content.decode()
    headers, rows = table(page, "designations-by-month-table")

    assert headers == ["Month", "Reported", "In effect", "Enjoined", "All"]
    assert rows == [["October 2025", "1", "1", "0", "2"], ["November 2025", "0", "0", "0", "0"],
                    ["December 2025", "0", "0", "1", "1"]]
    text = words(page)
    assert "Known only to the year 2024, so not placed in a month: 1 reported." in text
    assert "No recorded date, so not placed: 1 proposed." in text
    assert "not the status it had in that month" in text


# --- the page itself ------------------------------------------------------------------------------

def test_the_page_is_linked_from_the_agreements_list_the_testing_list_and_the_home_page(client):
    for url, anchor in (("/agreements/", "/charts/#agreements"), ("/testing-disclosures/", "/charts/#disclosure-lags"),
                        ("/", "/charts/")):
        assert f'href="{anchor}"' in client.get(url).content.decode()


def test_a_label_with_markup_is_escaped_in_the_svg_and_the_table(client):
    make_testing_disclosure(title='<script>alert(1)</script> & "quotes"', tested_from=day("2024-01-01"),
                            tested_from_precision="day", disclosed_on=day("2024-02-01"), disclosed_on_precision="day")

    page = client.get("/charts/").content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in page


@two_world_sizes
def test_the_charts_page_runs_the_same_queries_for_any_number_of_records(client, django_assert_num_queries, rows):
    with one_change():
        for n in range(rows):
            month = day(f"2025-{n % 12 + 1:02d}-01")
            deal = make_agreement(announced_on=month, announced_on_precision="month", ceiling_amount=Decimal(n + 1))
            make_amount(deal, "reported_award_value", "10.00")
            make_agreement(parent=deal, announced_on=month, announced_on_precision="month")
            make_testing_disclosure(tested_from=month, tested_from_precision="month")
            make_designation(announced_on=month, announced_on_precision="month")
    client.get("/charts/")
    # agreements by date · the undisclosed ones by date · their ceilings · their obligations · their typed amounts
    # · testing counts · the lag rows · designations by date and status · latest change (footer)
    with django_assert_num_queries(9):
        assert client.get("/charts/").status_code == 200


# --- a vendor's agreements by year -----------------------------------------------------------------------

def test_a_vendors_page_charts_its_agreements_by_year_with_modifications_apart(client):
    vendor = make_vendor(name="Acme AI")
    first = make_agreement(vendors=[vendor], announced_on=day("2023-05-01"), announced_on_precision="month")
    make_agreement(vendors=[vendor], awarded_on=day("2025-01-01"), awarded_on_precision="year")
    make_agreement(vendors=[vendor], parent=first, start_on=day("2025-03-03"), start_on_precision="day")
    make_agreement(vendors=[vendor])  # undated
    make_agreement(vendors=[vendor], published=False, announced_on=day("2024-01-01"), announced_on_precision="day")
    make_agreement(announced_on=day("2024-01-01"), announced_on_precision="day")  # another vendor's

    page = client.get(vendor.get_absolute_url()).content.decode()
    headers, rows = table(page, f"vendor-{vendor.slug}-by-year-table")

    assert headers == ["Year", "Top-level agreements", "Modifications, task orders and amendments"]
    assert rows == [["2023", "1", "0"], ["2024", "0", "0"], ["2025", "1", "1"]]
    assert "No known date, so not placed: 1 agreement." in words(page)
    assert 'aria-labelledby="vendor-' in page


def test_a_vendor_with_no_agreement_has_no_chart(client):
    vendor = make_vendor()

    page = client.get(vendor.get_absolute_url()).content.decode()

    assert "by-year-table" not in page
    assert "No public agreement names this vendor." in page
