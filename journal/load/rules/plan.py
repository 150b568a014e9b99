"""`planned` (when a plan was written) and `resolved` (when its outcome was), checked like
`date`; then what a plan needs: the first and a confidence, not the second, and nothing
resolved before it was planned."""

from __future__ import annotations

from journal.load.rules.context import EntryContext, Moment
from journal.load.rules.date import moment


def planned(ctx: EntryContext) -> None:
    ctx.planned = moment(ctx, "planned")


def resolved(ctx: EntryContext) -> None:
    ctx.resolved = moment(ctx, "resolved")


def rule(ctx: EntryContext) -> None:
    """A plan's keys, and the order of its moments."""
    meta, check, line = ctx.meta, ctx.check, ctx.line
    kind, when, planned, resolved = ctx.kind, ctx.when, ctx.planned, ctx.resolved
    if kind == "plan":
        if "planned" not in meta:
            check.error(
                line("kind"),
                "a plan has no `planned:` time",
                "planned: YYYY-MM-DDTHH:MM, when the plan was written (journal plan adds it)",
            )
        if meta.get("confidence") is None:
            check.error(
                line("kind"),
                "a plan has no `confidence`",
                "confidence: 1-10, how sure you are now that you can do it",
            )
        if "resolved" in meta:
            check.error(
                line("resolved"),
                "a plan cannot be resolved and still be a plan",
                "kind: win or kind: setback beside `resolved:` (journal done ID win|setback)",
            )
    if planned and resolved and _later(planned, resolved):
        check.error(
            line("resolved"),
            f"resolved {resolved[0]} is before planned {planned[0]}"
            + (f" {planned[1]}" if planned[1] else ""),
            "an outcome recorded after the plan was written",
        )
    if kind == "plan" and planned and when and _later(planned, when):
        check.warn(
            line("planned"),
            f"planned after its date {when[0]}: once resolved it counts as retrospective, "
            "not pre-registered",
        )


def _later(a: Moment, b: Moment) -> bool:
    """`a` after `b`: by date and time when both have a time, else by date."""
    if a[1] is None or b[1] is None:
        return a[0] > b[0]
    return (a[0], a[1]) > (b[0], b[1])
