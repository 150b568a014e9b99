"""From the analytics to page contexts: charts and figures for the evidence pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import journal.pages.charts as svg
from journal.analyse.analytics import Evidence, Figures, analyse, daily_counts, period_states
from journal.load.entry import Entry
from journal.load.journal import Journal

STRIP_PERIODS = {"week": 26, "day": 60}


def heatmap_window(today: date) -> tuple[date, date]:
    """The last 12 months, ending today."""
    return today - timedelta(days=364), today


@dataclass
class EvidenceView:
    """What the renderer asks of the evidence layer."""

    evidence: Evidence
    journal: Journal

    def counter_evidence_for(self, entry: Entry) -> list[Entry]:
        return self.evidence.counter_evidence_for(entry)

    def strip(self, f: Figures, id_prefix: str) -> str:
        cells = [
            (f"{'week of ' if f.cfg.period == 'week' else ''}{p.isoformat()}", state)
            for p, state in period_states(f, self.evidence.today, STRIP_PERIODS[f.cfg.period])
        ]
        return svg.period_strip(cells, id_prefix=id_prefix, label=f"{f.name}: recent periods")

    def sparkline(self, f: Figures, id_prefix: str) -> str:
        values = [100 * s for _, s in f.strength_series[-26:]]
        return svg.sparkline(values, id_prefix=id_prefix, label=f"{f.name}: evidence strength")

    def heatmap(self, entries: tuple[Entry, ...], f: Figures, id_prefix: str, title: str) -> str:
        start, end = heatmap_window(self.evidence.today)
        return svg.calendar_heatmap(
            daily_counts(entries, start, end),
            start,
            end,
            id_prefix=id_prefix,
            week_start=f.cfg.week_start,
            rest=f.cfg.rest,
            title=title,
        )

    def home_context(self) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
        """(the figures, the charts made from them, only when the page is rendered)."""
        ev = self.evidence
        o = ev.overall

        def charts() -> dict[str, Any]:
            return {
                "heatmap": self.heatmap(o.entries, o, "home-heat", "The last 12 months"),
                "sparklines": {
                    slug: self.sparkline(f, f"spark-{slug}") for slug, f in ev.domains.items()
                },
            }

        return {"overall": o, "open_lessons": ev.open_lessons[:8], "cards": ev.domains}, charts

    def domain_context(self, slug: str) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
        f = self.evidence.domains[slug]
        setbacks = [e for e in reversed(f.entries) if e.kind == "setback"]
        applied = self.evidence.applied_by
        context = {
            "figures": f,
            "setbacks": setbacks,
            "applied_by": {e.id: applied.get(e.id, []) for e in setbacks},  # what it shows
        }
        return context, lambda: {"charts": self.domain_charts(f)}

    def domain_charts(self, f: Figures) -> dict[str, str]:
        slug = f.slug
        difficulty = [(e.date, e.difficulty, e.is_win) for e in f.entries if e.difficulty]
        confidence = [(e.date, e.confidence, e.is_win) for e in f.entries if e.confidence]
        sources = ["mastery", "vicarious", "persuasion", "physiological"]
        return {
            "heatmap": self.heatmap(f.entries, f, f"heat-{slug}", f"{f.name}: the last 12 months"),
            "difficulty": svg.scatter(
                difficulty,
                id_prefix=f"diff-{slug}",
                title=f"{f.name}: difficulty over time",
                what="difficulty",
                trend=True,
            ),
            "confidence": svg.scatter(
                confidence,
                id_prefix=f"conf-{slug}",
                title=f"{f.name}: confidence over time",
                what="confidence",
                threshold=6,
            ),
            "sources": svg.bar_chart(
                [(s.capitalize(), f.sources.get(s, 0)) for s in sources],
                id_prefix=f"src-{slug}",
                label=f"{f.name}: wins by source of evidence",
            ),
            "strip": self.strip(f, f"strip-{slug}"),
        }

    def streaks_context(self) -> dict[str, Any]:
        ev = self.evidence
        return {
            "template": "streaks.html",
            "overall": ev.overall,
            "rows": list(ev.domains.values()),
            "lazy": lambda: {
                "overall_strip": self.strip(ev.overall, "strip-all"),
                "strips": {slug: self.strip(f, f"strip-{slug}") for slug, f in ev.domains.items()},
            },
        }

    def lessons_context(self) -> dict[str, Any]:
        ev = self.evidence
        mix = ev.overall.attribution
        return {
            "template": "lessons.html",
            "overall": ev.overall,
            "mix_chart": svg.bar_chart(
                [
                    ("Controllable", mix["controllable"]),
                    ("External", mix["external"]),
                    ("Ability", mix["ability"]),
                    ("Unrecorded", mix["unrecorded"]),
                ],
                id_prefix="mix",
                label="Setbacks by attribution",
            ),
            "sections": [
                (f, [e for e in reversed(f.entries) if e.kind == "setback"])
                for f in ev.domains.values()
                if f.setbacks
            ],
            "applied_by": ev.applied_by,
        }


def analyse_journal(journal: Journal, today: date) -> EvidenceView:
    return EvidenceView(analyse(journal.entries, journal.config, today), journal)


def evidence_pages(view: EvidenceView) -> dict[str, Callable[[], dict[str, Any]]]:
    return {"streaks.html": view.streaks_context, "lessons.html": view.lessons_context}
