"""`source` (of the evidence; mastery when not given) and `attribution` (of a setback):
one word from a fixed list, in any case."""

from __future__ import annotations

from journal.config import suggest
from journal.load.model import ATTRIBUTIONS, SOURCES
from journal.load.rules.context import EntryContext


def source(ctx: EntryContext) -> None:
    ctx.source = _choice(ctx, "source", SOURCES) or "mastery"


def attribution(ctx: EntryContext) -> None:
    ctx.attribution = _choice(ctx, "attribution", ATTRIBUTIONS)


def _choice(ctx: EntryContext, key: str, allowed: tuple[str, ...]) -> str | None:
    value = ctx.meta.get(key)
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in allowed:
        hint = suggest(text, allowed)
        ctx.check.error(
            ctx.line(key),
            f"{key} is {value!r}" + (f"; {hint}" if hint else ""),
            " or ".join(allowed),
        )
        return None
    return text
