"""Load a whole journal: config plus every entry, validated together."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from journal.config import Config, load_config
from journal.errors import Problem, ProblemsError
from journal.load.entry import Body, Entry, Parsed, cross_check, parse_entry
from journal.load.files import Sources, find_root, read_sources  # noqa: F401 - find_root: here too
from journal.load.links import resolve_links
from journal.load.markdown import is_page_link
from journal.workers import map_forked, pool_size


@dataclass(frozen=True)
class Journal:
    """Every valid entry in time order, their bodies by id, the config and the warnings."""

    root: Path
    config: Config
    entries: tuple[Entry, ...]
    bodies: dict[str, Body]
    warnings: tuple[Problem, ...]
    # entry id -> the files its body shows or links to, by path from the root (checked)
    attachments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # entry id -> (target id or None, fragment) for each link of its body (load/links.py)
    links: Mapping[str, tuple[tuple[str | None, str], ...]] = field(default_factory=dict)

    def select(self, *, drafts: bool = False, private: bool = True) -> Journal:
        """The entries one kind of build shows: drafts and private ones are opt in/out (and
        with them their attachments: a private entry's files are never published). Links
        keep their targets: a page shows a link to an entry left out without its address."""
        kept = tuple(
            e for e in self.entries if (drafts or not e.draft) and (private or not e.private)
        )
        bodies = {e.id: self.bodies[e.id] for e in kept}
        files = {e.id: self.attachments[e.id] for e in kept if e.id in self.attachments}
        links = {e.id: self.links[e.id] for e in kept if e.id in self.links}
        return Journal(self.root, self.config, kept, bodies, self.warnings, files, links)


PARALLEL_MIN = 400  # below this many files to parse, starting workers costs more than it saves


def _parse_batch(batch: list[tuple[str, bytes]]) -> list[Parsed]:
    return [parse_entry(relpath, data) for relpath, data in batch]


def parse_many(todo: list[tuple[str, bytes]], workers: int | None = None) -> list[Parsed]:
    """Parse files, spread over all cores when there are enough of them to be worth it."""
    workers = pool_size(len(todo), PARALLEL_MIN, workers)
    if workers == 1:
        return _parse_batch(todo)
    size = max(50, len(todo) // (workers * 4))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    return [parsed for chunk in map_forked(_parse_batch, batches, workers) for parsed in chunk]


def load_journal(
    root: Path,
    memo=None,  # noqa: ANN001
    sources: Sources | None = None,
    parses: dict[str, Parsed] | None = None,
) -> Journal:
    """Raise ProblemsError listing every error; return the journal with its warnings otherwise.

    `memo` (journal.memo.Memo) remembers each file's parse by its path and bytes;
    `parses`, when given, receives each entry file's parse (the preview compares the next one)."""
    config, problems = load_config(root)
    sources = sources or read_sources(root)
    problems += sources.problems
    results: dict[str, Parsed] = {}
    todo: list[tuple[str, bytes]] = []
    for relpath, data in sources.entries:
        found = memo.known_parse(relpath, data) if memo is not None else None
        if found is None:
            todo.append((relpath, data))
        else:
            results[relpath] = found
    for (relpath, data), parsed in zip(todo, parse_many(todo), strict=True):
        results[relpath] = parsed
        if memo is not None:
            memo.add_parse(relpath, data, parsed)
    if parses is not None:
        parses.update(results)
    entries: list[Entry] = []
    bodies: dict[str, Body] = {}
    entry_problems: list[Problem] = []
    failed_follows: list[tuple[str, str, int]] = []
    for relpath, _ in sources.entries:
        parsed = results[relpath]
        entry_problems.extend(parsed.problems)
        if parsed.follows is not None:
            failed_follows.append((relpath, *parsed.follows))
        if parsed.entry is not None and parsed.body is not None:
            entries.append(parsed.entry)
            bodies[parsed.entry.id] = parsed.body
    problems += entry_problems
    failed = {p.path for p in entry_problems if p.severity == "error"}
    unparsed = {f.rsplit("/", 1)[-1][:-3] for f in failed}
    problems += cross_check(entries, unparsed, failed_follows)
    files, found = check_attachments(
        root,
        ((e.path, e.id, bodies[e.id]) for e in entries),
        [relpath for relpath, _ in sources.entries],
    )
    problems += found
    links, found = resolve_links(
        entries, {e.id: bodies[e.id].links for e in entries if bodies[e.id].links}, unparsed
    )
    problems += found
    if any(p.severity == "error" for p in problems):
        raise ProblemsError(problems)
    entries.sort(key=lambda e: e.sort_key)
    return Journal(root, config, tuple(entries), bodies, tuple(sorted(problems)), files, links)


MISSING = " is missing, so it is never copied"
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024  # a photo or a document; more is a mistake
ATTACHMENT_HINT = "a file next to the entry or in a folder beside it, inside entries/"


def check_attachments(
    root: Path, bodies: Iterable[tuple[str, str, object]], entry_paths: Iterable[str] = ()
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Every referenced file must be a regular file inside entries/ (links followed), at
    most 64 MB: (entry id -> its files, problems as path:line). Checked on every build:
    the parse is remembered by the entry's bytes, a file beside it can change."""
    top = os.path.realpath(root / "entries")
    files: dict[str, tuple[str, ...]] = {}
    problems: list[Problem] = []
    seen: dict[str, str | None] = {}  # target -> what is wrong with it, or None
    outside: set[str] = set()  # outside entries/: said once per target, kept as written
    bodies = list(bodies)
    paths = [*entry_paths, *(path for path, _, _ in bodies)]
    inodes: list[set[tuple[int, int]]] = []  # (device, inode) of every entry file, once asked

    def is_entry_file(st: os.stat_result) -> bool:
        """Only for a file with more than one name: one stat an entry, once a build."""
        if not inodes:
            inodes.append(_inodes(root, paths))
        return (st.st_dev, st.st_ino) in inodes[0]

    for relpath, entry_id, body in bodies:
        refs = getattr(body, "attachments", ())
        ok: list[str] = []
        for target, line in refs:
            if target not in seen:
                seen[target] = _attachment_problem(root, top, target, is_entry_file)
            wrong = seen[target]
            if wrong is None:
                if target not in ok:
                    ok.append(target)
            elif not target.startswith("entries/") or wrong.endswith(MISSING):
                # written for another tool, or a file not there (yet): kept as written,
                # never copied; said once per target, and the build goes on
                if target not in outside:
                    outside.add(target)
                    problems.append(Problem(relpath, line, wrong, None, "warning"))
            else:
                problems.append(Problem(relpath, line, wrong, ATTACHMENT_HINT))
        if ok:
            files[entry_id] = tuple(ok)
    return files, problems


# An editor's backup or swap copy of an entry (`a.md~`, `a.md.bak`, `#a.md#`): never copied,
# so a private entry cannot leave as its own backup.
_ENTRY_COPY = re.compile(r"\.md(?:~|\.bak|\.orig|\.old|\.swp|\.swo|\.tmp|#)$", re.IGNORECASE)


def _inodes(root: Path, relpaths: Iterable[str]) -> set[tuple[int, int]]:
    found = set()
    for relpath in relpaths:
        try:
            st = os.stat(root / relpath)
        except (OSError, ValueError):
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _attachment_problem(
    root: Path, top: str, target: str, is_entry_file: Callable[[os.stat_result], bool]
) -> str | None:
    if not target.startswith("entries/"):
        return f"link to `{target}` leads outside entries/: kept as written, never copied"
    real = os.path.realpath(root / target)
    if os.path.commonpath([top, real]) != top:
        return f"`{target}` leads outside entries/ through a link (refused)"
    if is_page_link(real):
        return f"`{target}` leads to an entry's Markdown file through a link (refused)"
    if _ENTRY_COPY.search(real):
        return f"`{target}` is a copy of an entry's Markdown file (refused)"
    try:
        st = os.stat(real)
    except OSError:
        return f"`{target}`{MISSING}"
    if st.st_nlink > 1 and is_entry_file(st):
        return f"`{target}` is an entry's Markdown file under another name (a hard link; refused)"
    if not stat.S_ISREG(st.st_mode):
        return f"`{target}` is not a regular file"
    if st.st_size > MAX_ATTACHMENT_BYTES:
        return f"`{target}` is {st.st_size:,} bytes, over the limit of {MAX_ATTACHMENT_BYTES:,}"
    return None
