"""Entry pages: one per entry, with its body, its neighbours in time and its lesson links."""

from __future__ import annotations

from journal.load.entry import FullEntry
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import entry_path


def entry_pages(site: Site) -> list[Page]:
    entries, bodies = site.entries, site.journal.bodies
    ev = site.evidence
    pages = []
    last = len(entries) - 1
    for i, e in enumerate(entries):
        context = {
            "entry": FullEntry.of(e, bodies[e.id]),
            "prev": entries[i - 1] if i > 0 else None,
            "next": entries[i + 1] if i < last else None,
            "followed_by": ev.applied_by.get(e.id, []),
            "follows": site.by_id.get(e.follows) if e.follows else None,
            "counter_evidence": ev.counter_evidence_for(e),
        }
        pages.append(Page(entry_path(e.id), "entry.html", context))
    return pages
