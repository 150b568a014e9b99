"""What loading makes: Entry, Body, FullEntry and Parsed, the problem collector that ends in
a Parsed, and what an entry's fields may hold."""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from journal.errors import Problem

KINDS = ("win", "setback", "plan")  # a plan is an attempt not made yet: it counts nowhere
SOURCES = ("mastery", "vicarious", "persuasion", "physiological")
ATTRIBUTIONS = ("effort", "strategy", "preparation", "circumstances", "luck", "ability")
REQUIRED = ("date", "kind", "domain")
WORD = re.compile(r"\w+")  # a searchable word
FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates outside are typos (0206 for 2026)
KNOWN_KEYS = (
    "date", "kind", "domain", "title", "tags", "difficulty", "confidence", "source",
    "attribution", "lesson", "next", "follows", "draft", "private", "planned", "resolved",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    """One validated entry as lists, charts and analytics see it: its frontmatter, no body.

    `key` is derived from every field, so a view holding only this object changes exactly
    when its key does; `extra` holds unknown frontmatter keys for templates.
    """

    id: str
    path: str  # relative to the journal root, with forward slashes
    date: date
    time: str | None  # "HH:MM" when the date carried a time
    kind: str
    domain: str  # slug
    domain_label: str  # as written in the entry
    title: str
    tags: tuple[str, ...]
    difficulty: int | None
    confidence: int | None
    source: str
    attribution: str | None
    lesson: str | None
    next: str | None
    follows: str | None
    draft: bool
    private: bool
    planned: date | None = None  # a plan's (or a resolved plan's) date of writing...
    planned_time: str | None = None  # ...and "HH:MM" when it carried a time
    resolved: date | None = None  # when the outcome of a plan was recorded
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            values = tuple(getattr(self, name) for name in _KEYED_FIELDS)
            text = repr((values, sorted((str(k), repr(v)) for k, v in self.extra.items())))
            object.__setattr__(self, "key", _hash(text.encode()))

    @property
    def is_win(self) -> bool:
        return self.kind == "win"

    @property
    def is_plan(self) -> bool:
        """An attempt not made (or not recorded) yet: counted in no figure."""
        return self.kind == "plan"

    @property
    def preregistered(self) -> bool:
        """Its confidence was written down no later than the attempt (`planned` <= `date`);
        when either has no time of day, their dates are compared."""
        if self.planned is None:
            return False
        if self.planned_time is None or self.time is None:
            return self.planned <= self.date
        return (self.planned, self.planned_time) <= (self.date, self.time)

    @property
    def is_mastery_win(self) -> bool:
        return self.kind == "win" and self.source == "mastery"

    @property
    def sort_key(self) -> tuple[date, str, str]:
        return (self.date, self.time or "", self.id)

    # Pickled (the memo, forked workers) as a plain tuple of its fields: the dataclass
    # default looks the fields up for every object, a fifth of a second at 10,000 entries.
    def __getstate__(self) -> tuple:
        return _fields_of(self)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(_names_of(type(self)), state, strict=True):
            object.__setattr__(self, name, value)


_KEYED_FIELDS = tuple(f.name for f in fields(Entry) if f.name not in ("extra", "key"))


@dataclass(frozen=True, slots=True)
class Body:
    """What an entry's Markdown body became; only pages that show the body receive it."""

    html: str
    text: str  # plain text, for search, snippets and the feed
    words: str  # distinct lower-case words of `text`, space-separated: one small string
    key: str = ""
    # (path from the root, line) of each local file it shows or links to (load/markdown.py)
    attachments: tuple[tuple[str, int], ...] = ()
    # links to other entries, in the order of their placeholders (load/links.py)
    links: tuple = ()

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", _hash((self.html + "\0" + self.text).encode()))

    def __getstate__(self) -> tuple:
        return (self.html, self.text, self.words, self.key, self.attachments, self.links)

    def __setstate__(self, state: tuple) -> None:
        names = ("html", "text", "words", "key", "attachments", "links")
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)


@dataclass(frozen=True, slots=True)
class FullEntry(Entry):
    """An entry with its body: the view for pages that show the body (its own page, the feed)."""

    body_html: str = ""
    text: str = ""
    body_key: str = ""

    @classmethod
    def of(cls, entry: Entry, body: Body) -> FullEntry:
        return cls(*_GETTERS[Entry](entry), body.html, body.text, body.key)  # type: ignore[misc]


_NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in (Entry, FullEntry)}
_GETTERS = {cls: operator.attrgetter(*names) for cls, names in _NAMES.items()}


def _names_of(cls: type) -> tuple[str, ...]:
    return _NAMES[cls]


def _fields_of(entry: Entry) -> tuple:
    """An entry's fields in order (for a FullEntry, all of its own)."""
    return _GETTERS[type(entry)](entry)


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Parsed:
    """What one file turned into: an entry and its body, or None when it has errors."""

    entry: Entry | None
    body: Body | None
    problems: tuple[Problem, ...]
    follows: tuple[str, int] | None = None  # of a file with errors: checked all the same


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Check:
    """Collects the problems of one file."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str, expected: str | None = None) -> None:
        self.problems.append(Problem(self.path, line, message, expected))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, None, "warning"))

    def done(
        self,
        entry: Entry | None = None,
        body: Body | None = None,
        follows: tuple[str, int] | None = None,
    ) -> Parsed:
        if any(p.severity == "error" for p in self.problems):
            entry = body = None
        else:
            follows = None
        return Parsed(entry, body, tuple(self.problems), follows)
