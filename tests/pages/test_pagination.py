"""Keyset pagination: every row once, NULLs last in both directions, opaque cursors."""

import datetime

import pytest

from contracts.models import Agreement
from registry.pagination import (
    InvalidCursor,
    Ordering,
    encode_cursor,
    paginate,
    parse_page_size,
)
from tests.builders import make_agency, make_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements():
    agency = make_agency()
    dates = [datetime.date(2025, 7, 1), None, datetime.date(2024, 1, 1), datetime.date(2025, 7, 1), None,
             datetime.date(2026, 2, 1), datetime.date(2023, 5, 1)]
    made = []
    for n, day in enumerate(dates):
        agreement = make_agreement(title=f"Deal {n % 3}", awarding_agency=agency,
                                   ceiling_amount=None if n % 2 else 1000 * n)
        if day:
            agreement.announced_on, agreement.announced_on_precision = day, "day"
            agreement.save()
        made.append(agreement)
    return made


def walk_forward(ordering, page_size=2):
    seen, cursor, pages = [], None, 0
    while True:
        page = paginate(Agreement.objects.all(), ordering, cursor=cursor, page_size=page_size)
        seen += page.items
        pages += 1
        assert pages < 50
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def expected_order(rows, field, descending):
    present = [r for r in rows if getattr(r, field) is not None]
    missing = [r for r in rows if getattr(r, field) is None]
    present.sort(key=lambda r: (getattr(r, field), r.pk), reverse=descending)
    missing.sort(key=lambda r: r.pk, reverse=descending)
    return [r.pk for r in present + missing]


@pytest.mark.parametrize("field", ["announced_on", "title", "ceiling_amount", "id"])
@pytest.mark.parametrize("descending", [False, True])
def test_paging_forward_returns_every_row_once_with_nulls_last(agreements, field, descending):
    seen = walk_forward(Ordering(field, descending))

    assert [r.pk for r in seen] == expected_order(agreements, field, descending)


@pytest.mark.parametrize("field", ["announced_on", "ceiling_amount"])
@pytest.mark.parametrize("descending", [False, True])
def test_paging_backwards_gives_back_the_same_pages(agreements, field, descending):
    ordering = Ordering(field, descending)
    forward_pages, cursor = [], None
    while True:
        page = paginate(Agreement.objects.all(), ordering, cursor=cursor, page_size=2)
        forward_pages.append(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    for earlier, later in zip(forward_pages, forward_pages[1:], strict=False):
        back = paginate(Agreement.objects.all(), ordering, cursor=later.previous_cursor, page_size=2)
        assert [r.pk for r in back.items] == [r.pk for r in earlier.items]
    assert forward_pages[0].previous_cursor is None


def test_rows_inserted_while_paging_are_neither_skipped_nor_repeated(agreements):
    ordering = Ordering("id", False)
    first = paginate(Agreement.objects.all(), ordering, page_size=3)
    make_agreement(title="Added while paging")

    rest = walk_from(first.next_cursor, ordering)

    ids = [r.pk for r in first.items + rest]
    assert len(ids) == len(set(ids)) == Agreement.objects.count()


def walk_from(cursor, ordering):
    seen = []
    while cursor:
        page = paginate(Agreement.objects.all(), ordering, cursor=cursor, page_size=3)
        seen += page.items
        cursor = page.next_cursor
    return seen


@pytest.mark.parametrize("cursor", ["garbage", "e30", encode_cursor("not-a-date", 1), "eyJ2IjpudWxsLCJpZCI6IngifQ"])
def test_an_invalid_cursor_is_refused(agreements, cursor):
    with pytest.raises(InvalidCursor):
        paginate(Agreement.objects.all(), Ordering("announced_on", False), cursor=cursor, page_size=2)


def test_one_page_is_one_query(agreements, django_assert_num_queries):
    with django_assert_num_queries(1):
        paginate(Agreement.objects.all(), Ordering("announced_on", True), page_size=2)


@pytest.mark.parametrize(("text", "size"), [(None, 50), ("", 50), ("2", 2), ("500", 500)])
def test_page_size_accepts_1_to_500(text, size):
    assert parse_page_size(text) == size


@pytest.mark.parametrize("text", ["0", "501", "-1", "ten", "2.5"])
def test_page_size_refuses_anything_else(text):
    with pytest.raises(ValueError, match="page_size"):
        parse_page_size(text)
