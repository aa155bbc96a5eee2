"""What a write costs, in queries: a change set is a few queries whatever it holds, the seed loads
in bulk, and a load that changes nothing reads each type once."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Agreement
from registry.loader import load_records
from registry.management.commands.load_seed import SEED_FILE
from registry.models import ChangeLog, Citation
from registry.services import apply_change, apply_changes, change_set
from tests.builders import make_source

pytestmark = pytest.mark.django_db

PART_KEYS = ("citations", "parties", "participating_agencies", "affected_agreements", "vendors", "agreements",
             "links")


def seed():
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def rows_of(data):
    """(records, parts) stated by an interchange document, per row type."""
    rows = {}
    for plural, items in data.items():
        if isinstance(items, list):
            rows[plural] = len(items)
            for key in PART_KEYS:
                count = sum(len(item.get(key) or []) for item in items)
                if count:
                    rows[f"{plural}.{key}"] = count
    return rows


def test_a_change_set_creating_a_draft_agreement_and_two_citations_costs_at_most_15_queries(staff):
    first, second = make_source(), make_source()

    with CaptureQueriesContext(connection) as queries, change_set(user=staff, reason="a new deal"):
        deal = apply_change(Agreement(slug="new-deal", title="A new deal"))
        apply_change(Citation(target=deal, source=first, quote="the first quote"))
        apply_change(Citation(target=deal, source=second, quote="the second quote", position=1))

    assert len(queries) <= 15, "\n".join(q["sql"] for q in queries.captured_queries)
    assert deal.history.count() == 1 and Citation.history.filter(target_id=deal.pk).count() == 2
    [change] = ChangeLog.objects.filter(slug="new-deal")
    assert (change.action, change.public, change.public_id) == ("created", False, None)


def test_one_new_draft_agreement_costs_a_handful_of_queries(staff):
    with CaptureQueriesContext(connection) as queries:
        apply_change(Agreement(slug="lone-deal", title="A lone deal"), user=staff, reason="a new deal")

    assert len(queries) <= 9, "\n".join(q["sql"] for q in queries.captured_queries)


def test_the_seed_loads_in_at_most_three_queries_per_row():
    data = seed()
    rows = sum(rows_of(data).values())

    with CaptureQueriesContext(connection) as queries:
        load_records(data)

    assert len(queries) <= 3 * rows
    assert len(queries) <= 0.5 * rows  # measured: 126 queries for 1138 rows on SQLite


def test_a_reload_that_changes_nothing_costs_at_most_one_query_per_row_type_per_500_rows():
    data = seed()
    load_records(data)
    allowance = sum(-(-count // 500) for count in rows_of(data).values())

    with CaptureQueriesContext(connection) as queries:
        report = load_records(data)

    assert not report.changed
    assert len(queries) <= allowance, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def bulk_write_cost(staff, count):
    records = [Agreement(slug=f"bulk-{count}-{n}", title=f"Deal {n}") for n in range(count)]
    with CaptureQueriesContext(connection) as queries:
        apply_changes(records, user=staff, reason="many at once")
    return len(queries)


def test_the_bulk_variant_costs_a_few_queries_per_batch_however_many_records(staff):
    # A batch is what the database takes in one INSERT (PostgreSQL: all 200; SQLite: its parameter limit).
    fields = Agreement.history.model._meta.concrete_fields
    batch = connection.ops.bulk_batch_size(fields, [None] * 200) or 200
    batches = -(-200 // min(batch, 500))

    few, many = bulk_write_cost(staff, 5), bulk_write_cost(staff, 200)

    assert few <= 10
    assert many <= few + 3 * (batches - 1)  # records, their history rows, their ChangeLog rows
    assert Agreement.history.filter(slug__startswith="bulk-200-").count() == 200
    assert ChangeLog.objects.filter(slug__startswith="bulk-200-").count() == 200
    assert len(set(ChangeLog.objects.filter(slug__startswith="bulk-200-").values_list("change_set", flat=True))) == 1
