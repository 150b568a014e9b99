"""`journal plan` and `journal done`: confidence on record before the attempt, and its outcome.

`plan` writes an entry of kind `plan` stamped `planned:` with when it was written (the same
writer and editor loop as `journal new`). `done` resolves it: only the `kind:` line changes
and a `resolved:` line is added after it, every other byte as it was, the file replaced in
one step (journal/atomic.py: a symlink is written through, never replaced); then the
reflection prompts of a win or a setback are added at the end and the editor opens, unless
`--no-edit`.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime
from pathlib import Path

from journal.errors import JournalError, report
from journal.load.entry import Entry
from journal.load.markdown import PROMPTS

OUTCOMES = ("win", "setback")
_KIND_LINE = re.compile(rb"^(?P<head>kind\s*:[ \t]*)(?P<value>.*?)(?P<tail>[ \t]+#.*)?$")


def planned_now(now: datetime | None = None) -> str:
    """When a plan is written, to the minute, in local time: `2026-11-20T21:04`."""
    return (now or datetime.now()).isoformat(timespec="minutes")


def resolve_bytes(data: bytes, entry: Entry, outcome: str, today: date) -> bytes:
    """The file with `kind: plan` -> `kind: <outcome>` and `resolved: <today>` added after
    it; nothing else changes (a comment after the kind and the line ending are kept)."""
    if not entry.is_plan:
        raise JournalError(
            f"{entry.path}: `{entry.id}` is a {entry.kind}, not a plan; nothing was changed "
            "(expected the id of an entry with kind: plan)"
        )
    if outcome not in OUTCOMES:
        raise JournalError(f"the outcome is {outcome!r} (expected win or setback)")
    lines = data.splitlines(keepends=True)
    number = entry.lines.get("kind", 0)
    raw = lines[number - 1] if 0 < number <= len(lines) else b""
    body = raw.rstrip(b"\r\n")
    match = _KIND_LINE.match(body)
    if match is None or match.group("value").strip(b"'\"").strip().lower() != b"plan":
        raise JournalError(f"{entry.path}:{number}: cannot find the `kind: plan` line to rewrite")
    ending = raw[len(body) :] or b"\n"
    lines[number - 1] = (
        match.group("head") + outcome.encode() + (match.group("tail") or b"") + raw[len(body) :]
    )
    if not raw[len(body) :]:  # the kind line ended the file: give it an ending first
        lines[number - 1] += ending
    lines.insert(number, f"resolved: {today.isoformat()}".encode() + ending)
    return b"".join(lines)


def with_prompts(data: bytes, outcome: str) -> bytes:
    """The reflection prompts of a win or a setback added at the end of the file, those the
    body does not hold yet; unanswered ones never show anywhere."""
    text = data.decode("utf-8", "surrogateescape").lower()
    missing = [q for q in PROMPTS[outcome] if f"## {q.lower()}" not in text]
    if not missing:
        return data
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    start = b"" if data.endswith((b"\n", b"\r")) else newline
    added = newline.join(f"## {q}".encode() + newline for q in missing)
    return data + start + newline + added


def write_plan(
    root: Path,
    title: str,
    domain: str,
    when: date,
    tags: list[str],
    body: str | None,
    *,
    confidence: int,
    difficulty: int | None,
    private: bool,
    draft: bool,
    edit: bool,
) -> int:
    """`journal plan`: a new entry of kind plan, stamped with when it was written."""
    from journal.commands.scaffold import NewEntry
    from journal.commands.writing import write_new

    fields = {
        "planned": planned_now(),
        "difficulty": difficulty,
        "confidence": confidence,
        "private": private,
        "draft": draft,
    }
    return write_new(root, NewEntry("plan", title, domain, when, tags, fields, body), edit=edit)


def resolve_plan(root: Path, what: str, outcome: str, *, edit: bool) -> int:
    """`journal done`: the plan's two lines changed in one step, then (with `edit`) the
    prompts added and the editor opened; without, the entry checked as `check` would."""
    from journal.atomic import replace_atomically
    from journal.commands.finding import every_entry, find_entry
    from journal.commands.writing import check_entry, edit_until_valid, editor_command

    entry = find_entry(every_entry(root), what)
    today = date.today()
    path = root / entry.path
    data = resolve_bytes(path.read_bytes(), entry, outcome, today)
    if edit:
        editor_command()  # no editor: refused before anything changes
        data = with_prompts(data, outcome)
    replace_atomically(path, data)
    if entry.date > today:
        print(
            f"note: {entry.id} is dated {entry.date}, after today: it counts from that day "
            "(change `date:` to the day of the attempt if it was earlier)",
            file=sys.stderr,
        )
    if edit:
        return edit_until_valid(root, path)
    problems = check_entry(root, path)
    if problems:
        print(report(problems), file=sys.stderr)
    print(path)
    return 1 if any(p.severity == "error" for p in problems) else 0
