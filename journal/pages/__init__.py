"""Journal + evidence -> every page of the site, as Page(path, template, context).

One module per page family; this module only lists them. Static files come last and
replace a page at the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from journal.analyse.analytics import Evidence
from journal.load.journal import Journal
from journal.pages.archive import archive_index, month_pages, tag_pages
from journal.pages.assets import asset_pages
from journal.pages.attachments import attachment_pages
from journal.pages.domains import domain_pages
from journal.pages.entries import entry_pages
from journal.pages.evidence import evidence_pages
from journal.pages.feed import feed_pages
from journal.pages.home import home_page, not_found_page
from journal.pages.lessons import lessons_pages
from journal.pages.model import Site, SiteOptions, site_model
from journal.pages.page import Page
from journal.pages.search import index_site, search_pages
from journal.pages.search_index import SearchIndex

__all__ = ["Page", "Site", "SiteOptions", "make_pages", "site_model"]


def make_pages(
    site: Site,
    template_dirs: list[Path],
    search_layout: tuple[int, tuple[str, ...]],
    static: bool = True,
) -> list[Page]:
    """Every page, its context made from the entries' frontmatter; what a page shows of the
    bodies is added late (Page.late), when the bodies and the search index are read."""
    pages = [
        *entry_pages(site),
        *domain_pages(site),
        *tag_pages(site),
        *month_pages(site),
        archive_index(site),
        *evidence_pages(site),
        *lessons_pages(site),
        home_page(site),
        not_found_page(),
        *search_pages(site, search_layout),
        *feed_pages(site),
        *attachment_pages(site.journal),
    ]
    by_path = {p.path: p for p in pages}
    for asset in asset_pages(template_dirs, site.journal.root, static):
        by_path.pop(asset.path, None)  # moved to the end, in file order
        by_path[asset.path] = asset
    return list(by_path.values())


class LateOnly(dict):
    """The bodies, as page families see them while listing pages: not there. A family
    reads bodies in a page's `late` function, where each read is recorded."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("entry bodies are read in Page.late, where reads are recorded")

    __getitem__ = get = __contains__ = __iter__ = __len__ = keys = values = items = _refuse


def site_pages(
    journal: Journal,
    evidence: Evidence,
    options: SiteOptions,
    template_dirs: list[Path],
    index_of: Callable[[Site], SearchIndex] | None = None,
) -> tuple[Site, SearchIndex, list[Page]]:
    """`index_of`: how to make the search index (the preview updates its last one)."""
    site = site_model(replace(journal, bodies=LateOnly()), evidence, options)
    index = index_of(site) if index_of else index_site(site, journal.bodies)
    pages = make_pages(site, template_dirs, index.layout, static=not options.encrypted)
    return site, index, pages
