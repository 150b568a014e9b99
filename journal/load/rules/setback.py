"""What a setback is for: a lesson (from `lesson:` or an answer in the body) and a next
try; `attribution`, `lesson` and `next` on a win or a plan are shown, with a warning."""

from __future__ import annotations

from journal.load.rules.context import EntryContext


def answers(ctx: EntryContext) -> None:
    """Asked once, in the body: an answer there counts as the lesson (and the next try)."""
    rendered = ctx.rendered
    if ctx.kind == "setback" and rendered is not None:
        ctx.lesson = ctx.lesson or rendered.answers.get("what did i learn?") or None
        ctx.next = ctx.next or rendered.answers.get("what will i try differently?") or None


def lesson(ctx: EntryContext) -> None:
    if ctx.kind == "setback" and not ctx.lesson:
        ctx.check.warn(
            ctx.line("kind"),
            "setback has no lesson: what did it teach? (answer under “What did I learn?”, "
            "or give `lesson:`)",
        )


def keys(ctx: EntryContext) -> None:
    """The keys meant for setbacks, on a win or a plan."""
    if ctx.kind in ("win", "plan"):
        for key in ("attribution", "lesson", "next"):
            if key in ctx.meta:
                ctx.check.warn(ctx.line(key), f"`{key}` is meant for setbacks; shown anyway")
