"""`difficulty` and `confidence`: whole numbers from 1 to 10."""

from __future__ import annotations

from journal.load.rules.context import EntryContext


def difficulty(ctx: EntryContext) -> None:
    ctx.difficulty = _score(ctx, "difficulty")


def confidence(ctx: EntryContext) -> None:
    ctx.confidence = _score(ctx, "confidence")


def _score(ctx: EntryContext, key: str) -> int | None:
    value = ctx.meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.check.error(
            ctx.line(key), f"{key} is {value!r}, not an integer", "an integer from 1 to 10"
        )
        return None
    if not 1 <= value <= 10:
        ctx.check.error(ctx.line(key), f"{key} is {value}, out of range", "an integer from 1 to 10")
        return None
    return value
