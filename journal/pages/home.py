"""The home page (dashboard) and the 404 page: each domain's case first, then the rest."""

from __future__ import annotations

from journal.analyse import recall
from journal.analyse.case import best_strength, cases
from journal.pages.evidence import heatmap, sparkline
from journal.pages.model import Site, date_format
from journal.pages.page import Page

RECENT = 12


def home_page(site: Site) -> Page:
    entries, ev, today = site.entries, site.evidence, site.today
    fmt = date_format(site.journal.config)
    o = ev.overall
    best, best_when = best_strength(o.strength_series)
    mastery = [e.date for e in o.entries if e.is_mastery_win]
    context = {
        "cases": cases(ev),
        "domains": site.domains,
        "recent": list(reversed(entries[-RECENT:])),
        "wins": sum(1 for e in entries if e.is_win),
        "setbacks": sum(1 for e in entries if not e.is_win),
        "on_this_day": recall.on_this_day(entries, today),
        "looking_back": recall.looking_back(entries, today),
        "overall": o,
        "overall_best": (best, best_when),
        "last_mastery": mastery[-1] if mastery else None,
        "last_entry": o.entries[-1].date if o.entries else None,
        "open_lessons": ev.open_lessons[:8],
        "open_total": len(ev.open_lessons),
        "cards": ev.domains,
        "coming_up": ev.coming_up,
        "waiting": ev.waiting,
        "heatmap": heatmap(o.entries, o, today, "home-heat", "Every day, the last 12 months", fmt),
        "sparklines": {slug: sparkline(f, f"spark-{slug}") for slug, f in ev.domains.items()},
    }
    return Page("index.html", "index.html", context)


def not_found_page() -> Page:
    return Page("404.html", "404.html", {})
