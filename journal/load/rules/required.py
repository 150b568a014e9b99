"""`date`, `kind` and `domain` must be given, and not empty."""

from __future__ import annotations

from journal.load.model import REQUIRED
from journal.load.rules.context import EntryContext

_HINTS = {
    "date": "date: YYYY-MM-DD",
    "kind": "kind: win or kind: setback",
    "domain": "domain: e.g. public-speaking",
}


def rule(ctx: EntryContext) -> None:
    meta = ctx.meta
    for key in REQUIRED:
        if key not in meta or meta[key] is None or meta[key] == "":
            ctx.check.error(ctx.line(key), f"missing required key `{key}`", _HINTS[key])
