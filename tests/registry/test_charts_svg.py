"""registry/charts.py: the SVG a chart is drawn with — scales, escaping, one mark per plotted value, patterns."""

import datetime
import re

from registry.charts import Panel, RangeRow, Series, column_chart, compact, month_range, month_ticks, place, range_chart, scale


def test_a_scale_has_at_most_five_whole_steps_for_counts():
    assert scale(0) == (1, 1)
    assert scale(5) == (5, 1)
    assert scale(7) == (8, 2)
    assert scale(34) == (40, 10)
    assert scale(1160) == (1250, 250)


def test_a_money_scale_may_take_fractional_multiples():
    top, step = scale(1.3e9, integer=False)

    assert (top, step) == (1.5e9, 5e8)


def test_compact_labels_say_millions_and_billions_for_money_only():
    assert compact(250_000_000, money=True) == "250M"
    assert compact(1_300_000_000, money=True) == "1.3B"
    assert compact(24_000, money=True) == "24K"
    assert compact(1250) == "1,250"


def test_a_run_of_months_includes_the_empty_ones_and_labels_each_year():
    months = month_range(datetime.date(2024, 11, 1), datetime.date(2025, 2, 1))

    assert months == [datetime.date(2024, 11, 1), datetime.date(2024, 12, 1), datetime.date(2025, 1, 1),
                      datetime.date(2025, 2, 1)]
    assert month_ticks(months) == ["Nov 2024", "D", "Jan 2025", "F"]


def test_a_row_grouped_by_month_is_placed_by_its_precision():
    first = datetime.date(2024, 1, 1)

    assert place("day", first) == ("month", first)
    assert place("month", first) == ("month", first)
    assert place("year", first) == ("year", 2024)
    assert place("", None) == ("undated", None)


def test_a_column_chart_draws_one_mark_per_plotted_value_and_names_itself():
    svg = column_chart("test", "Deals <by> month", "What & why", ["Jan", "Feb", "Mar"],
                       [Panel("Deals", [Series("with an amount"), Series("undisclosed")], [[1, 2], [0, 0], [3, 0]])])

    assert svg.startswith('<svg class="chart-svg" role="img"')
    assert '<title id="test-title">Deals &lt;by&gt; month</title><desc id="test-desc">What &amp; why</desc>' in svg
    assert len(re.findall(r"<rect [^>]*stroke-width=\"1\"><title>", svg)) == 3  # 1, 2 and 3; zeros draw nothing
    assert "Jan: 2 undisclosed" in svg
    assert '<pattern id="test-s1"' in svg and 'fill="url(#test-s1)"' in svg  # the second series is hatched


def test_several_panels_each_have_their_own_scale_and_title():
    svg = column_chart("money", "Amounts", "By kind", ["2025"],
                       [Panel("Ceiling (USD)", [Series("Ceiling")], [[200_000_000]], unit="USD", money=True),
                        Panel("Prize pool (USD)", [Series("Prize pool")], [[24_000]], unit="USD", money=True)])

    assert ">Ceiling (USD)</text>" in svg and ">Prize pool (USD)</text>" in svg
    assert ">200M</text>" in svg and ">24K</text>" in svg  # each bar labelled at the top of its own scale


def test_a_range_chart_marks_open_rows_apart_and_escapes_labels():
    svg = range_chart("lags", "Lags", "Days", [RangeRow('A <b>"test"</b>', 796, 1160), RangeRow("Open one", 91, 91, open=True)])

    assert "796–1,160 days" in svg
    assert "at least 91 days" in svg and "not disclosed so far" in svg
    assert "&lt;b&gt;&quot;test&quot;&lt;/b&gt;" in svg and "<b>" not in svg
    assert "Not disclosed so far: at least" in svg  # the legend names the open mark only when there is one
    assert "Not disclosed so far" not in range_chart("lags", "Lags", "Days", [RangeRow("Closed", 1, 2)])
