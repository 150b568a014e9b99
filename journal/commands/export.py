"""`journal export`: the wins (and lessons) as a brag document, for a review or a CV."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from journal.analyse.analytics import domain_name, followers
from journal.atomic import WriteError, create_exclusively, replace_or_create
from journal.config import Config
from journal.errors import JournalError
from journal.load.entry import Entry, FullEntry
from journal.text import slugify

SUMMARY_CHARS = 200


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The body's opening, cut at a word boundary: enough to recall the moment."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–—")
    return cut + "…"


@dataclass(frozen=True)
class DomainExport:
    slug: str
    name: str
    wins: list[Entry]  # newest first
    setbacks: list[Entry]  # newest first, only those with a lesson


def gather(
    entries: Sequence[Entry],
    config: Config,
    *,
    domain: str | None = None,
    since: date | None = None,
) -> list[DomainExport]:
    """Domains with wins (or lessons) in range; most wins first, then by name."""
    wanted = slugify(domain) if domain else None
    by_domain: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries, key=lambda e: e.sort_key):
        by_domain[e.domain].append(e)
    out = []
    for slug, items in by_domain.items():
        if wanted and slug != wanted:
            continue
        shown = [e for e in items if since is None or e.date >= since]
        wins = [e for e in reversed(shown) if e.is_win]
        setbacks = [e for e in reversed(shown) if e.kind == "setback" and e.lesson]
        if wins or setbacks:
            out.append(DomainExport(slug, domain_name(config, slug, items), wins, setbacks))
    out.sort(key=lambda d: (-len(d.wins), d.name.lower()))
    return out


def _win_line(e: FullEntry) -> list[str]:
    facts = [f"difficulty {e.difficulty}/10"] if e.difficulty is not None else []
    if e.source != "mastery":
        facts.append(e.source)
    if e.tags:
        facts.append("tags: " + ", ".join(e.tags))
    head = f"- {e.date.isoformat()}: **{e.title}**" + (f" ({'; '.join(facts)})" if facts else "")
    return [head] + ([f"  {summary(e.text)}"] if e.text else [])


def to_markdown(
    title: str, groups: list[DomainExport], applied_by: dict[str, list[Entry]], lessons: bool
) -> str:
    wins = sum(len(g.wins) for g in groups)
    dates = [e.date for g in groups for e in g.wins]
    lines = [f"# Wins: {title}", ""]
    if dates:
        lines += [
            f"{wins} win{'s' * (wins != 1)} in {sum(1 for g in groups if g.wins)} "
            f"domain{'s' * (sum(1 for g in groups if g.wins) != 1)}, "
            f"{min(dates).isoformat()} to {max(dates).isoformat()}.",
            "",
        ]
    else:
        lines += ["No wins in this range.", ""]
    for g in groups:
        if not g.wins and not lessons:
            continue
        lines += [f"## {g.name} ({len(g.wins)} win{'s' * (len(g.wins) != 1)})", ""]
        for e in g.wins:
            lines += _win_line(e)
        if g.wins:
            lines.append("")
        if lessons and g.setbacks:
            lines += ["### Lessons", ""]
            for e in g.setbacks:
                applied = applied_by.get(e.id, [])
                note = f" Applied: {', '.join(a.title for a in applied)}." if applied else ""
                lesson = (e.lesson or "").rstrip(". ")
                lines.append(f"- {e.date.isoformat()}, {e.title}: {lesson}.{note}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_json(
    title: str, groups: list[DomainExport], applied_by: dict[str, list[Entry]], lessons: bool
) -> str:
    def win(e: Entry) -> dict[str, Any]:
        return {
            "id": e.id,
            "date": e.date.isoformat(),
            "title": e.title,
            "difficulty": e.difficulty,
            "confidence": e.confidence,
            "source": e.source,
            "tags": list(e.tags),
            "summary": summary(e.text),
        }

    def lesson(e: Entry) -> dict[str, Any]:
        return {
            "id": e.id,
            "date": e.date.isoformat(),
            "title": e.title,
            "lesson": e.lesson,
            "next": e.next,
            "applied_by": [a.id for a in applied_by.get(e.id, [])],
        }

    data = {
        "journal": title,
        "domains": [
            {"slug": g.slug, "name": g.name, "wins": [win(e) for e in g.wins]}
            | ({"lessons": [lesson(e) for e in g.setbacks]} if lessons else {})
            for g in groups
            if g.wins or lessons
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export(
    entries: Sequence[FullEntry],
    config: Config,
    *,
    fmt: str = "markdown",
    domain: str | None = None,
    since: date | None = None,
    lessons: bool = False,
) -> str:
    groups = gather(entries, config, domain=domain, since=since)
    applied_by = followers(sorted(entries, key=lambda e: e.sort_key))
    render = to_json if fmt == "json" else to_markdown
    return render(config.title, groups, applied_by, lessons)


def export_journal(
    root: Path,
    out: Path | None,
    *,
    fmt: str,
    domain: str | None,
    since: date | None,
    lessons: bool,
    private: bool,
    force: bool,
) -> str:
    """`journal export`: what it prints, the document itself, or (with `out`) where it
    was written."""
    from journal.load.journal import load_journal

    journal = load_journal(root).select(private=private)
    text = export(
        [FullEntry.of(e, journal.bodies[e.id]) for e in journal.entries],
        journal.config,
        fmt=fmt,
        domain=domain,
        since=since,
        lessons=lessons,
    )
    if out is None:
        return text
    write_export(out, text, journal.root, force=force)
    return f"wrote {out}\n"


def write_export(out: Path, text: str, root: Path, *, force: bool = False) -> None:
    """Write the document to a file the user named: never into entries/, never over an
    existing file unless `force`, and whole or not at all (a temp file renamed into place;
    a symlink is written through, its target changes and the link stays)."""
    if out.resolve().is_relative_to((root / "entries").resolve()):
        raise JournalError(f"--out {out}: refusing to write inside entries/; nothing was written")
    if out.is_dir():
        raise JournalError(f"--out {out}: is a folder; nothing was written (expected a file name)")
    if not out.parent.is_dir():
        raise JournalError(
            f"--out {out}: the folder {out.parent} does not exist; nothing was written"
        )
    if (out.exists() or out.is_symlink()) and not force:
        raise JournalError(
            f"--out {out}: already exists; nothing was written (pass --force to replace it)"
        )
    data = text.encode("utf-8")
    try:
        if force:  # through a symlink: its target changes
            replace_or_create(out, data)
        else:  # O_EXCL: the check and the creation are one step
            create_exclusively(out, data)
    except FileExistsError:
        raise JournalError(f"--out {out}: already exists; nothing was written") from None
    except WriteError as exc:
        raise JournalError(
            f"--out {out}: cannot be written ({exc.reason}); nothing was written"
        ) from None
