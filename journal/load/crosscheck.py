"""Checks between files: duplicate ids, `follows` links that point nowhere useful or go
round in a cycle, names that would share one page, and domains that look like typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping

from journal.config import suggest
from journal.errors import Problem
from journal.load.model import Entry
from journal.text import slugify


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
