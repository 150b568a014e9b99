"""The archive: tag pages and month pages, cut into pages, and the archive index."""

from __future__ import annotations

from datetime import date

from journal.load.entry import Entry
from journal.pages.model import Pager, Site, paginate
from journal.pages.page import Page
from journal.pages.paths import ARCHIVE, month_path, tag_path


def month_date(month: str) -> date:
    return date.fromisoformat(month + "-01")


def tag_pages(site: Site) -> list[Page]:
    return [
        Page(pager.path(pager.number), "tag.html", {"tag": label, "entries": items, "pager": pager})
        for slug, (label, entries) in site.tags.items()
        for items, pager in paginate(entries, site.page_size, tag_path(slug))
    ]


def month_days(cut: list[tuple[list[Entry], Pager]]) -> list[tuple[date, int]]:
    """Each day of a month with entries, newest first, and the page its first entry is on."""
    days: dict[date, int] = {}
    for items, pager in cut:
        for e in items:
            days.setdefault(e.date, pager.number)
    return list(days.items())


def month_pages(site: Site) -> list[Page]:
    months = list(site.months)
    pages = []
    for i, month in enumerate(months):
        newer = months[i - 1] if i > 0 else None
        older = months[i + 1] if i + 1 < len(months) else None
        cut = paginate(site.months[month], site.page_size, month_path(month))
        # a long month opens with its days, so that a day on a later page is a link away
        # from the first (charts link a day to `archive/YYYY-MM.html#d-YYYY-MM-DD`)
        days = month_days(cut) if len(cut) > 1 else []
        for items, pager in cut:
            context = {
                "month": month,
                "month_date": month_date(month),
                "entries": items,
                "pager": pager,
                "days": days,
                "newer": newer,
                "newer_date": month_date(newer) if newer else None,
                "older": older,
                "older_date": month_date(older) if older else None,
            }
            pages.append(Page(pager.path(pager.number), "month.html", context))
    return pages


def archive_index(site: Site) -> Page:
    """Every month (newest first, grouped by year in the template), domain and tag, with
    their counts: every entry is two links away, its month and the month's page."""
    context = {
        "months": [(key, month_date(key), len(items)) for key, items in site.months.items()],
        "tags": [(slug, label, len(items)) for slug, (label, items) in site.tags.items()],
        "domains": [(d.slug, d.name, len(d.entries)) for d in site.domains],
    }
    return Page(ARCHIVE, "archive.html", context)
