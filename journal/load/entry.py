"""Read and validate entries: every problem in every file is collected, nothing is modified.

One file's bytes become its frontmatter (load/frontmatter.py), then each field is read by
its rule (load/rules/, run in the order of `RULES`), and the Entry and Body are built when
no rule found an error. What they are is in load/model.py; the checks between files are
in load/crosscheck.py. The names other modules import from here are kept here.
"""

from __future__ import annotations

from journal.load import frontmatter
from journal.load.crosscheck import close_domains, cross_check
from journal.load.frontmatter import MAX_DEPTH, MAX_FRONTMATTER_CHARS, MAX_NODES
from journal.load.model import (
    ATTRIBUTIONS,
    FIRST_YEAR,
    KINDS,
    KNOWN_KEYS,
    LAST_YEAR,
    REQUIRED,
    SOURCES,
    WORD,
    Body,
    Check,
    Entry,
    FullEntry,
    Parsed,
    digest,
)
from journal.load.rules import RULES, EntryContext
from journal.text import slugify, title_from_id

__all__ = [
    "ATTRIBUTIONS",
    "FIRST_YEAR",
    "KINDS",
    "KNOWN_KEYS",
    "LAST_YEAR",
    "MAX_DEPTH",
    "MAX_FRONTMATTER_CHARS",
    "MAX_NODES",
    "REQUIRED",
    "SOURCES",
    "WORD",
    "Body",
    "Entry",
    "FullEntry",
    "Parsed",
    "close_domains",
    "cross_check",
    "digest",
    "parse_entry",
]


def parse_entry(relpath: str, data: bytes) -> Parsed:
    """Validate one file's bytes; pure, so its result can be cached by content."""
    check = Check(relpath)
    read = frontmatter.read(data, check)
    if read is None:
        return check.done()
    entry_id = relpath.rsplit("/", 1)[-1][: -len(".md")]
    ctx = EntryContext(relpath, entry_id, read.meta, read.lines, read.body, read.body_line, check)
    for _name, rule in RULES:
        rule(ctx)
    return _built(ctx)


def _built(ctx: EntryContext) -> Parsed:
    """The Entry and Body the rules filled in, or the problems of a file with errors (with
    its `follows`, which the checks between files look up all the same)."""
    check, when, rendered = ctx.check, ctx.when, ctx.rendered
    if any(p.severity == "error" for p in check.problems) or when is None:
        return check.done(follows=(ctx.follows, ctx.line("follows")) if ctx.follows else None)
    assert rendered is not None
    planned, resolved = ctx.planned, ctx.resolved
    entry = Entry(
        id=ctx.id,
        path=ctx.relpath,
        date=when[0],
        time=when[1],
        kind=ctx.kind,
        domain=slugify(ctx.domain_label),  # type: ignore[arg-type]
        domain_label=ctx.domain_label,  # type: ignore[arg-type]
        title=ctx.title or rendered.heading or title_from_id(ctx.id),
        tags=ctx.tags,
        difficulty=ctx.difficulty,
        confidence=ctx.confidence,
        source=ctx.source,
        attribution=ctx.attribution,
        lesson=ctx.lesson,
        next=ctx.next,
        follows=ctx.follows,
        draft=ctx.draft,
        private=ctx.private,
        planned=planned[0] if planned else None,
        planned_time=planned[1] if planned else None,
        resolved=resolved[0] if resolved else None,
        extra=ctx.extra,
        lines=ctx.lines,
    )
    words = " ".join(sorted(set(WORD.findall(rendered.text.lower()))))
    body = Body(
        rendered.html, rendered.text, words, attachments=rendered.attachments, links=rendered.links
    )
    return check.done(entry, body)
