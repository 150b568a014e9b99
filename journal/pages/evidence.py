"""The evidence pages (streaks, failure log) and the charts the other pages show."""

from __future__ import annotations

from datetime import date, timedelta

from journal.analyse.analytics import Figures, daily_counts, period_states
from journal.load.entry import Entry
from journal.pages import charts
from journal.pages.model import Site
from journal.pages.page import Page

STRIP_PERIODS = {"week": 26, "day": 60}
SOURCES = ("mastery", "vicarious", "persuasion", "physiological")


def heatmap_window(today: date) -> tuple[date, date]:
    """The last 12 months, ending today."""
    return today - timedelta(days=364), today


def strip(f: Figures, today: date, id_prefix: str) -> str:
    cells = [
        (f"{'week of ' if f.cfg.period == 'week' else ''}{p.isoformat()}", state)
        for p, state in period_states(f, today, STRIP_PERIODS[f.cfg.period])
    ]
    return charts.period_strip(cells, id_prefix=id_prefix, label=f"{f.name}: recent periods")


def sparkline(f: Figures, id_prefix: str) -> str:
    values = [100 * s for _, s in f.strength_series[-26:]]
    return charts.sparkline(values, id_prefix=id_prefix, label=f"{f.name}: evidence strength")


def heatmap(entries: tuple[Entry, ...], f: Figures, today: date, id_prefix: str, title: str) -> str:
    start, end = heatmap_window(today)
    return charts.calendar_heatmap(
        daily_counts(entries, start, end),
        start,
        end,
        id_prefix=id_prefix,
        week_start=f.cfg.week_start,
        rest=f.cfg.rest,
        title=title,
    )


def domain_charts(f: Figures, today: date) -> dict[str, str]:
    slug = f.slug
    difficulty = [(e.date, e.difficulty, e.is_win) for e in f.entries if e.difficulty]
    confidence = [(e.date, e.confidence, e.is_win) for e in f.entries if e.confidence]
    return {
        "heatmap": heatmap(f.entries, f, today, f"heat-{slug}", f"{f.name}: the last 12 months"),
        "difficulty": charts.scatter(
            difficulty,
            id_prefix=f"diff-{slug}",
            title=f"{f.name}: difficulty over time",
            what="difficulty",
            trend=True,
        ),
        "confidence": charts.scatter(
            confidence,
            id_prefix=f"conf-{slug}",
            title=f"{f.name}: confidence over time",
            what="confidence",
            threshold=6,
        ),
        "sources": charts.bar_chart(
            [(s.capitalize(), f.sources.get(s, 0)) for s in SOURCES],
            id_prefix=f"src-{slug}",
            label=f"{f.name}: wins by source of evidence",
        ),
        "strip": strip(f, today, f"strip-{slug}"),
    }


def evidence_pages(site: Site) -> list[Page]:
    ev, today = site.evidence, site.today
    mix = ev.overall.attribution
    streaks = Page(
        "streaks.html",
        "streaks.html",
        {
            "overall": ev.overall,
            "rows": list(ev.domains.values()),
            "overall_strip": strip(ev.overall, today, "strip-all"),
            "strips": {slug: strip(f, today, f"strip-{slug}") for slug, f in ev.domains.items()},
        },
    )
    sections = [
        (f, [e for e in reversed(f.entries) if e.kind == "setback"])
        for f in ev.domains.values()
        if f.setbacks
    ]
    shown = {e.id for _, setbacks in sections for e in setbacks}
    lessons = Page(
        "lessons.html",
        "lessons.html",
        {
            "overall": ev.overall,
            "mix_chart": charts.bar_chart(
                [
                    ("Controllable", mix["controllable"]),
                    ("External", mix["external"]),
                    ("Ability", mix["ability"]),
                    ("Unrecorded", mix["unrecorded"]),
                ],
                id_prefix="mix",
                label="Setbacks by attribution",
            ),
            "sections": sections,
            "applied_by": {k: v for k, v in ev.applied_by.items() if k in shown},
        },
    )
    return [streaks, lessons]
