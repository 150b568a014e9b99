"""`journal new` and `journal init`: the only writers into a journal, never over a file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import frontmatter

from journal.atomic import WriteError, create_exclusively, reason
from journal.errors import JournalError, ProblemsError
from journal.load.entry import parse_entry
from journal.load.files import ENTRIES_DIR, entry_files
from journal.load.markdown import PROMPTS  # noqa: E402 - the prompts the parser knows
from journal.text import slugify


def create_exclusive(path: Path, text: str) -> None:
    """Create a file that must not exist yet (journal/atomic.py: O_EXCL makes the check and
    the write one step); its folders are made first."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise JournalError(f"{path.parent} is not a folder; nothing was written") from None
    except OSError as exc:
        raise WriteError(path, reason(exc), "nothing was written") from None
    try:
        create_exclusively(path, text.encode("utf-8"))
    except FileExistsError:
        if path.parent.is_dir():
            raise JournalError(f"{path} already exists; nothing was written") from None
        raise JournalError(f"{path.parent} is not a folder; nothing was written") from None


# Keys left empty for the user to fill in, with what they mean; an empty key is "not
# rated", never an error. The lesson is not among them: it is asked once, in the body,
# under "What did I learn?", where an answer counts (journal/load/rules/setback.py).
BLANKS = {
    "win": [
        ("difficulty", "1-10: how hard it was"),
        ("confidence", "1-10: before it, how sure you were that you could"),
    ],
    "setback": [
        ("difficulty", "1-10: how hard it was"),
        ("confidence", "1-10: before it, how sure you were that you could"),
        ("attribution", "effort, strategy, preparation, circumstances, luck or ability"),
    ],
    "plan": [
        ("difficulty", "1-10: how hard it will be"),
    ],
}
FIELDS = (
    "planned", "difficulty", "confidence", "source", "attribution", "lesson", "next", "follows",
)  # fmt: skip
FLAGS = ("private", "draft")


@dataclass(frozen=True)
class NewEntry:
    """What `new` and `plan` are told: the frontmatter keys given (`fields`: any of FIELDS
    and FLAGS; empty ones are left out) and the body (None: the reflection prompts)."""

    kind: str
    title: str
    domain: str
    when: date
    tags: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    body: str | None = None


def entry_text(new: NewEntry) -> str:
    """The keys given filled in, the others to rate left empty with a hint; the body given,
    else the reflection prompts as headings (unanswered ones never show)."""
    kind, body = new.kind, new.body
    fields = {k: v for k, v in new.fields.items() if v not in (None, False, "")}
    meta: dict = {
        "date": new.when.isoformat(),
        "kind": kind,
        "domain": new.domain,
        "title": new.title,
    }
    if new.tags:
        meta["tags"] = new.tags
    meta.update((k, fields[k]) for k in (*FIELDS, *FLAGS) if k in fields)
    if body is None:
        body = "\n\n".join(f"## {q}\n\n" for q in PROMPTS[kind]).rstrip() + "\n"
    elif not body.endswith("\n"):
        body += "\n"
    text = frontmatter.dumps(frontmatter.Post(body, **meta), sort_keys=False, allow_unicode=True)
    head, sep, rest = text.partition("\n---\n")
    width = max(len(k) for k, _ in BLANKS[kind]) + 2
    blanks = "".join(
        f"\n{key + ':':<{width}}# {hint}" for key, hint in BLANKS[kind] if key not in meta
    )
    return head + blanks + sep + rest + ("" if rest.endswith("\n") else "\n")


MAX_SLUG_CHARS = 80  # file names stay readable and far below the 255-byte limit of most systems
MAX_SLUG_BYTES = 180


