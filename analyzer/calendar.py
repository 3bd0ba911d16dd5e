"""Calendar vocabulary shared by every stage: weekday names, one day in nanoseconds, and
the Monday of a date's ISO week (backlog's weeks start on Monday)."""

from __future__ import annotations

import datetime as dt
from typing import Final

#: Weekday names, Monday first (ISO weekday - 1 indexes them).
DAY_NAMES: Final[tuple[str, ...]] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: One day in nanoseconds (datetime64[ns] arithmetic on int64 views).
DAY_NS: Final = 86_400_000_000_000


def monday_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())
