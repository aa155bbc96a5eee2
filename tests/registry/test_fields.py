"""Partial dates and money (registry/fields.py): parsing, writing, and the accessors models use."""

import datetime
from decimal import Decimal

import pytest

from contracts.models import Agreement
from registry.fields import DatePrecision, Money, PartialDate, parse_amount

pytestmark = pytest.mark.django_db


# --- PartialDate ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "precision", "first_day", "last_day", "humanized"), [
    ("2025", "year", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "2025"),
    ("2025-07", "month", datetime.date(2025, 7, 1), datetime.date(2025, 7, 31), "July 2025"),
    ("2025-07-14", "day", datetime.date(2025, 7, 14), datetime.date(2025, 7, 14), "14 July 2025"),
    ("2024-02", "month", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), "February 2024"),
    ("2025-02", "month", datetime.date(2025, 2, 1), datetime.date(2025, 2, 28), "February 2025"),
    ("2024-02-29", "day", datetime.date(2024, 2, 29), datetime.date(2024, 2, 29), "29 February 2024"),
])
def test_it_reads_the_precision_from_the_length_of_the_date(text, precision, first_day, last_day, humanized):
    parsed = PartialDate.parse(text)

    assert parsed.precision == precision
    assert parsed.date == first_day
    assert parsed.last_day == last_day
    assert parsed.humanize() == humanized


@pytest.mark.parametrize("text", ["2025", "2025-07", "2025-07-14", "0999-12", "2024-02-29"])
def test_it_writes_a_partial_date_back_as_it_was_read(text):
    parsed = PartialDate.parse(text)

    assert parsed.isoformat() == text
    assert str(parsed) == text
    assert PartialDate.parse(parsed.isoformat()) == parsed


def test_it_ignores_surrounding_spaces_and_accepts_a_parsed_date():
    parsed = PartialDate.parse(" 2025-07 ")

    assert parsed == PartialDate(datetime.date(2025, 7, 1), DatePrecision.MONTH)
    assert PartialDate.parse(parsed) is parsed


