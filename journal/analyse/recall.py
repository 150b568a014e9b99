"""On this day: earlier entries from the same calendar day, a month and a year back."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

from journal.load.entry import Entry


def months_back(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (31 March -> 28 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def on_this_day(entries: Sequence[Entry], today: date) -> list[Entry]:
    """Entries from this calendar day in earlier years, newest first."""
    hits = [
        e
        for e in entries
        if e.date.month == today.month and e.date.day == today.day and e.date.year < today.year
    ]
    return sorted(hits, key=lambda e: e.sort_key, reverse=True)


def looking_back(entries: Sequence[Entry], today: date) -> list[tuple[str, date, list[Entry]]]:
    """("a month ago" | "a year ago", that date, its entries), only where there are entries
    that `on_this_day` does not already list (a year ago is usually this day last year)."""
    out = []
    for label, months in (("A month ago", 1), ("A year ago", 12)):
        day = months_back(today, months)
        if (day.month, day.day) == (today.month, today.day):
            continue  # on this day lists them
        found = [e for e in entries if e.date == day]
        if found:
            out.append((label, day, found))
    return out
