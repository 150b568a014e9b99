"""The Atom feed of the latest entries (never in an encrypted publish)."""

from __future__ import annotations

from collections.abc import Mapping

from journal.load.entry import Body, FullEntry
from journal.load.links import link_targets
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import FEED

FEED_SIZE = 50


def feed_pages(site: Site) -> list[Page]:
    if site.options.encrypted:
        return []
    latest = list(reversed(site.entries[-FEED_SIZE:]))
    links, by_id = site.journal.links, site.by_id

    def late(bodies: Mapping[str, Body]) -> dict:
        targets = {
            e.id: link_targets(links[e.id], bodies[e.id].links, by_id)
            for e in latest
            if e.id in links
        }
        return {"entries": [FullEntry.of(e, bodies[e.id]) for e in latest], "link_targets": targets}

    return [Page(FEED, "feed.xml", {}, late)]
