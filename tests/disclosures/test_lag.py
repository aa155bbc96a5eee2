"""The disclosure lag: disclosed minus tested-from, a min–max range of days given both precisions."""

import datetime

import pytest

from disclosures.models import TestingDisclosure
from disclosures.services import DisclosureLag, disclosure_lag
from registry.services import apply_change
from tests.builders import builder_user, make_testing_disclosure


def disclosure(tested_from=None, disclosed=None):
    """An unsaved testing disclosure: the lag reads only its two partial dates."""
    record = TestingDisclosure()
    record.tested_start = tested_from
    record.disclosed = disclosed
    return record


def test_it_is_exact_when_both_dates_are_known_to_the_day():
    lag = disclosure_lag(disclosure("2024-01-29", "2024-03-01"))

    assert lag == DisclosureLag(min_days=32, max_days=32, disclosed=True)
    assert lag.exact
    assert str(lag) == "32 days"


def test_it_spans_the_whole_year_when_testing_began_in_a_known_year():
    lag = disclosure_lag(disclosure("2023", "2026-03-06"))

    assert lag.min_days == (datetime.date(2026, 3, 6) - datetime.date(2023, 12, 31)).days == 796
    assert lag.max_days == (datetime.date(2026, 3, 6) - datetime.date(2023, 1, 1)).days == 1160
    assert str(lag) == "between 796 and 1,160 days"


def test_it_spans_the_month_when_testing_began_in_a_known_month():
    lag = disclosure_lag(disclosure("2026-03", "2026-05-21"))

    assert (lag.min_days, lag.max_days) == (51, 81)  # from 31 March and from 1 March


def test_a_disclosure_known_only_to_a_month_widens_the_range_at_the_other_end():
    lag = disclosure_lag(disclosure("2024-06-10", "2024-09"))

    assert (lag.min_days, lag.max_days) == (83, 112)  # to 1 and to 30 September


def test_a_disclosure_known_only_to_a_year_widens_the_range_by_the_year():
    lag = disclosure_lag(disclosure("2023-01-01", "2024"))

    assert (lag.min_days, lag.max_days) == (365, 730)  # to 1 January and to 31 December 2024


def test_both_dates_of_reduced_precision_take_the_extremes_of_both():
    lag = disclosure_lag(disclosure("2024", "2025-02"))

    assert lag.min_days == (datetime.date(2025, 2, 1) - datetime.date(2024, 12, 31)).days == 32
    assert lag.max_days == (datetime.date(2025, 2, 28) - datetime.date(2024, 1, 1)).days == 424


def test_it_is_never_negative_when_testing_and_disclosure_share_a_period():
    lag = disclosure_lag(disclosure("2024-10", "2024-10"))

    assert (lag.min_days, lag.max_days) == (0, 30)


def test_the_same_day_is_a_lag_of_zero_days():
    assert str(disclosure_lag(disclosure("2024-01-29", "2024-01-29"))) == "0 days"


def test_one_day_is_singular():
    assert str(disclosure_lag(disclosure("2024-01-29", "2024-01-30"))) == "1 day"


def test_undisclosed_testing_counts_up_to_the_given_today():
    lag = disclosure_lag(disclosure("2025-11", None), today=datetime.date(2026, 3, 1))

    assert lag == DisclosureLag(min_days=91, max_days=120, disclosed=False)  # from 30 and from 1 November
    assert str(lag) == "not disclosed so far: at least 91 days"


def test_undisclosed_testing_known_to_the_day_counts_exactly():
    lag = disclosure_lag(disclosure("2026-01-01", None), today=datetime.date(2026, 1, 31))

    assert (lag.min_days, lag.max_days, lag.disclosed) == (30, 30, False)


def test_undisclosed_testing_counts_up_to_the_real_today_by_default():
    tested = datetime.date.today() - datetime.timedelta(days=10)

    lag = disclosure_lag(disclosure(tested.isoformat(), None))

    assert lag.min_days in (9, 10, 11)  # the server's date may differ from the test's by a day
    assert not lag.disclosed


@pytest.mark.parametrize("disclosed", ["2026-03-06", "2026", None])
def test_there_is_no_lag_when_the_start_of_testing_is_unknown(disclosed):
    assert disclosure_lag(disclosure(None, disclosed), today=datetime.date(2026, 3, 6)) is None


# --- the lag as data: stored by the write path, in the API and the CSV ------------------------------

def dated(**dates):
    from registry.fields import PartialDate
    fields = {}
    for name, text in dates.items():
        parsed = PartialDate.parse(text)
        fields[name], fields[f"{name}_precision"] = parsed.date, parsed.precision
    return fields


@pytest.mark.django_db
def test_the_write_path_stores_the_lag_and_keeps_it_in_step():
    record = make_testing_disclosure(**dated(tested_from="2023", disclosed_on="2026-03-06"))
    stored = TestingDisclosure.objects.get(pk=record.pk)
    assert (stored.lag_min_days, stored.lag_max_days) == (796, 1160)

    record.disclosed = None  # not disclosed after all: open, counted to the day it was last verified
    record.last_verified_on = datetime.date(2024, 1, 31)
    apply_change(record, user=builder_user(), reason="disclosure date was wrong")

    stored = TestingDisclosure.objects.get(pk=record.pk)
    assert (stored.lag_min_days, stored.lag_max_days, stored.lag_open) == (31, None, True)
    record.tested_start = None
    apply_change(record, user=builder_user(), reason="start unknown")
    assert TestingDisclosure.objects.values_list("lag_min_days", "lag_max_days").get(pk=record.pk) == (None, None)


@pytest.mark.django_db
def test_the_api_gives_the_lag_as_data(client):
    closed = make_testing_disclosure(slug="closed", **dated(tested_from="2023", disclosed_on="2026-03-06"))
    make_testing_disclosure(slug="open", **dated(tested_from="2025-11"))
    make_testing_disclosure(slug="undated", **dated(disclosed_on="2026-03-06"))

    def lag(slug):
        return client.get(f"/api/v1/testing-disclosures/{slug}/").json()["lag"]

    assert lag("closed") == {"min_days": 796, "max_days": 1160, "open": False, "since": "2023"}
    assert lag("open") == {"min_days": 0, "max_days": None, "open": True, "since": "2025-11"}
    assert lag("undated") is None
    listed = client.get("/api/v1/testing-disclosures/?fields=slug,lag&ordering=-lag").json()["results"]
    assert {key: value for key, value in listed[0].items() if key != "url"} == {"slug": closed.slug,
                                                                                 "lag": lag("closed")}
    assert listed[0]["url"].endswith(f"/testing-disclosures/{closed.slug}/")


@pytest.mark.django_db
def test_no_api_answer_about_an_open_lag_depends_on_todays_date(client, monkeypatch):
    from django.utils import timezone

    make_testing_disclosure(slug="open", **dated(tested_from="2025-11"))
    first = client.get("/api/v1/testing-disclosures/open/").json()["lag"]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2031, 1, 1))
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC))

    assert client.get("/api/v1/testing-disclosures/open/").json()["lag"] == first


@pytest.mark.django_db
def test_the_csv_has_the_lag_columns(client):
    import csv
    import io

    make_testing_disclosure(slug="closed", **dated(tested_from="2024", disclosed_on="2025-02"))
    make_testing_disclosure(slug="open", **dated(tested_from="2025-11"))

    response = client.get("/testing-disclosures/csv/?ordering=tested")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert [(r["slug"], r["lag_min_days"], r["lag_max_days"], r["lag_open"]) for r in rows] == [
        ("closed", "32", "424", "false"), ("open", "0", "", "true")]
