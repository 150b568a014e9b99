"""`draft` and `private`: true or false, false when not given."""

from __future__ import annotations

from journal.load.rules.context import EntryContext


def draft(ctx: EntryContext) -> None:
    ctx.draft = _flag(ctx, "draft")


def private(ctx: EntryContext) -> None:
    ctx.private = _flag(ctx, "private")


def _flag(ctx: EntryContext, key: str) -> bool:
    value = ctx.meta.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        ctx.check.error(ctx.line(key), f"{key} is {value!r}", "true or false")
        return False
    return value
