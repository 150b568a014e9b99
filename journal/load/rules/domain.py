"""`domain`: a name with a letter or digit to make its page's name from."""

from __future__ import annotations

from journal.load.rules.context import EntryContext
from journal.load.rules.values import scalar_text
from journal.text import slugify


def rule(ctx: EntryContext) -> None:
    value = ctx.meta.get("domain")
    if value in (None, ""):
        ctx.domain_label = ""
        return
    ctx.domain_label = label = scalar_text(value)
    if not label or not slugify(label):
        ctx.check.error(
            ctx.line("domain"),
            f"domain is {value!r}",
            "a name such as public-speaking or Public speaking",
        )
