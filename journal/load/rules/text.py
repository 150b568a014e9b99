"""The one-line text fields: `title`, `lesson`, `next` and `follows` (an entry's id)."""

from __future__ import annotations

from journal.load.rules.context import EntryContext
from journal.load.rules.values import scalar_text


def title(ctx: EntryContext) -> None:
    ctx.title = _text(ctx, "title")


def lesson(ctx: EntryContext) -> None:
    ctx.lesson = _text(ctx, "lesson")


def next_try(ctx: EntryContext) -> None:
    ctx.next = _text(ctx, "next")


def follows(ctx: EntryContext) -> None:
    """Only read here: whether the id exists is a check between files (load/crosscheck.py)."""
    ctx.follows = _text(ctx, "follows")


def _text(ctx: EntryContext, key: str) -> str | None:
    meta = ctx.meta
    if meta.get(key) is None:
        return None
    value = scalar_text(meta[key])
    if value is None:
        ctx.check.error(ctx.line(key), f"{key} is a {type(meta[key]).__name__}", "one line of text")
    return value or None
