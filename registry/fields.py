"""Partial dates and money: one pattern, reused by every model.

A partial date is two columns, ``<name>`` (the first day of the period) and
``<name>_precision`` (day / month / year). Money is ``<name>_amount`` (Decimal,
null when undisclosed, never 0 for "unknown") and ``<name>_currency``. Models
declare them with the small factories below and get, for free, a value accessor
(``PartialDateAccessor`` / ``MoneyAccessor``), ``clean()`` checks and database
constraints that say the same thing.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractMonth, ExtractYear


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month or a year."""

    date: datetime.date
    precision: str

    @classmethod
    def parse(cls, text):
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the length gives the precision."""
        if isinstance(text, PartialDate):
            return text
        match = PARTIAL_DATE_RE.match(str(text or "").strip())
        if not match:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        try:
            if day:
                return cls(datetime.date(int(year), int(month), int(day)), DatePrecision.DAY)
            if month:
                return cls(datetime.date(int(year), int(month), 1), DatePrecision.MONTH)
            return cls(datetime.date(int(year), 1, 1), DatePrecision.YEAR)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a real date ({error})") from None

    @property
    def last_day(self):
        """The last day of the period, for inclusive `*_before` filters and lag ranges."""
        if self.precision == DatePrecision.YEAR:
            return datetime.date(self.date.year, 12, 31)
        if self.precision == DatePrecision.MONTH:
            days = calendar.monthrange(self.date.year, self.date.month)[1]
            return datetime.date(self.date.year, self.date.month, days)
        return self.date

    def isoformat(self):
        """ISO 8601 reduced precision: '2025', '2025-07' or '2025-07-14'."""
        if self.precision == DatePrecision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def humanize(self):
        """How pages write it: '2025', 'July 2025' or '14 July 2025'."""
        if self.precision == DatePrecision.YEAR:
            return str(self.date.year)
        if self.precision == DatePrecision.MONTH:
            return f"{calendar.month_name[self.date.month]} {self.date.year}"
        return f"{self.date.day} {calendar.month_name[self.date.month]} {self.date.year}"

    __str__ = isoformat


def partial_date(help_text):
    """Return the (date, precision) field pair of a partial date, both optional."""
    return (
        models.DateField(
            null=True, blank=True, db_index=True,
            help_text=f"{help_text} First day of the period when only a month or year is known.",
        ),
        models.CharField(
            max_length=5, blank=True, choices=DatePrecision.choices,
            help_text=f"Precision of the date above ({help_text.rstrip('.').lower()}): day, month or year.",
        ),
    )


def partial_date_constraints(field):
    """Database rules for a partial date: precision iff date; month/year start on the 1st."""
    precision = f"{field}_precision"
    return [
        models.CheckConstraint(
            condition=(Q(**{f"{field}__isnull": True}) & Q(**{precision: ""}))
            | (Q(**{f"{field}__isnull": False}) & Q(**{f"{precision}__in": DatePrecision.values})),
            name=f"%(app_label)s_%(class)s_{field}_precision",
            violation_error_message=f"{field}: a date needs a precision, and a precision needs a date.",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.MONTH}) | Q(**{f"{field}__day": 1}),
            name=f"%(app_label)s_%(class)s_{field}_month_1st",
            violation_error_message=f"{field}: a month-precision date must be the first of its month.",
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.YEAR})
            | (Q(**{f"{field}__day": 1}) & Q(**{f"{field}__month": 1})),
            name=f"%(app_label)s_%(class)s_{field}_year_1st",
            violation_error_message=f"{field}: a year-precision date must be 1 January of its year.",
        ),
    ]


class PartialDateAccessor:
    """``obj.announced`` -> PartialDate or None; assigning a string or PartialDate sets both columns."""

    def __init__(self, field):
        self.field = field
        self.precision = f"{field}_precision"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = getattr(obj, self.field)
        if value is None:
            return None
        return PartialDate(value, getattr(obj, self.precision) or DatePrecision.DAY)

    def __set__(self, obj, value):
        if value in (None, ""):
            setattr(obj, self.field, None)
            setattr(obj, self.precision, "")
            return
        parsed = PartialDate.parse(value)
        setattr(obj, self.field, parsed.date)
        setattr(obj, self.precision, parsed.precision)


def validate_partial_date(obj, field, errors):
    """Add clean() errors for a partial date whose columns disagree."""
    value, precision = getattr(obj, field), getattr(obj, f"{field}_precision")
    if value is None and precision:
        errors[f"{field}_precision"] = "A precision was given without a date."
    elif value is not None and not precision:
        errors[f"{field}_precision"] = "Say how precise the date is: day, month or year."
    elif value is not None and precision == DatePrecision.MONTH and value.day != 1:
        errors[field] = "A month-precision date must be the first of its month."
    elif value is not None and precision == DatePrecision.YEAR and (value.day, value.month) != (1, 1):
        errors[field] = "A year-precision date must be 1 January of its year."


def validate_date_order(obj, start, end, errors):
    """End not before start, comparing the widest reading of both partial dates."""
    start_value, end_value = getattr(obj, start), getattr(obj, end)
    if start_value and end_value:
        end_date = PartialDate(end_value, getattr(obj, f"{end}_precision") or DatePrecision.DAY)
        if end_date.last_day < start_value:
            errors[end] = f"{end.replace('_', ' ')} cannot be before {start.replace('_', ' ')}."


def date_order_constraint(start, end):
    """The database side of validate_date_order(): the end's last day is not before the start.

    The end column holds the first day of its period, so an end known only to a month (or a year)
    may fall before a day-precision start in the same month (or year): "14 July 2025 to July 2025".
    """
    end_precision = f"{end}_precision"
    same_year = Q(**{f"{end}__year": ExtractYear(start)})
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)})
        | (Q(**{end_precision: DatePrecision.MONTH}) & same_year & Q(**{f"{end}__month": ExtractMonth(start)}))
        | (Q(**{end_precision: DatePrecision.YEAR}) & same_year),
        name=f"%(app_label)s_%(class)s_{end}_not_before_{start}",
        violation_error_message=f"{end} cannot be before {start}.",
    )


# --- money ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "USD"

    def as_json(self):
        return {"amount": f"{self.amount:.2f}", "currency": self.currency}

    def humanize(self):
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        return f"{symbol}{self.amount:,.2f}".replace(".00", "")

    def short(self):
        """'$642M', '$178.4M', '$1.3B' when that is exact; otherwise the full amount ('$252,458,698')."""
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        for unit, size in (("B", Decimal(10) ** 9), ("M", Decimal(10) ** 6)):
            scaled = self.amount / size
            if scaled >= 1 and scaled == scaled.quantize(Decimal("0.1")):
                return f"{symbol}{scaled.quantize(Decimal('0.1')):,f}".replace(".0", "") + unit
        return self.humanize()


def money(help_text):
    """Return the (amount, currency) field pair of a sum of money; null amount = undisclosed."""
    return (
        models.DecimalField(
            max_digits=18, decimal_places=2, null=True, blank=True, db_index=True,
            help_text=f"{help_text} Empty when undisclosed (never 0 for unknown).",
        ),
        models.CharField(
            max_length=3, default="USD", blank=True,
            help_text="ISO 4217 currency code of the amount above.",
        ),
    )


def money_constraints(field):
    amount, currency = f"{field}_amount", f"{field}_currency"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{amount}__isnull": True}) | Q(**{f"{amount}__gte": 0}),
            name=f"%(app_label)s_%(class)s_{field}_not_negative",
            violation_error_message=f"{field}: an amount cannot be negative.",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{amount}__isnull": True}) | Q(**{f"{currency}__regex": r"^[A-Z]{3}$"}),
            name=f"%(app_label)s_%(class)s_{field}_has_currency",
            violation_error_message=f"{field}: an amount needs a three-letter currency code.",
        ),
    ]


class MoneyAccessor:
    """``obj.ceiling`` -> Money or None; assign Money, a dict {amount, currency} or None."""

    def __init__(self, field):
        self.amount = f"{field}_amount"
        self.currency = f"{field}_currency"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        amount = getattr(obj, self.amount)
        return None if amount is None else Money(amount, getattr(obj, self.currency) or "USD")

    def __set__(self, obj, value):
        # Undisclosed is null, never 0: both None and {"amount": null, ...} clear the amount.
        if value is None or (isinstance(value, dict) and value.get("amount") is None):
            setattr(obj, self.amount, None)
            return
        if isinstance(value, dict):
            value = Money(parse_amount(value.get("amount")), value.get("currency") or "USD")
        setattr(obj, self.amount, value.amount)
        setattr(obj, self.currency, value.currency)


def parse_amount(text):
    try:
        amount = Decimal(str(text))
    except (InvalidOperation, TypeError):
        raise ValueError(f"{text!r} is not an amount such as \"200000000.00\"") from None
    if not amount.is_finite():
        raise ValueError(f"{text!r} is not a finite amount")
    if amount and not -2 <= amount.adjusted() < 16:  # the columns hold 16 digits before the point, 2 after
        raise ValueError(f"{text!r} is out of range: amounts are below 10^16 with at most two decimal places")
    return amount


def validate_money(obj, field, errors):
    amount, currency = getattr(obj, f"{field}_amount"), getattr(obj, f"{field}_currency")
    if amount is not None and amount < 0:
        errors[f"{field}_amount"] = "An amount cannot be negative; leave it empty when undisclosed."
    if amount is not None and not re.fullmatch(r"[A-Z]{3}", currency or ""):
        errors[f"{field}_currency"] = "Use a three-letter ISO 4217 code such as USD."


def raise_if(errors):
    if errors:
        raise ValidationError(errors)
