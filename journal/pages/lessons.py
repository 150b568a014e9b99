"""The failure log: every setback with its lesson, by domain, and the attribution mix."""

from __future__ import annotations

from journal.pages import charts
from journal.pages.model import Site
from journal.pages.page import Page


def lessons_pages(site: Site) -> list[Page]:
    ev = site.evidence
    mix = ev.overall.attribution
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
    return [lessons]
