"""The Atom feed of the latest entries (never in an encrypted publish)."""

from __future__ import annotations

from journal.load.entry import FullEntry
from journal.load.links import link_targets
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import FEED

FEED_SIZE = 50


def feed_pages(site: Site) -> list[Page]:
    if site.options.encrypted:
        return []
    bodies = site.journal.bodies
    latest = [FullEntry.of(e, bodies[e.id]) for e in reversed(site.entries[-FEED_SIZE:])]
    links = site.journal.links
    targets = {
        e.id: link_targets(links[e.id], bodies[e.id].links, site.by_id)
        for e in latest
        if e.id in links
    }
    return [Page(FEED, "feed.xml", {"entries": latest, "link_targets": targets})]
