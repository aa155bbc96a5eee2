"""Charts as server-rendered inline SVG, each paired with a table of exactly the plotted data.

No chart library and no JavaScript: the geometry is computed here and the markup built with
``format_html`` (every label escaped). Apps build a ``Chart`` from their own aggregates (one GROUP BY
query each) and pages include ``includes/chart.html``, which shows the SVG and then the table.

Accessibility: the SVG is ``role="img"`` named by its ``<title>`` and described by its ``<desc>``;
the table is its text equivalent. Each series has a colour with at least 3:1 contrast on white AND its
own pattern (solid, hatched, dotted…), shown in the legend, so colour is never the only cue; totals are
written above the columns where there is room. No style attributes (the CSP allows none): presentation
attributes and the stylesheet's ``.chart`` rules only.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe  # only ever joins pieces built by format_html

from registry.fields import DatePrecision, PartialDate

# (colour, pattern) per series, in order. Colours: 8.4, 4.6, 6.4, 7.0, 7.5 and 7.0:1 on white.
PALETTE = (("#0b4f8a", "solid"), ("#b35c00", "hatch"), ("#2f6b2f", "dots"), ("#6b3fa0", "cross"),
           ("#555555", "lines"), ("#a4262c", "dash"), ("#0b4f8a", "hatch-back"), ("#1a1a1a", "grid"))
INK, MUTED, RULE = "#1a1a1a", "#555555", "#c8ced6"
WIDTH = 760
LEFT, RIGHT = 64, 16
FONT = 12
# A table longer than this many rows is folded into <details> under its chart.
FOLD_ROWS = 12


def tag(format_string, *args, **kwargs):
    """format_html with coordinates written to a tenth: format_html escapes every argument first (a number
    becomes text), so numbers are written here, and ``format_string`` holds plain ``{}`` only."""
    def written(value):
        if isinstance(value, float):
            return f"{value:.1f}".removesuffix(".0")
        return value

    return format_html(format_string, *map(written, args), **{k: written(v) for k, v in kwargs.items()})


# --- what a chart is made of -------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    number: bool = False


@dataclass
class Table:
    caption: str
    headers: list  # column headers; the first names the row headers' column
    rows: list  # [(Cell row header, [Cell, …])]

    @property
    def folded(self):
        return len(self.rows) > FOLD_ROWS


@dataclass
class Chart:
    """What a page shows: a heading id, the SVG, what it plots, notes (what was counted apart) and the table."""

    id: str
    title: str
    description: str
    svg: str
    table: Table
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Series:
    label: str


@dataclass
class Panel:
    """One band of a column chart: its own scale, one or more stacked series, a value per series per column."""

    label: str
    series: list  # [Series]
    values: list  # one list per column, one value per series (numbers, 0 for none)
    unit: str = ""  # "agreements"; for money: the currency code
    money: bool = False


@dataclass(frozen=True)
class RangeRow:
    label: str
    low: int
    high: int  # == low for an exact value
    open: bool = False  # still growing: "at least low"


# --- small helpers ---------------------------------------------------------------------------

def place(precision, day):
    """Where a row grouped by a partial date (its first day and its precision) goes on a chart: ("month", the
    month's first day); ("year", year) when only the year is known, so it cannot be placed in a month; or
    ("undated", None). Queries group by the date itself rather than by a month function (a per-row function
    call on SQLite): there are at most as many groups as days, and they are folded into months here."""
    if day is None:
        return ("undated", None)
    if precision == DatePrecision.YEAR:
        return ("year", day.year)
    return ("month", day.replace(day=1))


def month_label(month):
    """'July 2025': a month as pages write it."""
    return PartialDate(month, DatePrecision.MONTH).humanize()


def month_range(first, last):
    """Every first-of-month from ``first`` to ``last`` (dates), inclusive."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_ticks(months):
    """Axis labels for a run of months: the year under each January and under the first month, the month's
    initial otherwise when there is room."""
    spacious = len(months) <= 24
    labels = []
    for n, month in enumerate(months):
        if month.month == 1 or n == 0:
            labels.append(month.strftime("%b %Y") if spacious else str(month.year))
        else:
            labels.append(month.strftime("%b")[0] if spacious else "")
    return labels


def scale(value, integer=True):
    """(top, step) of a scale from 0 that holds ``value`` in at most 5 steps of 1, 2, 2.5 or 5 × 10^k (whole
    steps only for counts): 5 -> (5, 1), 7 -> (8, 2), 1.3e9 -> (1.5e9, 5e8)."""
    if value <= 0:
        return 1, 1
    power = 10 ** math.floor(math.log10(value / 5)) if value >= 5 else 10 ** math.floor(math.log10(value) - 1)
    for multiple in (1, 2, 2.5, 5, 10, 20, 25, 50):
        step = multiple * power
        if integer and step != int(step) or step <= 0:
            continue
        if value / step <= 5:
            top = math.ceil(value / step - 1e-9) * step
            return (int(top), int(step)) if integer else (top, step)
    return value, value  # pragma: no cover


def compact(value, money=False):
    """Axis and bar labels: 3, 1,250, 1.3B, 250M (money); exact figures are in the table."""
    value = Decimal(value)
    if money:
        for unit, size in (("T", 10 ** 12), ("B", 10 ** 9), ("M", 10 ** 6), ("K", 10 ** 3)):
            if value >= size:
                scaled = (value / size).quantize(Decimal("0.1"))
                return f"{scaled:f}".removesuffix(".0") + unit
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _patterns(chart_id, count):
    """<defs> with one pattern per series: colour plus a shape, so print and colour-blind readers can tell
    series apart."""
    shapes = {
        "hatch": '<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{c}" stroke-width="1.6"/>',
        "hatch-back": '<path d="M0,0 L6,6 M-1,5 L1,7 M5,-1 L7,1" stroke="{c}" stroke-width="1.6"/>',
        "dots": '<circle cx="3" cy="3" r="1.5" fill="{c}"/>',
        "cross": '<path d="M0,6 L6,0 M0,0 L6,6" stroke="{c}" stroke-width="1.1"/>',
        "lines": '<path d="M0,1.5 H6 M0,4.5 H6" stroke="{c}" stroke-width="1.2"/>',
        "dash": '<path d="M1,3 H5" stroke="{c}" stroke-width="2"/>',
        "grid": '<path d="M3,0 V6 M0,3 H6" stroke="{c}" stroke-width="1"/>',
    }
    parts = []
    for n in range(count):
        colour, shape = PALETTE[n % len(PALETTE)]
        if shape == "solid":
            continue
        # The shapes are constants; only the colour (a constant too) is put in.
        body = mark_safe(shapes[shape].format(c=colour))  # noqa: S308 - constant shapes, constant colour
        parts.append(tag('<pattern id="{}-s{}" patternUnits="userSpaceOnUse" width="6" height="6">'
                         '<rect width="6" height="6" fill="#fff"/>{}</pattern>', chart_id, n, body))
    return tag("<defs>{}</defs>", mark_safe("".join(parts)))  # noqa: S308 - every part built by tag() (format_html)


def _fill(chart_id, n):
    colour, shape = PALETTE[n % len(PALETTE)]
    return (colour, colour) if shape == "solid" else (f"url(#{chart_id}-s{n})", colour)


def _legend(chart_id, series, y, offset=0):
    """Swatches with their labels in a row (wrapping), from ``y``; returns (markup, height used)."""
    items, x, row = [], LEFT, 0
    for n, one in enumerate(series):
        width = 22 + 7 * len(one.label)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        fill, stroke = _fill(chart_id, offset + n)
        top = y + row * 20
        items.append(tag('<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"/>'
                         '<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>',
                         x, top, fill, stroke, x + 20, top + 11, FONT, INK, one.label))
        x += width + 16
    return mark_safe("".join(items)), (row + 1) * 20 + 6  # noqa: S308 - every item built by tag() (format_html)


def _svg(chart_id, title, description, height, body):
    return tag(
        '<svg class="chart-svg" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{id}-title" aria-describedby="{id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH, h=height, id=chart_id, title=title, desc=description, body=body)


# --- column charts: one or more panels over the same run of columns ----------------------------

PANEL_HEIGHT = 170  # one panel; each of several is shorter
SMALL_PANEL_HEIGHT = 100
PANEL_GAP = 34


def column_chart(chart_id, title, description, ticks, panels, *, column_titles=None):
    """Stacked columns, one per entry of ``ticks`` (its axis label; "" for none), in one or more panels that
    share the axis, each with its own scale and legend. ``column_titles`` name each column in full for the
    hover text ("July 2025")."""
    columns = len(ticks)
    column_titles = column_titles or ticks
    slot = (WIDTH - LEFT - RIGHT) / max(columns, 1)
    bar = max(min(slot * 0.72, 48), 1.5)
    series_offset, parts, y = 0, [], 8
    for panel in panels:
        used = 0
        if len(panels) > 1:  # each panel names itself; a single panel is named by the chart's title
            parts.append(tag('<text x="{}" y="{}" font-size="{}" font-weight="600" fill="{}">{}</text>',
                             LEFT, y + 12, FONT + 1, INK, panel.label))
            used = 20
        if len(panel.series) > 1:
            legend, legend_height = _legend(chart_id, panel.series, y + used, series_offset)
            parts.append(legend)
            used += legend_height
        top = y + used + 8
        height = PANEL_HEIGHT if len(panels) == 1 else SMALL_PANEL_HEIGHT
        parts.append(_panel(chart_id, panel, top, height, slot, bar, column_titles, series_offset))
        series_offset += len(panel.series)
        y = top + height + PANEL_GAP
    axis_y = y - PANEL_GAP
    for n, tick in enumerate(ticks):
        if tick:
            x = LEFT + slot * n + slot / 2
            parts.append(tag('<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
                             x, axis_y + 16, FONT - 1, INK, tick))
    body = tag("{}{}", _patterns(chart_id, series_offset), mark_safe("".join(parts)))  # noqa: S308 - every part built by tag() (format_html)
    return _svg(chart_id, title, description, axis_y + 28, body)


def _panel(chart_id, panel, top, height, slot, bar, column_titles, series_offset):
    bottom = top + height
    totals = [sum(values) for values in panel.values]
    scale_top, step = scale(float(max(totals, default=0)), integer=not panel.money)
    per_unit = height / scale_top
    parts = []
    for n in range(round(scale_top / step) + 1):  # a gridline at each step
        value = step * n
        line_y = bottom - value * per_unit
        parts.append(tag('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                         '<text x="{}" y="{}" font-size="{}" text-anchor="end" fill="{}">{}</text>',
                         LEFT, WIDTH - RIGHT, line_y, line_y, INK if n == 0 else RULE,
                         LEFT - 6, line_y + 4, FONT - 1, MUTED, compact(value, panel.money)))
    for n, values in enumerate(panel.values):
        x = LEFT + slot * n + (slot - bar) / 2
        stacked = bottom
        for s, value in enumerate(values):
            if not value:
                continue
            tall = float(value) * per_unit
            stacked -= tall
            fill, stroke = _fill(chart_id, series_offset + s)
            hover = f"{column_titles[n]}: {compact(value, panel.money)} {panel.unit} {panel.series[s].label}".replace("  ", " ")
            parts.append(tag('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                             'stroke="{}" stroke-width="1"><title>{}</title></rect>',
                             x, stacked, bar, tall, fill, stroke, hover.strip()))
        if totals[n] and slot >= 16:
            parts.append(tag('<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
                             x + bar / 2, stacked - 4, FONT - 2, INK, compact(totals[n], panel.money)))
    return mark_safe("".join(parts))  # noqa: S308 - every part built by tag() (format_html)


# --- range charts: one row per item, a bar from its lowest to its highest reading -------------

ROW = 24
LABEL_WIDTH = 250
LABEL_CHARS = 36


def range_chart(chart_id, title, description, rows, *, unit="days", legend=("Range: shortest to longest reading",
                                                                           "Not disclosed so far: at least")):
    """Horizontal ranges from ``low`` to ``high`` on a scale from 0; an exact value is a short tick; an open
    row (still growing) is a hatched bar running to the edge with an arrow, labelled "at least"."""
    plot_left, plot_right = LEFT + LABEL_WIDTH - 40, WIDTH - RIGHT - 70
    scale_top, step = scale(max((max(r.low, r.high) for r in rows), default=0))
    per_unit = (plot_right - plot_left) / scale_top
    shown = [Series(legend[0]), *([Series(legend[1])] if any(r.open for r in rows) else [])]
    legend_markup, used = _legend(chart_id, shown, 8)
    top = 8 + used + 18
    parts = [legend_markup]
    bottom = top + ROW * len(rows)
    for n in range(round(scale_top / step) + 1):
        value = step * n
        x = plot_left + value * per_unit
        parts.append(tag('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                         '<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
                         x, x, top - 4, bottom, INK if n == 0 else RULE, x, top - 8, FONT - 1, MUTED,
                         compact(value)))
    for n, row in enumerate(rows):
        y = top + ROW * n
        label = row.label if len(row.label) <= LABEL_CHARS else row.label[:LABEL_CHARS - 1].rstrip() + "…"
        parts.append(tag('<text x="{}" y="{}" font-size="{}" text-anchor="end" fill="{}">{}<title>{}</title></text>',
                         plot_left - 8, y + 16, FONT - 1, INK, label, row.label))
        low_x, high_x = plot_left + row.low * per_unit, plot_left + row.high * per_unit
        if row.open:
            fill, stroke = _fill(chart_id, 1)
            text = f"at least {row.low:,} {unit}"
            parts.append(tag(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="2 3"/>'
                '<rect x="{}" y="{}" width="{}" height="12" fill="{}" stroke="{}" stroke-dasharray="4 2">'
                '<title>{}: {}</title></rect><path d="M{},{} l8,6 l-8,6 z" fill="{}"/>',
                plot_left, low_x, y + 12, y + 12, MUTED, low_x, y + 6, max(plot_right - low_x, 2), fill, stroke,
                row.label, f"{text}, not disclosed so far", plot_right, y + 6, stroke))
            end = plot_right + 10
        else:
            fill, stroke = _fill(chart_id, 0)
            text = f"{row.low:,} {unit}" if row.low == row.high else f"{row.low:,}–{row.high:,} {unit}"
            parts.append(tag(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="2 3"/>'
                '<rect x="{}" y="{}" width="{}" height="12" fill="{}" stroke="{}"><title>{}: {}</title></rect>',
                plot_left, low_x, y + 12, y + 12, MUTED, low_x - (1.5 if row.low == row.high else 0), y + 6,
                max(high_x - low_x, 3), fill, stroke, row.label, text))
            end = max(high_x, low_x + 3) + 6
        parts.append(tag('<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>',
                         min(end, WIDTH - RIGHT - 66), y + 16, FONT - 2, INK, text))
    body = tag("{}{}", _patterns(chart_id, 2), mark_safe("".join(parts)))  # noqa: S308 - every part built by tag() (format_html)
    return _svg(chart_id, title, description, bottom + 12, body)


def rows_of(pairs):
    """[(row header, cells)] from plain values: strings stay text, numbers are right-aligned cells."""
    return [(header if isinstance(header, Cell) else Cell(str(header)),
             [cell if isinstance(cell, Cell) else Cell(f"{cell:,}" if isinstance(cell, int) else str(cell),
                                                       number=isinstance(cell, (int, float, Decimal)))
              for cell in cells])
            for header, cells in pairs]