def short_slug(title: str) -> str:
    """The title's slug, cut at a word boundary when long; a long title stays whole inside
    the entry, only its file name is shortened."""
    slug = slugify(title)
    if not slug:
        raise JournalError(
            f"the title {title!r} has no letter or digit to name the file after; "
            "nothing was written (expected a title made of words)"
        )
    while len(slug) > MAX_SLUG_CHARS or len(slug.encode()) > MAX_SLUG_BYTES:
        cut = slug[: min(len(slug) - 1, MAX_SLUG_CHARS)]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def planned_entry(root: Path, new: NewEntry) -> tuple[Path, str]:
    """(where a new entry goes, its text), checked first (a `follows` against the journal
    too): an error raises before anything is written. The caller writes it: at once, or
    through the editor, outside entries/ first (commands/writing.py)."""
    entry_id = f"{new.when.isoformat()}-{short_slug(new.title)}"
    rel = f"{ENTRIES_DIR}/{entry_id}.md"
    text = entry_text(new)
    parsed = parse_entry(rel, text.encode("utf-8"))  # what `check` would say of it
    errors = [p for p in parsed.problems if p.severity == "error"]
    if not errors and parsed.entry is not None and parsed.entry.follows:
        from journal.commands.writing import follows_problems

        errors = [p for p in follows_problems(root, rel, parsed.entry) if p.severity == "error"]
    if errors:
        raise ProblemsError(errors, "nothing was written")
    taken = {p.stem: p for p in entry_files(root)} if (root / ENTRIES_DIR).is_dir() else {}
    if entry_id in taken:
        raise JournalError(
            f"an entry with the id {entry_id} already exists ({taken[entry_id]}); "
            "nothing was written. Choose another title or --date."
        )
    return root / ENTRIES_DIR / f"{entry_id}.md", text


CONFIG_TEMPLATE = """title = "My evidence journal"
# author = "Your name"

[streaks]
period = "week"        # "week" or "day"
week_start = "monday"
# half_life = 5        # evidence-strength half-life in periods
# rest = ["2026-12-24..2026-12-26"]

# [domains.public-speaking]
# name = "Public speaking"
# description = "Talks, meetups and speaking up in meetings"
"""

GITIGNORE = "site/\npublic/\n.journal-cache/\n"

EXAMPLE = """---
date: {date}
kind: win
domain: journaling
title: Started an evidence journal
tags: [habits]
difficulty: 2
confidence: 8
---

## What specific actions led to this?

I ran `journal init` and wrote this first entry.

## What did it prove about what I can do?

That I can start small and keep a record.

## How will I use it next time?

Write the next win down the same day, while the details are fresh.
"""


def init_journal(folder: Path, today: date) -> list[Path]:
    """A new journal, or nothing: not inside another journal's entries/, and nothing is
    added to a folder that already holds a journal (journal.toml or entries/)."""
    from journal.load.files import find_root

    if folder.exists() and not folder.is_dir():
        raise JournalError(f"{folder} is a file, not a folder; nothing was written")
    where = folder.resolve()
    for parent in (where, *where.parents):
        if parent.name == ENTRIES_DIR and find_root(parent.parent) == parent.parent:
            raise JournalError(
                f"{folder} is inside the entries/ folder of the journal in {parent.parent}; "
                "nothing was written (expected a folder outside any journal's entries/)"
            )
    if any(os.path.lexists(folder / name) for name in ("journal.toml", ENTRIES_DIR)):
        return []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(folder, reason(exc), "nothing was written") from None
    created = []
    for rel, text in (
        ("journal.toml", CONFIG_TEMPLATE),
        (".gitignore", GITIGNORE),
        (
            f"{ENTRIES_DIR}/{today.isoformat()}-started-an-evidence-journal.md",
            EXAMPLE.format(date=today.isoformat()),
        ),
    ):
        path = folder / rel
        if (
            rel.startswith(ENTRIES_DIR)
            and (folder / ENTRIES_DIR).is_dir()
            and any(entry_files(folder))
        ):
            continue
        if path.exists():
            continue
        create_exclusive(path, text)
        created.append(path)
    return created


def start_journal(folder: Path, today: date) -> list[str]:
    """`journal init`: a line per file made and the next step, or that nothing changed."""
    created = init_journal(folder, today)  # JournalError: refused, nothing written
    if not created:
        return [f"{folder} already holds a journal; nothing was changed."]
    return [*(f"created {path}" for path in created), f"Next: cd {folder} && journal build"]
