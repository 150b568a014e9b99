"""The entry rules, one small module per field or family of fields, run in order.

Each rule is a function `rule(ctx: EntryContext) -> None`: it reads the frontmatter
(`ctx.meta`, `ctx.line(key)`), reports through `ctx.check`, and writes its field into the
entry in progress (`ctx.kind`, `ctx.tags`...). `RULES` is their order, like markdown-it's
ruler: a rule may read what an earlier one wrote (the plan rule reads the kind and the
date), and a file's problems are listed in this order. load/entry.py runs them and builds
the Entry when no rule found an error.
"""

from __future__ import annotations

from collections.abc import Callable

from journal.load.rules import (
    body,
    choices,
    date,
    domain,
    flags,
    kind,
    plan,
    required,
    scores,
    setback,
    tags,
    text,
    unknown,
)
from journal.load.rules.context import EntryContext

Rule = Callable[[EntryContext], None]

RULES: tuple[tuple[str, Rule], ...] = (
    ("required", required.rule),  # date, kind and domain are given
    ("date", date.rule),
    ("kind", kind.rule),
    ("domain", domain.rule),
    ("title", text.title),
    ("lesson", text.lesson),
    ("next", text.next_try),
    ("follows", text.follows),
    ("tags", tags.rule),
    ("difficulty", scores.difficulty),
    ("confidence", scores.confidence),
    ("source", choices.source),
    ("attribution", choices.attribution),
    ("draft", flags.draft),
    ("private", flags.private),
    ("planned", plan.planned),
    ("resolved", plan.resolved),
    ("plan", plan.rule),  # what a plan needs; resolved after planned
    ("unknown-keys", unknown.rule),
    ("body", body.rule),  # the Markdown, rendered once the date is good
    ("setback-answers", setback.answers),  # a setback's lesson and next try from its body
    ("setback-lesson", setback.lesson),  # a setback with no lesson
    ("setback-keys", setback.keys),  # attribution, lesson, next on a win or a plan
)

__all__ = ["RULES", "EntryContext", "Rule"]
