"""Keys the journal does not know: kept for templates, each with a warning (a typo?)."""

from __future__ import annotations

from journal.config import suggest
from journal.load.model import KNOWN_KEYS
from journal.load.rules.context import EntryContext


def rule(ctx: EntryContext) -> None:
    ctx.extra = extra = {k: v for k, v in ctx.meta.items() if k not in KNOWN_KEYS}
    for key in extra:
        hint = suggest(str(key), KNOWN_KEYS)
        ctx.check.warn(
            ctx.line(str(key)),
            f"unknown key `{key}` is kept for templates" + (f"; {hint}" if hint else ""),
        )
