"""Entry pages: one per entry, with its body, its neighbours in time and its lesson links."""

from __future__ import annotations

import shlex

from journal.load.entry import Body, Entry, FullEntry
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import entry_path
from journal.sanitise import clean_html


def apply_command(e: Entry) -> str:
    """The command that records a win applying this setback's lesson (closing the loop)."""
    return (
        f"journal new win {shlex.quote('What I did')} --domain {shlex.quote(e.domain)} "
        f"--follows {shlex.quote(e.id)}"
    )


def shown_body(body: Body, encrypted: bool) -> Body:
    """The body as its page shows it. In an encrypted publish every page is shown inside the
    shell that holds the key, so its HTML is sanitised (journal/sanitise.py): no script from
    an entry runs there. Depends only on the body and the flag (memo: warm == cold)."""
    if not encrypted:
        return body
    return Body(clean_html(body.html), body.text, body.words, attachments=body.attachments)


def entry_pages(site: Site) -> list[Page]:
    entries, bodies = site.entries, site.journal.bodies
    encrypted = site.options.encrypted
    ev = site.evidence
    pages = []
    last = len(entries) - 1
    for i, e in enumerate(entries):
        context = {
            "entry": FullEntry.of(e, shown_body(bodies[e.id], encrypted)),
            "prev": entries[i - 1] if i > 0 else None,
            "next": entries[i + 1] if i < last else None,
            "followed_by": ev.applied_by.get(e.id, []),
            "follows": site.by_id.get(e.follows) if e.follows else None,
            "counter_evidence": ev.counter_evidence_for(e),
            "apply_command": apply_command(e) if e.kind == "setback" else None,
        }
        pages.append(Page(entry_path(e.id), "entry.html", context))
    return pages
