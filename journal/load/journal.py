"""Load a whole journal: config plus every entry, validated together."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from journal.cache import EntryCache
from journal.config import Config, load_config
from journal.errors import Problem, ProblemsError
from journal.load.entry import Entry, Parsed, cross_check, digest, entry_paths, parse_entry


@dataclass(frozen=True)
class Journal:
    """Every valid entry in time order, with the config and the warnings found."""

    root: Path
    config: Config
    entries: tuple[Entry, ...]
    warnings: tuple[Problem, ...]

    def select(self, *, drafts: bool = False, private: bool = True) -> Journal:
        """The entries one kind of build shows: drafts and private ones are opt in/out."""
        kept = tuple(
            e for e in self.entries if (drafts or not e.draft) and (private or not e.private)
        )
        return Journal(self.root, self.config, kept, self.warnings)


def find_root(start: Path) -> Path | None:
    """The nearest folder, walking up, that holds journal.toml or entries/."""
    for folder in (start, *start.parents):
        if (folder / "journal.toml").is_file() or (folder / "entries").is_dir():
            return folder
    return None


PARALLEL_MIN = 400  # below this many files to parse, starting workers costs more than it saves


def _parse_batch(batch: list[tuple[str, bytes]]) -> list[Parsed]:
    return [parse_entry(relpath, data) for relpath, data in batch]


def fork_is_safe() -> bool:
    """Forked workers are cheap and inherit everything, but forking while other threads
    run (the preview's server and watcher) can deadlock the child."""
    return os.name == "posix" and threading.active_count() == 1


def parse_many(todo: list[tuple[str, bytes]], workers: int | None = None) -> list[Parsed]:
    """Parse files, spread over all cores when there are enough of them to be worth it."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(todo) < PARALLEL_MIN or not fork_is_safe():
        return _parse_batch(todo)
    method = "fork"
    size = max(50, len(todo) // (workers * 4))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        return [parsed for chunk in pool.map(_parse_batch, batches) for parsed in chunk]


def read_all(root: Path, cache: EntryCache | None = None) -> tuple[list[Entry], list[Problem]]:
    """Parse every entry file, reusing cached results for unchanged bytes."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    results: dict[str, Parsed] = {}
    todo: list[tuple[str, bytes]] = []
    order: list[str] = []
    changed = cache.changed if cache else None
    preread = cache.preread if cache else {}
    # the stamp listed and read every file just now (in order); else list them here
    listed = [(None, rel) for rel in preread] if preread else entry_paths(root)
    for file, relpath in listed:
        known = cache.known.get(relpath) if cache and changed is not None else None
        parsed = None
        if known is not None and relpath not in changed:  # type: ignore[operator]
            key = known  # unchanged since the last read, as the watcher reports
            parsed = cache.get(relpath, key)  # type: ignore[union-attr]
        if parsed is None:
            try:
                data = preread.pop(relpath, None)
                if data is None:
                    with open(file or os.path.join(root, relpath), "rb") as fh:
                        data = fh.read()
            except OSError as exc:
                problems.append(
                    Problem(relpath, 1, f"cannot be read: {exc.strerror}", "a readable file")
                )
                continue
            key = digest(data)
            parsed = cache.get(relpath, key) if cache else None
        seen.add((relpath, key))
        order.append(relpath)
        if parsed is None:
            todo.append((relpath, data))
        else:
            results[relpath] = parsed
    for (relpath, data), parsed in zip(todo, parse_many(todo), strict=True):
        results[relpath] = parsed
        if cache:
            cache.put(relpath, parsed.entry.digest if parsed.entry else digest(data), parsed)
    if cache:
        cache.keep_only(seen)
        cache.known = dict(seen)
        cache.changed = None
        cache.preread = {}
    entries: list[Entry] = []
    for relpath in order:
        parsed = results[relpath]
        problems.extend(parsed.problems)
        if parsed.entry is not None:
            entries.append(parsed.entry)
    return entries, problems


def load_journal(root: Path, cache: EntryCache | None = None) -> Journal:
    """Raise ProblemsError listing every error; return the journal with its warnings otherwise."""
    config, problems = load_config(root)
    if not (root / "entries").is_dir():
        problems.append(Problem("entries", 1, "no entries/ folder", "a folder of *.md entries"))
        raise ProblemsError(problems)
    entries, entry_problems = read_all(root, cache)
    problems += entry_problems
    failed = {p.path for p in entry_problems if p.severity == "error"}
    problems += cross_check(entries, unparsed_ids={f.rsplit("/", 1)[-1][:-3] for f in failed})
    if any(p.severity == "error" for p in problems):
        raise ProblemsError(problems)
    entries.sort(key=lambda e: e.sort_key)
    return Journal(root, config, tuple(entries), tuple(sorted(problems)))
