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


ARCHIVE = "archive/index.html"
LESSONS = "lessons.html"


def lessons_path(slug: str | None = None) -> str:
    """The failure log: every domain's setbacks, or one domain's."""
    return LESSONS if slug is None else f"lessons/{slug}.html"


def page_path(first: str, number: int) -> str:
    """Page `number` of a list whose first page is `first`: the first page keeps its own
    path, page N of `dir/name.html` is `dir/name/page/N.html` (of `dir/index.html`,
    `dir/page/N.html`). Nothing else lives in a folder named after a page, and a slug
    never makes a number, so no two pages meet: `lessons/page/2.html` (the failure log's
    page 2) and `lessons/page/page/2.html` (page 2 of a domain slugged `page`)."""
    if number == 1:
        return first
    folder, name = posixpath.split(first.removesuffix(".html"))
    stem = folder if name == "index" else posixpath.join(folder, name)
    return posixpath.join(stem, "page", f"{number}.html")


@lru_cache(maxsize=262144)
def relative_url(from_page: str, to_page: str) -> str:
    """A link from one page to another. Every path is relative to the site root, so
    climbing to the root and down again is always right; every character but `/` that
    means something in a URL (`#`, `?`, `%`, spaces) is escaped."""
    if posixpath.dirname(from_page) == posixpath.dirname(to_page):
        return quote(posixpath.basename(to_page), safe="")
    return "../" * from_page.count("/") + quote(to_page, safe="/")
