"""`date`: a day, or a date-time whose time of day is kept, in a plausible year."""

from __future__ import annotations

from journal.load.model import FIRST_YEAR, LAST_YEAR
from journal.load.rules.context import EntryContext, Moment
from journal.load.rules.values import as_date


def rule(ctx: EntryContext) -> None:
    ctx.when = moment(ctx, "date")


def moment(ctx: EntryContext, key: str) -> Moment | None:
    """The date(-time) under `key` (`date`, `planned`, `resolved`), or None when it is
    not given or is reported."""
    meta = ctx.meta
    if meta.get(key) in (None, ""):
        return None
    when = as_date(meta[key])
    if when is None:
        ctx.check.error(
            ctx.line(key), f"{key} is {meta[key]!r}", "YYYY-MM-DD or an ISO 8601 date-time"
        )
    elif not FIRST_YEAR <= when[0].year <= LAST_YEAR:
        ctx.check.error(
            ctx.line(key),
            f"{key} is {meta[key]!r}, year {when[0].year} is out of range",
            f"a date in the years {FIRST_YEAR} to {LAST_YEAR}",
        )
        when = None
    return when
