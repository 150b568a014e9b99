"""The failure log: every setback with its lesson, newest first, in pages; the same for each
domain on its own pages (`lessons/<slug>.html`), so it filters by domain without
JavaScript; the attribution mix and lesson follow-through on each one's first page."""

from __future__ import annotations

from datetime import date

from journal.analyse.analytics import Figures
from journal.load.entry import Entry
from journal.pages import charts
from journal.pages.model import Site, paginate
from journal.pages.page import Page
from journal.pages.paths import lessons_path


def mix_chart(f: Figures) -> str:
    mix = f.attribution
    return charts.bar_chart(
        [
            ("Controllable", mix["controllable"]),
            ("External", mix["external"]),
            ("Ability", mix["ability"]),
            ("Unrecorded", mix["unrecorded"]),
        ],
        id_prefix="mix",
        label="Setbacks by attribution",
    )


def by_month(items: list[Entry]) -> list[tuple[date, list[Entry]]]:
    """A page's setbacks under their months (the first day of each), newest first."""
    months: dict[date, list[Entry]] = {}
    for e in items:
        months.setdefault(e.date.replace(day=1), []).append(e)
    return list(months.items())


def setbacks_by_domain(site: Site) -> dict[str, list[Entry]]:
    """Each domain's setbacks, newest first, for the domains that have any."""
    found = {}
    for f in site.evidence.domains.values():
        setbacks = [e for e in reversed(f.entries) if e.kind == "setback"]
        if setbacks:
            found[f.slug] = setbacks
    return found


def domain_log(domains_with_setbacks: int, slug: str) -> str:
    """Where a domain's failure log is: its own pages when setbacks span two domains or
    more, else the whole log, which is that domain's."""
    return lessons_path(slug if domains_with_setbacks > 1 else None)


def lessons_pages(site: Site) -> list[Page]:
    ev = site.evidence
    by_domain = setbacks_by_domain(site)
    logs: list[tuple[str | None, Figures, list[Entry]]] = [
        (None, ev.overall, [e for e in reversed(ev.overall.entries) if e.kind == "setback"])
    ]
    if len(by_domain) > 1:
        logs += [(slug, ev.domains[slug], setbacks) for slug, setbacks in by_domain.items()]
    # the filter: every domain's log, linked from the top of each page (none for one domain)
    filters = [(lessons_path(slug), slug, len(setbacks)) for slug, _, setbacks in logs]
    if len(filters) == 1:
        filters = []
    pages = []
    for slug, f, setbacks in logs:
        for items, pager in paginate(setbacks, site.page_size, lessons_path(slug)):
            shown = {e.id for e in items}
            context: dict = {
                "slug": slug,
                "filters": filters,
                "pager": pager,
                "sections": by_month(items),
                "applied_by": {k: v for k, v in ev.applied_by.items() if k in shown},
            }
            if pager.number == 1:  # the figures; the chart on the whole log's only
                context["overall"] = f
                context["mix_chart"] = mix_chart(f) if slug is None else None
            pages.append(Page(pager.path(pager.number), "lessons.html", context))
    return pages
