"""The files a build reads: every entry under entries/, read once, safely."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import Problem

ENTRIES_DIR = "entries"
MAX_ENTRY_BYTES = 8 * 1024 * 1024  # an entry is a page of text; more is a mistake


@dataclass(frozen=True)
class Sources:
    """(relative path, bytes) of every readable entry, in path order, and what could not
    be read."""

    entries: list[tuple[str, bytes]]
    problems: list[Problem] = field(default_factory=list)


def entry_paths(root: Path) -> Iterator[tuple[str, str]]:
    """(path, path relative to the root with `/`) of every `*.md` under entries/, skipping
    names that start with `.` or `_`; strings, for speed."""
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(os.path.join(top, ENTRIES_DIR)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith((".", "_")):
                yield os.path.join(dirpath, name), f"{rel_dir}/{name}"


def entry_files(root: Path) -> Iterator[Path]:
    for path, _ in entry_paths(root):
        yield Path(path)


def read_regular(path: str, limit: int) -> bytes:
    """A regular file's bytes; FIFOs, devices and sockets are refused without blocking."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise IsADirectoryError(kind)
        if st.st_size > limit:
            raise OverflowError(f"{st.st_size:,} bytes, over the limit of {limit:,}")
        data = os.read(fd, st.st_size + 1)  # one read for a file that is as its stat says
        if len(data) > st.st_size:  # growing while read: take it in parts, to the limit
            chunks = [data]
            left = limit + 1 - len(data)
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            data = b"".join(chunks)
        if len(data) > limit:
            raise OverflowError(f"over the limit of {limit:,} bytes")
        return data
    finally:
        os.close(fd)


def read_sources(root: Path) -> Sources:
    problems: list[Problem] = []
    if not (root / ENTRIES_DIR).is_dir():
        problems.append(Problem("entries", 1, "no entries/ folder", "a folder of *.md entries"))
        return Sources([], problems)
    entries: list[tuple[str, bytes]] = []
    for path, rel in entry_paths(root):
        try:
            entries.append((rel, read_regular(path, MAX_ENTRY_BYTES)))
        except IsADirectoryError as exc:
            problems.append(Problem(rel, 1, f"is {exc}", "a regular Markdown file"))
        except OverflowError as exc:
            problems.append(Problem(rel, 1, f"is too large: {exc}", "an entry under 8 MB"))
        except OSError as exc:
            problems.append(Problem(rel, 1, f"cannot be read: {exc.strerror}", "a readable file"))
    return Sources(entries, problems)
