"""The Markdown body, rendered once the date is good (an entry without one is never built)."""

from __future__ import annotations

from journal.load import markdown
from journal.load.rules.context import EntryContext


def rule(ctx: EntryContext) -> None:
    if ctx.when is not None:
        ctx.rendered = markdown.render(ctx.body, ctx.relpath, ctx.body_line, titled=bool(ctx.title))
