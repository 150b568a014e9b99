"""`kind`: win, setback or plan, in any case."""

from __future__ import annotations

from journal.config import suggest
from journal.load.model import KINDS
from journal.load.rules.context import EntryContext


def rule(ctx: EntryContext) -> None:
    kind = ctx.meta.get("kind")
    if kind not in (None, ""):
        kind = str(kind).strip().lower()
        if kind not in KINDS:
            hint = suggest(kind, KINDS)
            ctx.check.error(
                ctx.line("kind"),
                f"kind is {ctx.meta['kind']!r}" + (f"; {hint}" if hint else ""),
                "win or setback",
            )
    ctx.kind = kind
