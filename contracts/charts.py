"""The agreements' charts: agreements by the month of their best known date, and their reported amounts by
kind (the charts page); a vendor's agreements by year (the vendor's page).

Every figure is a GROUP BY in the database (a few queries whatever the number of agreements); Python only
lays the grouped rows out on a run of months or years. Top-level agreements only on the charts page
(modifications and task orders carry their own amounts: adding them would count a deal twice); an agreement
whose best known date is known only to the year cannot be placed in a month, and one with no known date at
all cannot be placed anywhere: both are counted apart, and the page says so.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear

from contracts.models import HEADLINE_ORDER, Agreement, AgreementAmount, AmountKind
from registry.charts import (
    Cell,
    Chart,
    Panel,
    Series,
    Table,
    column_chart,
    month_label,
    month_range,
    month_ticks,
    place,
    rows_of,
)
from registry.fields import Money

WITH_AMOUNT = Series("with a public amount")
UNDISCLOSED = Series("amount undisclosed")


def top_level():
    return Agreement.objects.public().filter(parent__isnull=True)


def agreement_counts(agreements):
    """{place: [agreements, of which no amount of any kind is public]}: two queries, all of them and the
    undisclosed ones, each grouped by date (NOT EXISTS in a WHERE is an anti-join; inside an aggregate's FILTER
    PostgreSQL would run it once per row)."""
    undisclosed = agreements.filter(ceiling_amount__isnull=True, obligated_amount__isnull=True).exclude(
        Exists(AgreementAmount.objects.filter(agreement=OuterRef("pk"))))
    counts = defaultdict(lambda: [0, 0])
    for column, queryset in ((0, agreements), (1, undisclosed)):
        rows = queryset.values("best_known_on_precision", "best_known_on").annotate(count=Count("pk")).order_by()
        for row in rows:  # one row per (date, precision), folded into its month
            counts[place(row["best_known_on_precision"], row["best_known_on"])][column] += row["count"]
    return counts


def amount_sums(agreements):
    """{place: {(kind, currency): [total, agreements]}}: three queries (the ceiling field, the obligation field,
    the typed amounts), each grouped by date (an agreement has one date, so the groups' agreements add up). A
    kind is a ceiling or obligation in its own field or a typed amount of that kind, as ``amount_totals`` reads
    them; kinds are never added together."""
    sums = defaultdict(lambda: defaultdict(lambda: [Decimal(0), 0]))
    grouped = []
    for kind in (AmountKind.CEILING, AmountKind.OBLIGATED):
        grouped.append((kind, agreements.filter(**{f"{kind}_amount__isnull": False})
                        .values(precision=F("best_known_on_precision"), day=F("best_known_on"),
                                currency=F(f"{kind}_currency"))
                        .annotate(total=Sum(f"{kind}_amount"), agreements=Count("pk")).order_by()))
    grouped.append((None, AgreementAmount.objects.filter(agreement__in=agreements.values("pk"))
                    .values("kind", "currency", precision=F("agreement__best_known_on_precision"),
                            day=F("agreement__best_known_on"))
                    .annotate(total=Sum("amount"), agreements=Count("agreement", distinct=True)).order_by()))
    for kind, rows in grouped:
        for row in rows:
            entry = sums[place(row["precision"], row["day"])][(kind or row["kind"], row["currency"])]
            entry[0] += row["total"]
            entry[1] += row["agreements"]
    return sums


def apart_notes(counts, describe):
    """Sentences for what is not placed in a month: per year known only to the year, then undated."""
    notes = []
    for (where, key) in sorted((p for p in counts if p[0] == "year"), key=lambda p: p[1]):
        notes.append(f"Known only to the year {key}, so not placed in a month: {describe(counts[(where, key)])}.")
    if ("undated", None) in counts:
        notes.append(f"No known date, so not placed at all: {describe(counts[('undated', None)])}.")
    return notes


def agreements_word(count):
    return f"{count:,} agreement{'s' if count != 1 else ''}"


def describe_count(pair):
    total, undisclosed = pair
    return f"{agreements_word(total)} ({undisclosed:,} with no public amount)"


def months_of(*placed):
    months = sorted({key for counts in placed for where, key in counts if where == "month"})
    return month_range(months[0], months[-1]) if months else []


def agreements_by_month():
    """The charts page's two agreement charts (and what was counted apart): five queries."""
    agreements = top_level()
    counts, sums = agreement_counts(agreements), amount_sums(agreements)
    months = months_of(counts)
    return {"heading": "Agreements over time", "anchor": "agreements",
            "counts_chart": counts_chart(months, counts), "amounts_chart": amounts_chart(months, sums),
            "total": sum(total for total, _ in counts.values())}


def counts_chart(months, counts):
    if not months:
        return None
    values = [counts.get(("month", m), [0, 0]) for m in months]
    description = ("Top-level agreements (no modifications or task orders) by the month of their best known date: "
                   "announced, else awarded, else first reported, else start of performance. Each column is split "
                   "into agreements with a public amount of any kind and those with none.")
    svg = column_chart("agreements-by-month", "Agreements by month of their best known date", description,
                       month_ticks(months), [Panel("Agreements", [WITH_AMOUNT, UNDISCLOSED],
                                                   [[total - undisclosed, undisclosed] for total, undisclosed in values],
                                                   unit="agreements")],
                       column_titles=[month_label(m) for m in months])
    table = Table("Agreements by month of their best known date (top-level agreements)",
                  ["Month", "Agreements", "With a public amount", "Amount undisclosed"],
                  rows_of([(month_label(m), [total, total - undisclosed, undisclosed])
                           for m, (total, undisclosed) in zip(months, values, strict=True)]))
    return Chart("agreements-by-month", "Agreements by month of their best known date", description, svg, table,
                 apart_notes(counts, describe_count))


def kinds_in(sums):
    order = {kind: n for n, kind in enumerate(HEADLINE_ORDER)}
    kinds = {key for by_kind in sums.values() for key in by_kind}
    return sorted(kinds, key=lambda key: (order[key[0]], key[1]))


def kind_label(kind, currency):
    return f"{AmountKind(kind).label} ({currency})"


def amount_cell(entry, currency):
    if not entry:
        return Cell("—")
    total, agreements = entry
    return Cell(f"{Money(total, currency).humanize()} ({agreements_word(agreements)})", number=True)


def describe_sums(by_kind):
    return "; ".join(f"{AmountKind(kind).label.lower()} {Money(total, currency).humanize()} over "
                     f"{agreements_word(count)}" for (kind, currency), (total, count) in
                     sorted(by_kind.items(), key=lambda item: (HEADLINE_ORDER.index(item[0][0]), item[0][1])))


def amounts_chart(months, sums):
    placed = {key: value for key, value in sums.items() if key[0] == "month"}
    kinds = kinds_in(placed)
    if not months or not kinds:
        return None
    description = ("The public amounts of those agreements, totalled by kind and month, one band per kind and "
                   "currency, each on its own scale: kinds are never added together. An agreement whose amount of a "
                   "kind is not public adds nothing to that kind.")
    panels = [Panel(kind_label(kind, currency), [Series(AmountKind(kind).label)],
                    [[sums.get(("month", m), {}).get((kind, currency), [0])[0]] for m in months],
                    unit=currency, money=True) for kind, currency in kinds]
    svg = column_chart("amounts-by-month", "Reported amounts by kind and month of the agreement's best known date",
                       description, month_ticks(months), panels, column_titles=[month_label(m) for m in months])
    rows = [(month_label(m), [amount_cell(sums.get(("month", m), {}).get(key), key[1]) for key in kinds]) for m in months]
    table = Table("Reported amounts by kind and month (top-level agreements; the number of agreements in brackets)",
                  ["Month", *(kind_label(kind, currency) for kind, currency in kinds)], rows_of(rows))
    notes = apart_notes({key: value for key, value in sums.items() if key[0] != "month"}, describe_sums)
    return Chart("amounts-by-month", "Reported amounts by kind and month", description, svg, table, notes)


# --- a vendor's agreements by year -------------------------------------------------------------

TOP_LEVEL = Series("top-level agreements")
CHILDREN = Series("modifications, task orders and amendments")


def vendor_agreements_by_year(vendor):
    """The public agreements the vendor is a party to (any role), by the year of their best known date: one
    query. Modifications and task orders are counted apart from top-level agreements, never as more deals."""
    rows = (Agreement.objects.public().with_vendor([vendor]).values(year=ExtractYear("best_known_on"))
            .annotate(top=Count("pk", filter=Q(parent__isnull=True)), children=Count("pk", filter=Q(parent__isnull=False)))
            .order_by())
    by_year = {row["year"]: (row["top"], row["children"]) for row in rows}
    undated = by_year.pop(None, (0, 0))
    notes = [f"No known date, so not placed: {agreements_word(sum(undated))}."] if sum(undated) else []
    if not by_year:
        return {"chart": None, "notes": notes}
    years = list(range(min(by_year), max(by_year) + 1))
    values = [list(by_year.get(year, (0, 0))) for year in years]
    series = [TOP_LEVEL, CHILDREN] if any(children for _, children in values) else [TOP_LEVEL]
    title = f"Agreements of {vendor.name} by year of their best known date"
    description = ("Public agreements the vendor is a party to in any role, by the year of their best known date "
                   "(announced, else awarded, else first reported, else start of performance).")
    svg = column_chart(f"vendor-{vendor.slug}-by-year", title, description, [str(year) for year in years],
                       [Panel("Agreements", series, [v[:len(series)] for v in values], unit="agreements")])
    headers = ["Year", *(s.label.capitalize() for s in series)]
    table = Table(title, headers, rows_of([(str(year), v[:len(series)]) for year, v in zip(years, values, strict=True)]))
    return {"chart": Chart(f"vendor-{vendor.slug}-by-year", title, description, svg, table, notes), "notes": notes}
