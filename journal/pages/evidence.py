"""The streaks page and the charts the other pages show."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from journal.analyse.analytics import (
    NONE,
    UNMET,
    Figures,
    best_strength,
    daily_counts,
    period_start,
    period_states,
    window_end,
)
from journal.load.entry import Entry
from journal.pages import charts
from journal.pages.model import DateFormat, Site, date_format
from journal.pages.page import Page
from journal.pages.paths import entry_path, month_path
from journal.same import keep_last
from journal.text import plural

STRIP_PERIODS = {"week": 26, "day": 60, "month": 24}
SOURCES = ("mastery", "vicarious", "persuasion", "physiological")


def heatmap_window(today: date, entries: tuple[Entry, ...] = ()) -> tuple[date, date]:
    """The last 12 months, ending today; when nothing was written in them, the 12 months
    up to the latest entry, so a pause never shows an empty year."""
    end = today
    counted = [e.date for e in entries if e.date <= today]
    if counted and max(counted) <= today - timedelta(days=364):
        end = max(counted)
    return end - timedelta(days=364), end


def period_label(p: date, period: str, fmt: charts.Fmt) -> str:
    if period == "month":
        return f"{charts.MONTHS[p.month - 1]} {p.year}"
    return f"{'week of ' if period == 'week' else ''}{fmt(p)}"


@keep_last(lambda f, today, id_prefix, *args: id_prefix)
def strip(f: Figures, today: date, id_prefix: str, fmt: charts.Fmt = charts._iso) -> str:
    """The latest periods, one square each; after a pause longer than the strip, the periods
    up to the latest entry instead (analytics.window_end), and the title says so."""
    last = STRIP_PERIODS.get(f.cfg.period, 26)
    end = window_end(f, today, last)
    states = period_states(f, today, last, end)
    cells = [(period_label(p, f.cfg.period, fmt), state) for p, state in states]
    if end == today:
        label = f"{f.name}: the latest {plural(len(cells), f.cfg.period)}"
    else:
        span = plural(len(cells), f.cfg.period)
        label = f"{f.name}: the {span} up to your latest entry, {fmt(end)}"
    return charts.period_strip(
        cells,
        id_prefix=id_prefix,
        label=label,
        first=period_label(states[0][0], f.cfg.period, fmt) if states else "",
        last=period_label(states[-1][0], f.cfg.period, fmt) if states else "",
    )


SPARK_PERIODS = 26
SITE_DATES = DateFormat()  # journal.toml's default date_format, for callers that pass none


@keep_last(lambda f, id_prefix, *args: id_prefix)
def sparkline(f: Figures, id_prefix: str, fmt: charts.Fmt = SITE_DATES) -> str:
    """Evidence strength over the latest 26 periods of its series; when the latest entry is
    older than those, the 26 up to the latest entry's period (a year on, the line shows the
    record, not a year of fading), and its title says so."""
    series = f.strength_series
    label = f"{f.name}: evidence strength"
    if f.recency.state in (UNMET, NONE):  # a line flat at 0 would read as nothing
        target = f"{f.cfg.target} mastery wins" if f.cfg.target > 1 else "a mastery win"
        return charts.sparkline(
            [], id_prefix=id_prefix, label=f"{label}: no {f.cfg.period} has held {target} yet"
        )
    if f.entries and series:
        latest = f.entries[-1].date
        if period_start(latest, f.cfg) < series[-SPARK_PERIODS:][0][0]:
            series = tuple(x for x in series if x[0] <= period_start(latest, f.cfg))
            shown = len(series[-SPARK_PERIODS:])
            span = plural(shown, f.cfg.period)
            label += f", the {span} up to your latest entry, {fmt(latest)}"
    values = [100 * s for _, s in series[-SPARK_PERIODS:]]
    return charts.sparkline(values, id_prefix=id_prefix, label=label)


def day_links(entries: tuple[Entry, ...], start: date, end: date) -> dict[date, charts.Link]:
    """Each day's link: its entry when there is one, else the day on its month's page."""
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for e in entries:
        if start <= e.date <= end:
            by_day[e.date].append(e)
    return {
        d: (entry_path(found[0].id), "")
        if len(found) == 1
        else (month_path(f"{d:%Y-%m}"), f"d-{d.isoformat()}")
        for d, found in by_day.items()
    }


def heatmap(
    entries: tuple[Entry, ...],
    f: Figures,
    today: date,
    id_prefix: str,
    title: str,
    fmt: charts.Fmt = charts._iso,
) -> charts.Parts:
    start, end = heatmap_window(today, entries)
    if end != today:
        title += f" (to your latest entry, {fmt(end)})"
    return charts.calendar_heatmap(
        daily_counts(entries, start, end),
        start,
        end,
        id_prefix=id_prefix,
        week_start=f.cfg.week_start,
        rest=f.cfg.rest,
        title=title,
        links=day_links(entries, start, end),
        fmt=fmt,
    )


@keep_last(lambda f, *args: f.slug)
def domain_charts(f: Figures, today: date, fmt: charts.Fmt = charts._iso) -> dict[str, Any]:
    slug = f.slug
    difficulty = [(e.date, e.difficulty, e.is_win) for e in f.entries if e.difficulty]
    confidence = [(e.date, e.confidence, e.is_win) for e in f.entries if e.confidence]
    return {
        "heatmap": heatmap(
            f.entries, f, today, f"heat-{slug}", f"{f.name}: the last 12 months", fmt
        ),
        "difficulty": charts.scatter(
            difficulty,
            id_prefix=f"diff-{slug}",
            title=f"{f.name}: difficulty of every attempt",
            what="difficulty",
            trend=True,
            fmt=fmt,
        ),
        "confidence": charts.scatter(
            confidence,
            id_prefix=f"conf-{slug}",
            title=f"{f.name}: confidence before each attempt",
            what="confidence",
            threshold=6,
            fmt=fmt,
        ),
        "sources": charts.bar_chart(
            [(s.capitalize(), f.sources.get(s, 0)) for s in SOURCES],
            id_prefix=f"src-{slug}",
            label=f"{f.name}: wins by source of evidence",
        ),
        "strip": strip(f, today, f"strip-{slug}", fmt),
    }


def evidence_pages(site: Site) -> list[Page]:
    ev, today = site.evidence, site.today
    fmt = date_format(site.journal.config)
    recency = {}
    for f in (ev.overall, *ev.domains.values()):
        mastery = [e.date for e in f.entries if e.is_mastery_win]
        best, when = best_strength(f.strength_series)
        recency[f.slug] = (
            mastery[-1] if mastery else None,
            f.entries[-1].date if f.entries else None,
            best,
            when,
        )
    streaks = Page(
        "streaks.html",
        "streaks.html",
        {
            "recency": recency,
            "overall": ev.overall,
            "rows": list(ev.domains.values()),
            "overall_strip": strip(ev.overall, today, "strip-all", fmt),
            "strips": {
                slug: strip(f, today, f"strip-{slug}", fmt) for slug, f in ev.domains.items()
            },
        },
    )
    return [streaks]
