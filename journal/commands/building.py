"""`journal build` and `journal check`: the site made, or the journal checked, with what
went wrong said in one line (a full disk or a read-only folder included)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from journal.errors import JournalError, Problem, strict_failure


def build_site(
    root: Path,
    out: Path | None,
    *,
    drafts: bool,
    today: date | None,
    strict: bool,
    explain: bool = False,
) -> tuple[tuple[Problem, ...], str]:
    """(the warnings, the summary, with --explain a line per page made again and why) of a
    build into `out` (default: site/ in the journal). ProblemsError: the journal has
    errors, and nothing was built."""
    from journal.build import Options, build

    out = out or root / "site"
    try:
        options = Options(drafts=drafts, today=today)
        result = build(root, out, options, strict=strict, explain=explain)
    except OSError as exc:
        raise output_error(exc, out, "nothing was built") from None
    summary = result.summary(out)
    if explain:
        lines = [f"{path}: {why}" for path, why in result.why]
        if not lines:
            lines = ["no page was made again"]
        summary = "\n".join([*lines, summary])
    return result.warnings, summary


def output_error(exc: OSError, out: Path, outcome: str) -> OSError | JournalError:
    """A full disk or a read-only folder met while making a site folder (which is replaced
    whole or not at all): one line; any other OSError as it was."""
    from journal.atomic import WRITE_ERRNOS, reason

    if exc.errno not in WRITE_ERRNOS:
        return exc
    return JournalError(f"{exc.filename or out}: cannot be written ({reason(exc)}); {outcome}")


def check_journal(root: Path, *, strict: bool) -> tuple[tuple[Problem, ...], str]:
    """(the warnings, the summary line) of every entry checked. ProblemsError: the errors;
    with `strict`, the warnings count as errors."""
    from journal.load.journal import load_journal

    journal = load_journal(root)
    if strict and journal.warnings:
        raise strict_failure(journal.warnings, "--strict: warnings count as errors")
    warnings = len(journal.warnings)
    summary = (
        f"{len(journal.entries)} entries, no errors, {warnings} warning{'s' * (warnings != 1)}."
    )
    return journal.warnings, summary
