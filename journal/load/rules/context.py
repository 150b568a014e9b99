"""EntryContext: one file on its way to an Entry, handed to every rule in turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from journal.load.model import Check

if TYPE_CHECKING:
    from journal.load.markdown import RenderedBody

Moment = tuple[date, str | None]  # a date, and "HH:MM" when it carried a time


@dataclass(slots=True)
class EntryContext:
    """What a rule reads (the frontmatter `meta`, each key's line, the body), where it
    reports (`check`), and the entry in progress, which the rules fill in field by field
    in their order: a rule may read what an earlier one wrote."""

    relpath: str
    id: str
    meta: dict
    lines: dict[str, int]
    body: str
    body_line: int
    check: Check
    # the entry in progress
    when: Moment | None = None  # `date`
    kind: Any = None  # lower case when given; checked against KINDS
    domain_label: str | None = ""
    title: str | None = None
    lesson: str | None = None
    next: str | None = None
    follows: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: int | None = None
    confidence: int | None = None
    source: str = "mastery"
    attribution: str | None = None
    draft: bool = False
    private: bool = False
    planned: Moment | None = None
    resolved: Moment | None = None
    extra: dict = field(default_factory=dict)  # unknown keys, kept for templates
    rendered: RenderedBody | None = None  # the body, once the date is known to be good

    def line(self, key: str) -> int:
        """The line `key` is on, or 1 when the frontmatter has no such key."""
        return self.lines.get(key, 1)
