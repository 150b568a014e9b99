"""Finding entries: `journal list`, and the entry `edit` and `done` name (by id, path,
`last` or title words), on a journal with broken files too: those are listed apart, each
with the command that opens it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from journal.errors import JournalError, Problem, ProblemsError
from journal.load.entry import Entry, cross_check, parse_entry
from journal.load.journal import Journal, load_journal
from journal.text import slugify


def load_what_parses(root: Path) -> tuple[Journal, list[Problem]]:
    """Every entry that parses, and the first error of each file that does not: the tools
    that find and list entries (`edit`, `list`, `domains`, `new --follows`) keep working on
    a journal with a broken file, and say which one."""
    try:
        return load_journal(root), []
    except ProblemsError:
        pass
    from journal.config import load_config
    from journal.load.files import read_sources

    config, _ = load_config(root)
    sources = read_sources(root)
    entries: list[Entry] = []
    bodies = {}
    broken: dict[str, Problem] = {}
    for relpath, data in sources.entries:
        parsed = parse_entry(relpath, data)
        errors = [p for p in parsed.problems if p.severity == "error"]
        if errors or parsed.entry is None or parsed.body is None:
            broken[relpath] = errors[0] if errors else Problem(relpath, 1, "cannot be read", None)
        else:
            entries.append(parsed.entry)
            bodies[parsed.entry.id] = parsed.body
    for problem in sources.problems:
        if problem.severity == "error" and problem.path.endswith(".md"):
            broken.setdefault(problem.path, problem)
    warnings = tuple(p for p in cross_check(entries) if p.severity == "warning")
    entries.sort(key=lambda e: e.sort_key)
    journal = Journal(root, config, tuple(entries), bodies, warnings)
    return journal, sorted(broken.values())


def broken_lines(broken: list[Problem]) -> list[str]:
    """One line each: the file's first error and the command that opens it."""
    return [f"{p} [has errors: `journal edit {Path(p.path).stem}` opens it]" for p in broken]


def every_entry(root: Path) -> Journal:
    return load_journal(root)


def list_lines(
    journal: Journal,
    *,
    domain: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[str]:
    """Newest first, one line each: date, kind, domain, title, id."""
    names = domain_names(journal)
    wanted = slugify(domain) if domain else None
    found = [
        e
        for e in reversed(journal.entries)
        if (wanted is None or e.domain == wanted)
        and (kind is None or e.kind == kind)
        and (since is None or e.date >= since)
    ]
    if limit is not None:
        found = found[:limit]
    return [entry_line(e, names) for e in found]


def entry_line(e: Entry, names: dict[str, str]) -> str:
    marks = "".join(f" [{m}]" for m in ("draft", "private") if getattr(e, m))
    return f"{e.date.isoformat()}  {e.kind:<7}  {names[e.domain]}  {e.title}{marks}  {e.id}"


def find_file(root: Path, what: str) -> Path:
    """The file `edit` opens: an entry found by path, by id or by `last` among every entry
    file, broken or not (a broken one's date is its file name's YYYY-MM-DD), else by
    title words among those that parse."""
    journal, broken = load_what_parses(root)
    top = (root / "entries").resolve()
    for path in (Path(what), root / what, root / "entries" / what):
        if path.suffix == ".md" and path.is_file():
            if not path.resolve().is_relative_to(top):
                raise JournalError(
                    f"{what} is not an entry of this journal (expected a file under {top})"
                )
            return path
    by_id = {Path(p.path).stem: root / p.path for p in broken}
    if what in by_id:
        return by_id[what]
    if what == "last" and broken:
        newest = max(broken, key=lambda p: (_name_date(p.path), p.path))
        if not journal.entries or _name_date(newest.path) >= journal.entries[-1].date:
            return root / newest.path
    return root / find_entry(journal, what).path


def _name_date(path: str) -> date:
    try:
        return date.fromisoformat(Path(path).name[:10])
    except ValueError:
        return date.min


def find_entry(journal: Journal, what: str) -> Entry:
    """By id, `last` (the newest), or words that all appear in the title or id."""
    entries = journal.entries
    if not entries:
        raise JournalError("the journal has no entries yet; write one with `journal new`")
    by_id = {e.id: e for e in entries}
    if what in by_id:
        return by_id[what]
    if what == "last":
        return entries[-1]
    words = what.lower().split()
    found = [e for e in entries if all(w in f"{e.title} {e.id}".lower() for w in words)]
    if len(found) == 1:
        return found[0]
    names = domain_names(journal)
    if not found:
        raise JournalError(
            f"no entry's id or title holds {what!r} (expected an id, `last`, or title words)"
        )
    lines = "\n".join(entry_line(e, names) for e in reversed(found))
    raise JournalError(f"{len(found)} entries match {what!r}; give one of these ids:\n{lines}")


def domain_names(journal: Journal) -> dict[str, str]:
    from journal.analyse.analytics import domain_name

    by_slug: dict[str, list[Entry]] = {}
    for e in journal.entries:
        by_slug.setdefault(e.domain, []).append(e)
    return {slug: domain_name(journal.config, slug, items) for slug, items in by_slug.items()}


def list_entries(
    root: Path,
    *,
    domain: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> tuple[list[str], list[str]]:
    """`journal list`: (a line per entry that parses, newest first; a line per broken file)."""
    journal, broken = load_what_parses(root)
    lines = list_lines(journal, domain=domain, kind=kind, since=since, limit=limit)
    return lines, broken_lines(broken)
