"""The disclosures' charts on the charts page (registered in disclosures/pages.py): the disclosure lag of each
testing disclosure, and designations over time by status.

The lag chart draws one row per testing disclosure (the latest LAG_ROWS by start of testing; the page says
how many more there are), its range read by ``disclosure_lag`` exactly as the disclosure's own page reads it.
The designations chart is a GROUP BY over each designation's earliest recorded date and its status.
"""

import datetime

from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, Least, NullIf

from disclosures.models import Designation, TestingDisclosure
from disclosures.services import disclosure_lag
from registry.charts import (
    Cell,
    Chart,
    Panel,
    RangeRow,
    Series,
    Table,
    column_chart,
    month_label,
    month_range,
    month_ticks,
    place,
    range_chart,
    rows_of,
)

LAG_ROWS = 40


def disclosure_lags():
    """Two queries: the counts, and the rows drawn."""
    public = TestingDisclosure.objects.public()
    counts = public.aggregate(total=Count("pk"), started=Count("pk", filter=Q(tested_from__isnull=False)),
                              open=Count("pk", filter=Q(tested_from__isnull=False, disclosed_on__isnull=True)))
    latest = list(public.filter(tested_from__isnull=False).order_by(F("tested_from").desc(), "-id")[:LAG_ROWS])
    disclosures = sorted(latest, key=lambda d: (d.tested_from, d.pk))  # oldest at the top
    notes = []
    unknown = counts["total"] - counts["started"]
    if unknown:
        notes.append(f"Not drawn: {unknown:,} testing disclosure{'s' if unknown != 1 else ''} whose start of testing "
                     "the sources do not give, so no lag can be counted.")
    if counts["started"] > len(disclosures):
        notes.append(f"Drawn: the {len(disclosures):,} with the latest start of testing, of {counts['started']:,}; "
                     "the list of testing disclosures, sorted by lag, has them all.")
    data = {"heading": "How long between a test and its disclosure?", "anchor": "disclosure-lags",
            "open": counts["open"], "chart": None, "notes": notes}
    if not disclosures:
        return data
    lags = [(d, disclosure_lag(d)) for d in disclosures]
    description = ("Each row is one testing disclosure: the days from the start of testing to its first public "
                   "disclosure, drawn from the shortest to the longest reading when a date is known only to a month "
                   "or a year. A hatched bar with an arrow is testing not disclosed so far, counted up to today: at "
                   "least that long, and still growing.")
    svg_rows = [RangeRow(d.title, lag.min_days, lag.max_days, open=not lag.disclosed) for d, lag in lags]
    svg = range_chart("lags-by-disclosure", "Disclosure lag of each testing disclosure, in days", description, svg_rows)
    rows = [(Cell(d.title, href=d.get_absolute_url()),
             [d.tested_start.humanize(), d.disclosed.humanize() if d.disclosed else "not disclosed so far",
              lag.min_days, lag.max_days if lag.disclosed else Cell("open: still growing")])
            for d, lag in lags]
    table = Table("Disclosure lag of each testing disclosure (days)",
                  ["Testing", "Testing began", "Disclosed", "Shortest lag (days)", "Longest lag (days)"], rows_of(rows))
    data["chart"] = Chart("lags-by-disclosure", "Disclosure lag of each testing disclosure", description, svg, table, notes)
    return data


# --- designations over time by status --------------------------------------------------------------

DATE_FIELDS = ("announced_on", "determined_on", "noticed_on", "effective_on")
NEVER = datetime.date(9999, 12, 31)  # stands in for "no date" inside LEAST (SQLite's is NULL if any argument is)


def designations_by_month():
    """One query: designations grouped by the month of their earliest recorded date and by status."""
    first_on = NullIf(Least(*(Coalesce(name, Value(NEVER)) for name in DATE_FIELDS)), Value(NEVER))
    precision = Case(*(When(**{name: F("first_on")}, then=F(f"{name}_precision")) for name in DATE_FIELDS),
                     default=Value(""))
    rows = (Designation.objects.public().annotate(first_on=first_on).annotate(first_precision=precision)
            .values("status", "first_precision", "first_on").annotate(count=Count("pk")).order_by())
    counts = {}
    for row in rows:
        by_status = counts.setdefault(place(row["first_precision"], row["first_on"]), {})
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["count"]
    data = {"heading": "Designations over time, by status", "anchor": "designations", "chart": None,
            "notes": apart(counts)}
    months = sorted(key for where, key in counts if where == "month")
    if not months:
        return data
    months = month_range(months[0], months[-1])
    statuses = [s for s in Designation.Status if any(s in counts.get(("month", m), {}) for m in months)]
    values = [[counts.get(("month", m), {}).get(status, 0) for status in statuses] for m in months]
    description = ("Each designation is placed in the month of its earliest recorded date (announced, determined, "
                   "noticed or effective, whichever came first) and shown in its status today as the registry records "
                   "it — not the status it had in that month.")
    svg = column_chart("designations-by-month", "Designations by month of their earliest recorded date, by status today",
                       description, month_ticks(months),
                       [Panel("Designations", [Series(s.label.lower()) for s in statuses], values, unit="designations")],
                       column_titles=[month_label(m) for m in months])
    table = Table("Designations by month of their earliest recorded date, by status today",
                  ["Month", *(s.label for s in statuses), "All"],
                  rows_of([(month_label(m), [*v, sum(v)]) for m, v in zip(months, values, strict=True)]))
    data["chart"] = Chart("designations-by-month", "Designations by month, by status today", description, svg, table,
                          data["notes"])
    return data


def apart(counts):
    """What the designations chart cannot place in a month."""
    def words(by_status):
        return ", ".join(f"{count:,} {Designation.Status(status).label.lower()}" for status, count in by_status.items())

    notes = [f"Known only to the year {key}, so not placed in a month: {words(counts[(where, key)])}."
             for where, key in sorted(p for p in counts if p[0] == "year")]
    if ("undated", None) in counts:
        notes.append(f"No recorded date, so not placed: {words(counts[('undated', None)])}.")
    return notes

