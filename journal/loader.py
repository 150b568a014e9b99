"""Load a whole journal: config plus every entry, validated together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cache import EntryCache
from .config import Config, load_config
from .entries import Entry, cross_check, digest, entry_files, parse_entry
from .errors import Problem, ProblemsError


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


def read_all(root: Path, cache: EntryCache | None = None) -> tuple[list[Entry], list[Problem]]:
    """Parse every entry file, reusing cached results for unchanged bytes."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for file in entry_files(root):
        relpath = file.relative_to(root).as_posix()
        try:
            data = file.read_bytes()
        except OSError as exc:
            problems.append(
                Problem(relpath, 1, f"cannot be read: {exc.strerror}", "a readable file")
            )
            continue
        key = digest(data)
        seen.add((relpath, key))
        parsed = cache.get(relpath, key) if cache else None
        if parsed is None:
            parsed = parse_entry(relpath, data)
            if cache:
                cache.put(relpath, key, parsed)
        problems.extend(parsed.problems)
        if parsed.entry is not None:
            entries.append(parsed.entry)
    if cache:
        cache.keep_only(seen)
    return entries, problems


def load_journal(root: Path, cache: EntryCache | None = None) -> Journal:
    """Raise ProblemsError listing every error; return the journal with its warnings otherwise."""
    config, problems = load_config(root)
    if not (root / "entries").is_dir():
        problems.append(Problem("entries", 1, "no entries/ folder", "a folder of *.md entries"))
        raise ProblemsError(problems)
    entries, entry_problems = read_all(root, cache)
    problems += entry_problems
    problems += cross_check(entries)
    if any(p.severity == "error" for p in problems):
        raise ProblemsError(problems)
    entries.sort(key=lambda e: e.sort_key)
    return Journal(root, config, tuple(entries), tuple(sorted(problems)))
