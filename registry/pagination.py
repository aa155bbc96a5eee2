"""Keyset pagination over (sort value, id), shared by pages and the API.

The cursor is opaque (URL-safe base64 of JSON) and carries the last row's sort value and id.
NULL sort values come last in both directions; every ordering ends in ``id``, in the same
direction as the sort, so each row has exactly one place. An invalid cursor raises
``InvalidCursor`` (a 400 for the API, a form error on pages). DRF's CursorPagination is not
used: it breaks on NULL sort values.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Ordering:
    field: str  # a concrete column of the model, e.g. "announced_on"
    descending: bool = False

    @classmethod
    def parse(cls, text):
        return cls(text.lstrip("-"), text.startswith("-"))

    def order_by(self):
        column = F(self.field)
        key = column.desc(nulls_last=True) if self.descending else column.asc(nulls_last=True)
        tiebreak = F("id").desc() if self.descending else F("id").asc()
        return [key, tiebreak] if self.field != "id" else [tiebreak]


@dataclass
class Page:
    items: list
    next_cursor: str | None
    previous_cursor: str | None
    page_size: int


def encode_cursor(value, pk, *, backwards=False):
    payload = {"v": None if value is None else str(value), "id": pk}
    if backwards:
        payload["b"] = 1
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor, model, ordering):
    """(value, id, backwards) from a cursor; raises InvalidCursor for anything not made by encode_cursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        pk = payload["id"]
        raw = payload["v"]
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 <= pk < 2**63 \
                or not (raw is None or isinstance(raw, str)):
            raise ValueError
        if raw is not None and "\x00" in raw:
            raise ValueError  # PostgreSQL refuses NUL in text
        value = None if raw is None else model._meta.get_field(ordering.field).to_python(raw)
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC)  # an offset that overflows fails here, not in the query
        return value, pk, bool(payload.get("b"))
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError, ValidationError, AttributeError,
            OverflowError):
        raise InvalidCursor("This cursor is not valid: start again from the first page.") from None


def after_condition(ordering, value, pk):
    """Rows strictly after (value, pk) in this ordering, NULLs last."""
    field = ordering.field
    if field == "id":
        return Q(id__lt=pk) if ordering.descending else Q(id__gt=pk)
    beyond, tie = ("lt", "lt") if ordering.descending else ("gt", "gt")
    if value is None:
        return Q(**{f"{field}__isnull": True, f"id__{tie}": pk})
    return (Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, f"id__{tie}": pk})
            | Q(**{f"{field}__isnull": True}))


def before_condition(ordering, value, pk):
    """Rows strictly before (value, pk) in this ordering, NULLs last."""
    field = ordering.field
    if field == "id":
        return Q(id__gt=pk) if ordering.descending else Q(id__lt=pk)
    ahead, tie = ("gt", "gt") if ordering.descending else ("lt", "lt")
    if value is None:
        return Q(**{f"{field}__isnull": False}) | Q(**{f"{field}__isnull": True, f"id__{tie}": pk})
    return Q(**{f"{field}__{ahead}": value}) | Q(**{field: value, f"id__{tie}": pk})


def reversed_ordering(ordering):
    """The exact reverse of an ordering, NULLs first (so that reading it backwards keeps NULLs last)."""
    column = F(ordering.field)
    key = column.asc(nulls_first=True) if ordering.descending else column.desc(nulls_first=True)
    tiebreak = F("id").asc() if ordering.descending else F("id").desc()
    return [key, tiebreak] if ordering.field != "id" else [tiebreak]


def paginate(queryset, ordering, *, cursor=None, page_size=DEFAULT_PAGE_SIZE):
    """One page of ``queryset`` in ``ordering`` from ``cursor``; one query (page_size + 1 rows)."""
    if cursor:
        value, pk, backwards = decode_cursor(cursor, queryset.model, ordering)
    else:
        value, pk, backwards = None, None, False
    if backwards:
        rows = list(queryset.filter(before_condition(ordering, value, pk)).order_by(*reversed_ordering(ordering))
                    [: page_size + 1])
        has_more_before = len(rows) > page_size
        items = list(reversed(rows[:page_size]))
        has_more_after = True
    else:
        if cursor:
            queryset = queryset.filter(after_condition(ordering, value, pk))
        rows = list(queryset.order_by(*ordering.order_by())[: page_size + 1])
        has_more_after = len(rows) > page_size
        items = rows[:page_size]
        has_more_before = bool(cursor)
    next_cursor = cursor_for(items[-1], ordering) if items and has_more_after else None
    previous_cursor = cursor_for(items[0], ordering, backwards=True) if items and has_more_before else None
    return Page(items, next_cursor, previous_cursor, page_size)


def cursor_for(row, ordering, *, backwards=False):
    value = getattr(row, ordering.field) if ordering.field != "id" else row.pk
    return encode_cursor(value, row.pk, backwards=backwards)


def parse_page_size(text, default=DEFAULT_PAGE_SIZE):
    """A page size between 1 and MAX_PAGE_SIZE, or ValueError with a clear message."""
    if text in (None, ""):
        return default
    try:
        size = int(text)
    except (TypeError, ValueError):
        raise ValueError(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    return size
