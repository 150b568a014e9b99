"""An entry file's frontmatter: the bytes decoded, the `---` fences split from the body, and
the YAML read safely within limits (each key's line kept, duplicate keys refused)."""

from __future__ import annotations

from typing import Any, NamedTuple

import yaml

from journal.load.model import Check

# Limits on one file's frontmatter, so no input costs more than a moment and a few MB:
MAX_FRONTMATTER_CHARS = 256 * 1024  # frontmatter is a few lines; a body can be long
MAX_DEPTH = 32  # lists and mappings inside each other
MAX_NODES = 100_000  # values, counting each alias as the whole value it repeats


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading (libyaml's C parser where present) that leaves dates as text.

    Dates are parsed by the entry checks instead, so `2026-13-01` is a reported
    problem rather than a crash, and a date-time keeps its own local date.
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class Frontmatter(NamedTuple):
    """One file read as far as its frontmatter: the mapping, each key's line, the body."""

    meta: dict
    lines: dict[str, int]
    body: str
    body_line: int  # the file's line the body starts on


def read(data: bytes, check: Check) -> Frontmatter | None:
    """A file's frontmatter and body, or None with the reason in `check`."""
    if not data.strip():
        check.error(1, "file is empty", "frontmatter between `---` lines, then a Markdown body")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        check.error(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", "UTF-8 text")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    split = _split(text, check)
    if split is None:
        return None
    source, body, body_line = split
    loaded = _yaml(source, check)
    if loaded is None:
        return None
    meta, lines = loaded
    return Frontmatter(meta, lines, body, body_line)


def _split(text: str, check: Check) -> tuple[str, str, int] | None:
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
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _count_events(source, fast)
        except yaml.YAMLError:
            pass  # libyaml's own limit, or a syntax error: the pure-Python pass says which
    try:
        return _count_events(source, yaml.SafeLoader)
    except yaml.YAMLError:
        return None  # a syntax error: the composer reports it with its line


def _count_events(source: str, loader: type) -> tuple[int, str, str] | None:
    """The event pass of `_over_limits`. libyaml's parser gives the same events as PyYAML's
    at a twentieth of the cost (0.02 ms where 0.3 ms, for half the entries of a journal:
    their frontmatter has more marks than `_plainly_within_limits` lets through), but its
    scanner reads ahead and stops at its own nesting limit (PyYAML 6.0.4) before a single
    deep event reaches this loop: where it raises, PyYAML's pure-Python parser, which keeps
    its own stack and yields one event at a time, runs instead, so the journal's limits
    answer first."""
    stack: list[list[Any]] = []  # [anchor, size] of each open list or mapping
    sizes: dict[str, int] = {}  # anchor -> the size of its finished value
    total = 0
    for event in yaml.parse(source, Loader=loader):
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


def _yaml(source: str, check: Check) -> tuple[dict, dict[str, int]] | None:
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
