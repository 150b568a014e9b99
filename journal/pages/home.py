"""The home page (dashboard) and the 404 page."""

from __future__ import annotations

from journal.analyse import recall
from journal.pages.evidence import heatmap, sparkline
from journal.pages.model import Site
from journal.pages.page import Page

RECENT = 12


def home_page(site: Site) -> Page:
    entries, ev, today = site.entries, site.evidence, site.today
    o = ev.overall
    context = {
        "domains": site.domains,
        "recent": list(reversed(entries[-RECENT:])),
        "wins": sum(1 for e in entries if e.is_win),
        "setbacks": sum(1 for e in entries if not e.is_win),
        "on_this_day": recall.on_this_day(entries, today),
        "looking_back": recall.looking_back(entries, today),
        "overall": o,
        "open_lessons": ev.open_lessons[:8],
        "cards": ev.domains,
        "heatmap": heatmap(o.entries, o, today, "home-heat", "The last 12 months"),
        "sparklines": {slug: sparkline(f, f"spark-{slug}") for slug, f in ev.domains.items()},
    }
    return Page("index.html", "index.html", context)


def not_found_page() -> Page:
    return Page("404.html", "404.html", {})
