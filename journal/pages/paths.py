"""Where pages live, and links between them that work from file://, / and any sub-path."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote

from journal.text import slugify

SEARCH_PAGE = "search.html"
FEED = "feed.xml"


def entry_path(entry_id: str) -> str:
    return f"entries/{entry_id}.html"


def domain_path(slug: str) -> str:
    return f"domains/{slug}.html"


def tag_path(tag: str) -> str:
    return f"tags/{slugify(tag)}.html"


def month_path(month: str) -> str:
    return f"archive/{month}.html"


@lru_cache(maxsize=262144)
def relative_url(from_page: str, to_page: str) -> str:
    """A link from one page to another. Every path is relative to the site root, so
    climbing to the root and down again is always right; every character but `/` that
    means something in a URL (`#`, `?`, `%`, spaces) is escaped."""
    if posixpath.dirname(from_page) == posixpath.dirname(to_page):
        return quote(posixpath.basename(to_page), safe="")
    return "../" * from_page.count("/") + quote(to_page, safe="/")
