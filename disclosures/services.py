"""What the disclosures app computes from its records: the disclosure lag.

Disclosure lag = disclosed minus tested-from, as a range of days because both dates may be known
only to a month or a year: the shortest reading takes the last day of the testing period and the
first day of the disclosure period, the longest the other way round. A lag is never negative (a
test and its disclosure in the same month may be the same day). A testing disclosure not yet
disclosed counts up to today: "not disclosed so far: at least N days".
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class DisclosureLag:
    min_days: int
    max_days: int
    disclosed: bool  # False: counted up to today, the testing is not disclosed so far

    @property
    def exact(self):
        return self.min_days == self.max_days

    def describe(self):
        """As pages write it: '1,160 days', 'between 796 and 1,160 days', 'not disclosed so far: at least 30 days'."""
        if not self.disclosed:
            return f"not disclosed so far: at least {_count(self.min_days)}"
        if self.exact:
            return _count(self.min_days)
        return f"between {self.min_days:,} and {_count(self.max_days)}"

    __str__ = describe


def disclosure_lag(disclosure, today=None):
    """The lag of a TestingDisclosure in days, or None when testing's start is unknown."""
    tested = disclosure.tested_start
    if tested is None:
        return None
    disclosed = disclosure.disclosed
    if disclosed is None:
        today = today or timezone.localdate()
        first, last = today, today
    else:
        first, last = disclosed.date, disclosed.last_day
    return DisclosureLag(
        min_days=_days(tested.last_day, first),
        max_days=_days(tested.date, last),
        disclosed=disclosed is not None,
    )


def _count(days):
    return f"{days:,} day" if days == 1 else f"{days:,} days"


def _days(start: datetime.date, end: datetime.date) -> int:
    return max((end - start).days, 0)
