"""`tags`: a list of names, or one comma-separated string; each named once, in order."""

from __future__ import annotations

from journal.load.rules.context import EntryContext
from journal.load.rules.values import kind_name, scalar_text
from journal.text import slugify


def rule(ctx: EntryContext) -> None:
    check = ctx.check
    tags: tuple[str, ...] = ()
    raw_tags = ctx.meta.get("tags")
    if isinstance(raw_tags, str):
        tags = tuple(t.strip() for t in raw_tags.split(",") if t.strip())
    elif isinstance(raw_tags, list):
        if all(scalar_text(t) is not None for t in raw_tags):
            tags = tuple(scalar_text(t) for t in raw_tags if scalar_text(t))  # type: ignore[misc]
        else:
            check.error(
                ctx.line("tags"),
                "tags holds a list or mapping inside the list",
                "a list of words, or a comma-separated string",
            )
    elif raw_tags is not None:
        check.error(
            ctx.line("tags"),
            f"tags is a {kind_name(raw_tags)}",
            "a list, or a comma-separated string",
        )
    for tag in tags:
        if not slugify(tag):
            check.error(
                ctx.line("tags"),
                f"tag {tag!r} has no letter or digit to name its page",
                "tags made of words",
            )
    ctx.tags = tuple(dict.fromkeys(tags))
