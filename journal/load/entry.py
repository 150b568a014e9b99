"""Read and validate entries: every problem in every file is collected, nothing is modified."""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

import yaml

from journal.config import suggest
from journal.errors import Problem
from journal.load import markdown
from journal.text import slugify, title_from_id

KINDS = ("win", "setback", "plan")  # a plan is an attempt not made yet: it counts nowhere
SOURCES = ("mastery", "vicarious", "persuasion", "physiological")
ATTRIBUTIONS = ("effort", "strategy", "preparation", "circumstances", "luck", "ability")
REQUIRED = ("date", "kind", "domain")
WORD = re.compile(r"\w+")  # a searchable word
# Limits on one file's frontmatter, so no input costs more than a moment and a few MB:
MAX_FRONTMATTER_CHARS = 256 * 1024  # frontmatter is a few lines; a body can be long
MAX_DEPTH = 32  # lists and mappings inside each other
MAX_NODES = 100_000  # values, counting each alias as the whole value it repeats
FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates outside are typos (0206 for 2026)
KNOWN_KEYS = (
    "date", "kind", "domain", "title", "tags", "difficulty", "confidence", "source",
    "attribution", "lesson", "next", "follows", "draft", "private", "planned", "resolved",
)  # fmt: skip


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading (libyaml's C parser where present) that leaves dates as text.

    Dates are parsed by the entry checks instead, so `2026-13-01` is a reported
    problem rather than a crash, and a date-time keeps its own local date.
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


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


class _Check:
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


def _split(text: str, check: _Check) -> tuple[str, str, int] | None:
    """(yaml, body, body's first line) from `---` fenced frontmatter."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        check.error(1, "no frontmatter", "the file to start with a `---` line")
        return None
    for number, line in enumerate(lines[1:], 2):
        if line.rstrip() in ("---", "..."):
            front = "\n".join(lines[1 : number - 1])
            if len(front) > MAX_FRONTMATTER_CHARS:
                check.error(
                    1,
                    f"frontmatter is {len(front):,} characters long, over the limit of "
                    f"{MAX_FRONTMATTER_CHARS:,}",
                    "a few lines of `key: value`; long text belongs in the body",
                )
                return None
            return front, "\n".join(lines[number:]), number + 1
    check.error(1, "frontmatter is not closed", "a `---` line after the frontmatter")
    return None


_NESTING_MARKS = "[{-:?"  # every list or mapping opens with, or holds, one of these


def _plainly_within_limits(source: str) -> bool:
    """True when the limits cannot be passed, seen from the text alone (the common case,
    and a third of the cost of reading a frontmatter saved): no anchor or alias to
    expand, too short for too many values (each takes at least half a character), and
    too few marks that open or fill a list or mapping for too deep a nesting."""
    return (
        "&" not in source
        and "*" not in source
        and 2 * len(source) < MAX_NODES
        and sum(source.count(mark) for mark in _NESTING_MARKS) <= MAX_DEPTH
    )


def _over_limits(source: str) -> tuple[int, str, str] | None:
    """(line, what, expected) for the first limit the frontmatter passes, read as a stream
    of events (libyaml's parser keeps its own stack), before anything recursive runs on
    it: nesting depth, and values counted with every alias expanded (billion laughs)."""
    if _plainly_within_limits(source):
        return None
    try:
        return _count_events(source)
    except yaml.YAMLError:
        return None  # a syntax error: the composer reports it with its line


def _count_events(source: str) -> tuple[int, str, str] | None:
    """The event pass of `_over_limits`. It runs on PyYAML's pure-Python parser, which keeps
    its own stack and yields one event at a time, so the journal's limits answer first:
    libyaml's scanner reads ahead and stops at its own nesting limit (PyYAML 6.0.4) before
    a single deep event reaches this loop."""
    stack: list[list[Any]] = []  # [anchor, size] of each open list or mapping
    sizes: dict[str, int] = {}  # anchor -> the size of its finished value
    total = 0
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 2
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = size
            if stack:
                stack[-1][1] += size
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                if any(frame[0] == event.anchor for frame in stack):
                    return (
                        line,
                        f"alias `*{event.anchor}` repeats a value that contains it",
                        "an alias to a finished value",
                    )
                continue  # an unknown anchor: the composer reports it
            count = sizes[event.anchor]
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            count = 1
        else:
            continue
        total += count
        if total > MAX_NODES:
            return (
                line,
                f"frontmatter holds over {MAX_NODES:,} values once its aliases are expanded",
                f"at most {MAX_NODES:,} values",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > MAX_DEPTH + 1:  # the frontmatter mapping itself is level 0
                return (
                    line,
                    f"frontmatter nests lists or mappings over {MAX_DEPTH} levels deep",
                    f"at most {MAX_DEPTH} levels",
                )
        else:
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
            if stack:
                stack[-1][1] += count
    return None


def _yaml(source: str, check: _Check) -> tuple[dict, dict[str, int]] | None:
    """Safe-load the frontmatter, keeping each key's line and refusing duplicate keys."""
    loader = _Loader(source)
    try:
        over = _over_limits(source)
        if over is not None:
            check.error(*over)
            return None
        node = loader.get_single_node()
        if node is None:
            check.error(2, "frontmatter is empty", "date, kind and domain keys")
            return None
        if not isinstance(node, yaml.MappingNode):
            check.error(
                node.start_mark.line + 2, "frontmatter is not a mapping", "`key: value` lines"
            )
            return None
        lines: dict[str, int] = {}
        for key_node, _ in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 2
            if key in lines:
                check.error(
                    line,
                    f"key `{key}` is given twice (first on line {lines[key]})",
                    "each key once",
                )
            else:
                lines[key] = line
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 2
        reason = exc.problem or "invalid YAML"
        if "constructor" in reason:
            check.error(line, f"YAML tag not allowed: {reason}", "plain values, no `!!` tags")
        elif "mapping values are not allowed" in reason:
            check.error(
                line,
                f"YAML syntax error: {reason}: a value holding `: ` must be quoted",
                'quotes around the value, e.g. title: "Note: this"',
            )
        else:
            check.error(line, f"YAML syntax error: {reason}", "valid YAML")
        return None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        check.error(2, f"YAML error: {' '.join(str(exc).split())}", "valid YAML")
        return None
    finally:
        loader.dispose()
    return data, lines


def _date(value: Any) -> tuple[date, str | None] | None:
    if isinstance(value, datetime):
        return value.date(), value.strftime("%H:%M")
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text), None
            moment = datetime.fromisoformat(text)
            return moment.date(), moment.strftime("%H:%M")
        except ValueError:
            return None
    return None


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def parse_entry(relpath: str, data: bytes) -> Parsed:
    """Validate one file's bytes; pure, so its result can be cached by content."""
    check = _Check(relpath)
    entry_id = relpath.rsplit("/", 1)[-1][: -len(".md")]
    if not data.strip():
        check.error(1, "file is empty", "frontmatter between `---` lines, then a Markdown body")
        return check.done()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        check.error(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", "UTF-8 text")
        return check.done()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    split = _split(text, check)
    if split is None:
        return check.done()
    source, body, body_line = split
    loaded = _yaml(source, check)
    if loaded is None:
        return check.done()
    meta, lines = loaded

    def line(key: str) -> int:
        return lines.get(key, 1)

    for key in REQUIRED:
        if key not in meta or meta[key] is None or meta[key] == "":
            hint = {
                "date": "date: YYYY-MM-DD",
                "kind": "kind: win or kind: setback",
                "domain": "domain: e.g. public-speaking",
            }[key]
            check.error(line(key), f"missing required key `{key}`", hint)

    when = None
    if meta.get("date") not in (None, ""):
        when = _date(meta["date"])
        if when is None:
            check.error(
                line("date"), f"date is {meta['date']!r}", "YYYY-MM-DD or an ISO 8601 date-time"
            )
        elif not FIRST_YEAR <= when[0].year <= LAST_YEAR:
            check.error(
                line("date"),
                f"date is {meta['date']!r}, year {when[0].year} is out of range",
                f"a date in the years {FIRST_YEAR} to {LAST_YEAR}",
            )
            when = None

    kind = meta.get("kind")
    if kind not in (None, ""):
        kind = str(kind).strip().lower()
        if kind not in KINDS:
            hint = suggest(kind, KINDS)
            check.error(
                line("kind"),
                f"kind is {meta['kind']!r}" + (f"; {hint}" if hint else ""),
                "win or setback",
            )

    domain_label = _scalar_text(meta.get("domain")) if meta.get("domain") not in (None, "") else ""
    if meta.get("domain") not in (None, "") and (not domain_label or not slugify(domain_label)):
        check.error(
            line("domain"),
            f"domain is {meta['domain']!r}",
            "a name such as public-speaking or Public speaking",
        )

    def text_field(key: str) -> str | None:
        if meta.get(key) is None:
            return None
        value = _scalar_text(meta[key])
        if value is None:
            check.error(line(key), f"{key} is a {type(meta[key]).__name__}", "one line of text")
        return value or None

    title = text_field("title")
    lesson = text_field("lesson")
    next_try = text_field("next")
    follows = text_field("follows")

    tags: tuple[str, ...] = ()
    raw_tags = meta.get("tags")
    if isinstance(raw_tags, str):
        tags = tuple(t.strip() for t in raw_tags.split(",") if t.strip())
    elif isinstance(raw_tags, list):
        if all(_scalar_text(t) is not None for t in raw_tags):
            tags = tuple(_scalar_text(t) for t in raw_tags if _scalar_text(t))  # type: ignore[misc]
        else:
            check.error(
                line("tags"),
                "tags holds a list or mapping inside the list",
                "a list of words, or a comma-separated string",
            )
    elif raw_tags is not None:
        check.error(
            line("tags"), f"tags is a {_kind_name(raw_tags)}", "a list, or a comma-separated string"
        )
    for tag in tags:
        if not slugify(tag):
            check.error(
                line("tags"),
                f"tag {tag!r} has no letter or digit to name its page",
                "tags made of words",
            )
    tags = tuple(dict.fromkeys(tags))

    def score(key: str) -> int | None:
        value = meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            check.error(line(key), f"{key} is {value!r}, not an integer", "an integer from 1 to 10")
            return None
        if not 1 <= value <= 10:
            check.error(line(key), f"{key} is {value}, out of range", "an integer from 1 to 10")
            return None
        return value

    difficulty = score("difficulty")
    confidence = score("confidence")

    def choice(key: str, allowed: tuple[str, ...]) -> str | None:
        value = meta.get(key)
        if value is None:
            return None
        text = str(value).strip().lower()
        if text not in allowed:
            hint = suggest(text, allowed)
            check.error(
                line(key),
                f"{key} is {value!r}" + (f"; {hint}" if hint else ""),
                " or ".join(allowed),
            )
            return None
        return text

    source = choice("source", SOURCES) or "mastery"
    attribution = choice("attribution", ATTRIBUTIONS)

    def flag(key: str) -> bool:
        value = meta.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            check.error(line(key), f"{key} is {value!r}", "true or false")
            return False
        return value

    draft, private = flag("draft"), flag("private")
    planned, resolved = _plan_fields(meta, kind, when, line, check)

    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    for key in extra:
        hint = suggest(str(key), KNOWN_KEYS)
        check.warn(
            line(str(key)),
            f"unknown key `{key}` is kept for templates" + (f"; {hint}" if hint else ""),
        )
    rendered = markdown.render(body, relpath, body_line) if when is not None else None
    if kind == "setback" and rendered is not None:
        # asked once, in the body: an answer there counts as the lesson (and the next try)
        lesson = lesson or rendered.answers.get("what did i learn?") or None
        next_try = next_try or rendered.answers.get("what will i try differently?") or None
    if kind == "setback" and not lesson:
        check.warn(
            line("kind"),
            "setback has no lesson: what did it teach? (answer under “What did I learn?”, "
            "or give `lesson:`)",
        )
    if kind in ("win", "plan"):
        for key in ("attribution", "lesson", "next"):
            if key in meta:
                check.warn(line(key), f"`{key}` is meant for setbacks; shown anyway")

    if any(p.severity == "error" for p in check.problems) or when is None:
        return check.done(follows=(follows, line("follows")) if follows else None)
    assert rendered is not None
    entry = Entry(
        id=entry_id,
        path=relpath,
        date=when[0],
        time=when[1],
        kind=kind,  # type: ignore[arg-type]
        domain=slugify(domain_label),  # type: ignore[arg-type]
        domain_label=domain_label,  # type: ignore[arg-type]
        title=title or rendered.heading or title_from_id(entry_id),
        tags=tags,
        difficulty=difficulty,
        confidence=confidence,
        source=source,
        attribution=attribution,
        lesson=lesson,
        next=next_try,
        follows=follows,
        draft=draft,
        private=private,
        planned=planned[0] if planned else None,
        planned_time=planned[1] if planned else None,
        resolved=resolved[0] if resolved else None,
        extra=extra,
        lines=lines,
    )
    words = " ".join(sorted(set(WORD.findall(rendered.text.lower()))))
    body_ = Body(
        rendered.html, rendered.text, words, attachments=rendered.attachments, links=rendered.links
    )
    return check.done(entry, body_)


def _moment(
    meta: Mapping, key: str, line: Callable[[str], int], check: _Check
) -> tuple[date, str | None] | None:
    """A `planned:` or `resolved:` date(-time), checked like `date:`."""
    if meta.get(key) in (None, ""):
        return None
    when = _date(meta[key])
    if when is None:
        check.error(line(key), f"{key} is {meta[key]!r}", "YYYY-MM-DD or an ISO 8601 date-time")
    elif not FIRST_YEAR <= when[0].year <= LAST_YEAR:
        check.error(
            line(key),
            f"{key} is {meta[key]!r}, year {when[0].year} is out of range",
            f"a date in the years {FIRST_YEAR} to {LAST_YEAR}",
        )
        when = None
    return when


def _later(a: tuple[date, str | None], b: tuple[date, str | None]) -> bool:
    """`a` after `b`: by date and time when both have a time, else by date."""
    if a[1] is None or b[1] is None:
        return a[0] > b[0]
    return (a[0], a[1]) > (b[0], b[1])


def _plan_fields(
    meta: Mapping,
    kind: Any,
    when: tuple[date, str | None] | None,
    line: Callable[[str], int],
    check: _Check,
) -> tuple[tuple[date, str | None] | None, tuple[date, str | None] | None]:
    """`planned` (when the plan was written) and `resolved` (when its outcome was): a plan
    needs the first and a confidence, cannot have the second, and nothing is resolved
    before it was planned."""
    planned = _moment(meta, "planned", line, check)
    resolved = _moment(meta, "resolved", line, check)
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
    return planned, resolved


def _kind_name(value: Any) -> str:
    return {dict: "mapping", list: "list", bool: "boolean"}.get(type(value), type(value).__name__)


def cross_check(
    entries: Iterable[Entry],
    unparsed_ids: Collection[str] = (),
    failed_follows: Iterable[tuple[str, str, int]] = (),
) -> list[Problem]:
    """Problems between files: duplicate ids, `follows` links that point nowhere useful or
    go round in a cycle, names that would share one page, and near-duplicate domains.

    A link to a file that failed to parse is not reported again: that file's own errors
    already are. `failed_follows` (path, id, line) are the links of files with errors,
    checked for an id that exists, so one run reports every kind of mistake.
    """
    problems: list[Problem] = []
    by_id: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda e: e.path):
        if entry.id in by_id:
            problems.append(
                Problem(
                    entry.path,
                    1,
                    f"id `{entry.id}` is also the id of {by_id[entry.id].path}",
                    "a unique file name, since the id is the file name without .md",
                )
            )
        else:
            by_id[entry.id] = entry
    known = [*by_id, *sorted(set(unparsed_ids) - set(by_id))]
    for path, target_id, line in failed_follows:
        if target_id not in by_id and target_id not in unparsed_ids:
            problems.append(_no_such_id(path, line, target_id, known))
    for entry in by_id.values():
        if entry.follows is None:
            continue
        line = entry.lines.get("follows", 1)
        target = by_id.get(entry.follows)
        if target is None and entry.follows in unparsed_ids:
            continue
        expected = "the id of an earlier (or same-day) setback"
        if target is None:
            problems.append(_no_such_id(entry.path, line, entry.follows, known))
        elif target.id == entry.id:
            problems.append(Problem(entry.path, line, "follows itself", expected))
        elif target.kind != "setback":
            problems.append(
                Problem(
                    entry.path,
                    line,
                    f"follows `{entry.follows}`, which is a {target.kind}",
                    "the id of an earlier setback",
                )
            )
        elif target.date > entry.date:
            problems.append(
                Problem(
                    entry.path,
                    line,
                    f"follows `{entry.follows}`, dated {target.date}, after this one",
                    expected,
                )
            )
    problems += _follows_cycles(by_id)
    problems += _same_page_names(by_id.values())
    problems += _near_domains(by_id.values())
    return problems


def _no_such_id(path: str, line: int, target: str, known: list[str]) -> Problem:
    hint = suggest(target, known)
    return Problem(
        path,
        line,
        f"follows `{target}`, which is no entry's id" + (f"; {hint}" if hint else ""),
        "the id of an earlier setback",
    )


def _follows_cycles(by_id: Mapping[str, Entry]) -> list[Problem]:
    """Same-day setbacks can follow each other round in a circle; say so at each one.
    Each entry is walked once (linear in the journal, however long its chains)."""
    problems = []
    state: dict[str, int] = {}  # 1: on the chain being walked, 2: done
    for start in by_id:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in by_id and node not in state:
            state[node] = 1
            chain.append(node)
            node = by_id[node].follows
        if node is not None and state.get(node) == 1 and by_id[node].follows != node:
            for member in chain[chain.index(node) :]:
                entry = by_id[member]
                problems.append(
                    Problem(
                        entry.path,
                        entry.lines.get("follows", 1),
                        f"follows `{entry.follows}`, which leads back to this entry: a cycle",
                        "a chain of setbacks that ends",
                    )
                )
        for member in chain:
            state[member] = 2
    return problems


def _spelling(name: str) -> str:
    """A name as the same name is written differently: case, accents, spaces and dashes."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def _same_page_names(entries: Iterable[Entry]) -> list[Problem]:
    """Two different names with one slug (`C++` and `C#`) would share a page: reported,
    never merged. Spellings of one name (`Public speaking`, `public-speaking`) are fine."""
    problems = []
    first: dict[tuple[str, str], tuple[str, str, str]] = {}  # (what, slug) -> first seen
    spellings: dict[str, str] = {}  # a journal has few distinct names: each spelt once
    for entry in sorted(entries, key=lambda e: e.path):
        names = [("domain", entry.domain_label)] + [("tag", t) for t in entry.tags]
        for what, name in names:
            spelling = spellings.get(name)
            if spelling is None:
                spelling = spellings[name] = _spelling(name)
            slug = slugify(name)
            seen = first.get((what, slug))
            if seen is None:
                first[(what, slug)] = (spelling, name, entry.path)
            elif seen[0] != spelling:
                key = "domain" if what == "domain" else "tags"
                problems.append(
                    Problem(
                        entry.path,
                        entry.lines.get(key, 1),
                        f"{what} {name!r} and {seen[1]!r} in {seen[2]} both make the page "
                        f"name `{slug}`",
                        f"{what} names that differ in letters or digits, or the same name",
                    )
                )
    return problems


def _near_domains(entries: Iterable[Entry]) -> list[Problem]:
    """A domain one or two letters from a bigger one is most likely a typo of it."""
    counts: dict[str, int] = {}
    where: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda e: e.path):
        counts[entry.domain] = counts.get(entry.domain, 0) + 1
        where.setdefault(entry.domain, entry)
    problems = []
    for small, few in counts.items():
        near = [
            (many, big) for big, many in counts.items() if many > few and close_domains(small, big)
        ]
        if near:
            many, big = max(near)
            entry = where[small]
            problems.append(
                Problem(
                    entry.path,
                    entry.lines.get("domain", 1),
                    f"domain `{small}` ({few} {'entry' if few == 1 else 'entries'}) is close to "
                    f"`{big}` ({many} entries): a typo?",
                    None,
                    "warning",
                )
            )
    return problems


def close_domains(a: str, b: str) -> bool:
    """Two domain slugs one letter apart (two for long names): most likely one is a typo."""
    return min(len(a), len(b)) >= 5 and _edits(a, b) <= (2 if min(len(a), len(b)) >= 9 else 1)


def _edits(a: str, b: str, most: int = 2) -> int:
    """Levenshtein distance, cut short above `most`."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > most:
            return most + 1
    return row[-1]
