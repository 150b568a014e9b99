"""`journal build --explain`: why each page was made again, for the day a page looks stale.

Each build with a cache leaves a small record beside the memo (`explain.json`): the digest
of each part of the global key, each entry's frontmatter and body keys, and each page's
key. The next build compares its own against it, page by page: a global part that changed
(journal.toml, today...), the template files its template reads, a static file's bytes,
an entry the page shows or a body it reads that changed, or else what it lists or counts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from journal.atomic import replace_atomically
from journal.keys import PAGE_LEVEL
from journal.pages.page import RAW

RECORD = "explain.json"


def record(
    parts: Mapping[str, str],
    entries: Iterable[Any],
    bodies: Mapping[str, Any],
    keys: dict,
    templates: Mapping[str, str] | None = None,
) -> dict:
    """What the next build compares against: parts of the global key, entries, page keys,
    and for each page template the digest of the files it reads."""
    return {
        "parts": dict(parts),
        "entries": {e.id: [e.path, e.key, getattr(bodies.get(e.id), "key", "")] for e in entries},
        "pages": keys,
        "templates": dict(templates or {}),
    }


def load(folder: Path | None) -> dict | None:
    if folder is None:
        return None
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and {"parts", "entries", "pages"} <= set(data) else None


def save(folder: Path | None, data: dict) -> None:
    if folder is not None and os.path.isdir(folder):
        replace_atomically(folder / RECORD, json.dumps(data).encode())


def held_entries(value: Any, found: set[str], depth: int = 0) -> set[str]:
    """The ids of the entries a page's context holds (in lists, dicts and tuples)."""
    if depth > 6:
        return found
    entry_id = getattr(value, "id", None)
    if isinstance(entry_id, str) and hasattr(value, "key") and hasattr(value, "domain"):
        found.add(entry_id)
        return found
    if isinstance(value, dict):
        for item in value.values():
            held_entries(item, found, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            held_entries(item, found, depth + 1)
    return found


def reasons(last: dict | None, now: dict, made: Iterable[Any]) -> list[tuple[str, str]]:
    """(path, why) for each page made again (`made`: engine.Keyed)."""
    if last is None:
        return [(k.page.path, "no record of an earlier build here") for k in made]
    changed_parts = [
        name
        for name, value in now["parts"].items()
        if last["parts"].get(name) != value and name not in PAGE_LEVEL
    ]
    old_entries, new_entries = last["entries"], now["entries"]
    old_templates, new_templates = last.get("templates") or {}, now.get("templates") or {}
    config_changed = last["parts"].get("journal.toml") != now["parts"].get("journal.toml")
    found = []
    for k in made:
        path = k.page.path
        if changed_parts:
            found.append((path, ", ".join(changed_parts) + " changed"))
            continue
        if path not in last["pages"]:
            found.append((path, "a new page"))
            continue
        name = k.page.template
        if name == RAW:
            found.append((path, "the file changed"))
            continue
        if name in new_templates and old_templates.get(name) != new_templates[name]:
            found.append((path, f"the templates {name} reads changed"))
            continue
        ids = held_entries(k.page.context, set()) | {r for r in k.reads if isinstance(r, str)}
        edited = sorted(
            new_entries[i][0]
            for i in ids
            if i in new_entries and old_entries.get(i) != new_entries[i]
        )
        gone = sorted(old_entries[i][0] for i in ids if i not in new_entries and i in old_entries)
        if edited or gone:
            named = [*edited, *(f"{p} (removed)" for p in gone)]
            more = f" and {len(named) - 3} more" if len(named) > 3 else ""
            found.append((path, "changed: " + ", ".join(named[:3]) + more))
        elif any(isinstance(r, tuple) for r in k.reads):
            found.append((path, "the search words of an entry changed"))
        elif config_changed:
            found.append((path, "journal.toml changed what it shows"))
        else:
            found.append((path, "what it lists, counts or charts changed"))
    return found