@pytest.mark.parametrize(("text", "message"), [
    ("2025-13", "is not a real date"),
    ("2025-00", "is not a real date"),
    ("2025-02-30", "is not a real date"),
    ("2025-02-29", "is not a real date"),
    ("July 2025", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("25-07", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2025-7", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2025-07-14T10:00", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    (None, "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_it_refuses_a_string_that_is_not_a_partial_date_and_says_why(text, message):
    with pytest.raises(ValueError, match=message) as error:
        PartialDate.parse(text)

    assert repr(text) in str(error.value)


# --- the partial-date accessor --------------------------------------------------------------

def test_it_sets_both_columns_when_a_partial_date_is_assigned():
    agreement = Agreement()

    agreement.announced = "2025-07"

    assert agreement.announced_on == datetime.date(2025, 7, 1)
    assert agreement.announced_on_precision == "month"
    assert agreement.announced == PartialDate(datetime.date(2025, 7, 1), "month")
    assert agreement.announced.isoformat() == "2025-07"


@pytest.mark.parametrize(("text", "column", "precision"), [
    ("2025", datetime.date(2025, 1, 1), "year"),
    ("2025-07-14", datetime.date(2025, 7, 14), "day"),
])
def test_it_stores_the_first_day_and_the_precision_for_every_length(text, column, precision):
    agreement = Agreement()

    agreement.end = text

    assert (agreement.end_on, agreement.end_on_precision) == (column, precision)


def test_it_accepts_a_parsed_partial_date():
    agreement = Agreement()

    agreement.start = PartialDate.parse("2026")

    assert (agreement.start_on, agreement.start_on_precision) == (datetime.date(2026, 1, 1), "year")


@pytest.mark.parametrize("empty", [None, ""])
def test_it_clears_both_columns_when_nothing_is_assigned(empty):
    agreement = Agreement(announced_on=datetime.date(2025, 7, 1), announced_on_precision="month")

    agreement.announced = empty

    assert agreement.announced_on is None
    assert agreement.announced_on_precision == ""
    assert agreement.announced is None


def test_it_refuses_a_bad_string_and_leaves_the_stored_date_alone():
    agreement = Agreement()
    agreement.announced = "2025-07"

    with pytest.raises(ValueError, match="not a real date"):
        agreement.announced = "2025-13"

    assert agreement.announced.isoformat() == "2025-07"


def test_it_reads_a_stored_partial_date_after_a_round_trip_through_the_database():
    agreement = Agreement(slug="dated", title="Dated")
    agreement.announced, agreement.awarded = "2025-07", "2025-07-14"
    agreement.save()

    stored = Agreement.objects.get(pk=agreement.pk)

    assert stored.announced.isoformat() == "2025-07"
    assert stored.awarded.isoformat() == "2025-07-14"
    assert stored.start is None


# --- money ----------------------------------------------------------------------------------

def test_it_writes_money_as_a_string_amount_with_two_decimals_and_a_currency():
    assert Money(Decimal("200000000")).as_json() == {"amount": "200000000.00", "currency": "USD"}
    assert Money(Decimal("9.5"), "EUR").as_json() == {"amount": "9.50", "currency": "EUR"}


def test_it_humanizes_money_without_empty_cents():
    assert Money(Decimal("200000000.00")).humanize() == "$200,000,000"
    assert Money(Decimal("1234.50"), "EUR").humanize() == "EUR 1,234.50"


def test_it_round_trips_money_through_the_accessor_and_the_database():
    agreement = Agreement(slug="priced", title="Priced")
    agreement.ceiling = {"amount": "200000000.00", "currency": "USD"}
    agreement.obligated = Money(Decimal("1500000.25"), "EUR")
    agreement.save()

    stored = Agreement.objects.get(pk=agreement.pk)

    assert stored.ceiling_amount == Decimal("200000000.00")
    assert stored.ceiling == Money(Decimal("200000000.00"), "USD")
    assert stored.ceiling.as_json() == {"amount": "200000000.00", "currency": "USD"}
    assert stored.obligated.as_json() == {"amount": "1500000.25", "currency": "EUR"}


def test_it_defaults_the_currency_to_dollars():
    agreement = Agreement()

    agreement.ceiling = {"amount": "10"}

    assert agreement.ceiling == Money(Decimal("10"), "USD")


def test_an_undisclosed_amount_is_none_not_zero():
    agreement = Agreement.objects.create(slug="undisclosed", title="Undisclosed")

    stored = Agreement.objects.get(pk=agreement.pk)

    assert stored.ceiling_amount is None
    assert stored.ceiling is None
    assert stored.obligated is None


def test_a_disclosed_zero_is_kept_as_zero():
    agreement = Agreement()

    agreement.ceiling = {"amount": "0", "currency": "USD"}

    assert agreement.ceiling == Money(Decimal("0"), "USD")
    assert agreement.ceiling.as_json() == {"amount": "0.00", "currency": "USD"}


@pytest.mark.parametrize("undisclosed", [None, {"amount": None, "currency": "USD"}])
def test_it_clears_the_amount_when_the_value_is_undisclosed(undisclosed):
    agreement = Agreement(ceiling_amount=Decimal("5"), ceiling_currency="USD")

    agreement.ceiling = undisclosed

    assert agreement.ceiling_amount is None
    assert agreement.ceiling is None


@pytest.mark.parametrize("text", ["lots", "", "NaN", "Infinity", "1,000"])
def test_it_refuses_an_amount_that_is_not_a_finite_number(text):
    with pytest.raises(ValueError, match="amount"):
        parse_amount(text)

    agreement = Agreement()
    with pytest.raises(ValueError, match="amount"):
        agreement.ceiling = {"amount": text, "currency": "USD"}
    assert agreement.ceiling is None
