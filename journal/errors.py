"""One error tree, so the CLI can catch the base and print a report, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one input file, located by path and line."""

    path: str
    line: int
    message: str
    expected: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text if self.severity == "error" else f"{text} [warning]"


def report(problems: Iterable[Problem]) -> str:
    """The text `journal check`, `build` and the preview overlay all show."""
    return "\n".join(str(p) for p in sorted(problems))


class JournalError(Exception):
    """Anything the user can fix; the CLI prints the message and exits 1."""


class ProblemsError(JournalError):
    """Input files have errors; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem], outcome: str = "nothing was built"):
        self.problems = sorted(problems)
        super().__init__(self.text(outcome))

    def text(self, outcome: str | None) -> str:
        """The report and a summary line; `outcome` says what did not happen, if anything."""
        errors = sum(1 for p in self.problems if p.severity == "error")
        summary = f"{errors} error{'s' if errors != 1 else ''} found"
        return report(self.problems) + "\n" + summary + (f"; {outcome}." if outcome else ".")


class ConfigError(JournalError):
    """journal.toml cannot be used."""


class TemplateError(JournalError):
    """A template failed to load or render."""


def strict_failure(warnings: Iterable[Problem], outcome: str) -> ProblemsError:
    """`--strict`: every warning reported as an error, and the command fails."""
    from dataclasses import replace

    return ProblemsError([replace(p, severity="error") for p in warnings], outcome)
