"""The files a build reads: every entry under entries/, read once, safely."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import Problem
from journal.regular_files import TooLarge, read_regular

ENTRIES_DIR = "entries"
MAX_ENTRY_BYTES = 8 * 1024 * 1024  # an entry is a page of text; more is a mistake
# What must be a folder when it exists, and what it is for.
FOLDERS = {
    "static": "a folder of files copied to the site as they are",
    "templates": "a folder of Jinja templates",
}


@dataclass(frozen=True)
class Sources:
    """(relative path, bytes) of every readable entry, in path order, and what could not
    be read."""

    entries: list[tuple[str, bytes]]
    problems: list[Problem] = field(default_factory=list)


def entry_paths(root: Path, odd: list[Problem] | None = None) -> Iterator[tuple[str, str]]:
    """(path, path relative to the root with `/`) of every `*.md` under entries/, skipping
    names that start with `.` or `_`; strings, for speed. `odd` collects folders named
    `*.md`, links to folders and folders that cannot be listed."""
    top = str(root)

    def unlisted(exc: OSError) -> None:
        if odd is not None:
            rel = printable(os.path.relpath(exc.filename or top, top).replace(os.sep, "/"))
            odd.append(Problem(rel, 1, f"cannot be listed: {exc.strerror}", "a readable folder"))

    for dirpath, dirnames, filenames in os.walk(os.path.join(top, ENTRIES_DIR), onerror=unlisted):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        if odd is not None:
            for name in dirnames:
                link = os.path.islink(os.path.join(dirpath, name))
                if name.endswith(".md") or link:
                    what = "a link to a folder, not followed" if link else "a folder, not an entry"
                    odd.append(
                        Problem(printable(f"{rel_dir}/{name}"), 1, f"is {what}", None, "warning")
                    )
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith((".", "_")):
                yield os.path.join(dirpath, name), f"{rel_dir}/{name}"


def entry_files(root: Path) -> Iterator[Path]:
    for path, _ in entry_paths(root):
        yield Path(path)


def printable(name: str) -> str:
    """A file name as text that can be printed, even when its bytes are not UTF-8."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def layout_problems(root: Path) -> list[Problem]:
    """A file where the journal expects a folder is reported, not passed over."""
    problems = []
    for name, expected in FOLDERS.items():
        path = root / name
        if path.exists() and not path.is_dir():
            problems.append(Problem(name, 1, "is a file, not a folder", expected))
    cache = root / ".journal-cache"
    if cache.exists() and not cache.is_dir():
        problems.append(
            Problem(
                ".journal-cache",
                1,
                "is a file, not a folder: builds run without a cache",
                None,
                "warning",
            )
        )
    return problems


def read_sources(root: Path) -> Sources:
    problems = layout_problems(root)
    folder = root / ENTRIES_DIR
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            problems.append(Problem("entries", 1, "is not a folder", "a folder of *.md entries"))
        else:
            problems.append(Problem("entries", 1, "no entries/ folder", "a folder of *.md entries"))
        return Sources([], problems)
    entries: list[tuple[str, bytes]] = []
    for path, rel in entry_paths(root, problems):
        shown = printable(rel)
        if shown != rel:
            problems.append(
                Problem(shown, 1, "file name is not valid UTF-8", "a file name in UTF-8")
            )
            continue
        try:
            entries.append((rel, read_regular(path, MAX_ENTRY_BYTES)))
        except IsADirectoryError as exc:
            problems.append(Problem(rel, 1, f"is {exc}", "a regular Markdown file"))
        except TooLarge as exc:
            problems.append(Problem(rel, 1, f"is too large: {exc}", "an entry under 8 MB"))
        except OSError as exc:
            problems.append(Problem(rel, 1, f"cannot be read: {exc.strerror}", "a readable file"))
    return Sources(entries, problems)


def find_root(start: Path) -> Path | None:
    """The nearest folder, walking up, that holds journal.toml or entries/."""
    for folder in (start, *start.parents):
        if (folder / "journal.toml").is_file() or (folder / "entries").is_dir():
            return folder
    return None


def walk_order(rel: str) -> tuple[tuple[str, ...], str]:
    """Where `entry_paths` lists a path: folder by folder in name order, a folder's files
    before its subfolders."""
    *folders, name = rel.split("/")
    return tuple(folders), name


def updated_sources(root: Path, previous: Sources, edited: set[str]) -> Sources | None:
    """`previous` with the entry files `edited` (paths from the root) read again, as
    `read_sources` would list them now; None when any of them is not a plain case (a
    link to a folder on the way, a name `entry_paths` skips, a file that cannot be read):
    then the caller reads every file afresh."""
    if any(p.path in edited for p in previous.problems):
        return None  # a file that could not be read before: read_sources says what it is now
    files = dict(previous.entries)
    for rel in edited:
        parts = rel.split("/")
        if (
            len(parts) < 2
            or parts[0] != ENTRIES_DIR
            or not rel.endswith(".md")
            or any(p.startswith((".", "_")) or not p for p in parts[1:])
            or printable(rel) != rel
        ):
            return None
        for n in range(1, len(parts)):  # each folder on the way: a real one, or none
            folder = root.joinpath(*parts[:n])
            if os.path.islink(folder) and n > 1:
                return None
        path = root / rel
        if not os.path.lexists(path):
            files.pop(rel, None)
            continue
        try:
            files[rel] = read_regular(str(path), MAX_ENTRY_BYTES)
        except (OSError, TooLarge):
            return None
    return Sources(sorted(files.items(), key=lambda item: walk_order(item[0])), previous.problems)
