"""The archive: tag pages, month pages and the archive index."""

from __future__ import annotations

from datetime import date

from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import month_path, tag_path


def tag_pages(site: Site) -> list[Page]:
    return [
        Page(tag_path(slug), "tag.html", {"tag": label, "entries": items})
        for slug, (label, items) in site.tags.items()
    ]


def month_pages(site: Site) -> list[Page]:
    months = list(site.months)
    pages = []
    for i, month in enumerate(months):
        context = {
            "month": month,
            "month_date": date.fromisoformat(month + "-01"),
            "entries": site.months[month],
            "newer": months[i - 1] if i > 0 else None,
            "older": months[i + 1] if i + 1 < len(months) else None,
        }
        pages.append(Page(month_path(month), "month.html", context))
    return pages


def archive_index(site: Site) -> Page:
    context = {
        "months": [(k, date.fromisoformat(k + "-01"), len(v)) for k, v in site.months.items()],
        "tags": [(slug, label, len(items)) for slug, (label, items) in site.tags.items()],
        "domains": site.domains,
    }
    return Page("archive/index.html", "archive.html", context)
