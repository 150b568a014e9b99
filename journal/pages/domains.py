"""Domain evidence pages: "when belief runs low" first, then figures, charts, setbacks."""

from __future__ import annotations

import re

from journal.analyse.analytics import audit
from journal.analyse.case import case
from journal.load.entry import Body
from journal.pages.evidence import domain_charts, sparkline
from journal.pages.model import Site, date_format
from journal.pages.page import Page
from journal.pages.paths import domain_path

EXCERPT = 170  # characters: the printed card holds six of them on one page
PROMPTS = ("What specific actions led to this?", "What led to it:", "What led to it?")
NEXT_PROMPT = re.compile(r"\s(?:- )?(?:What did it prove|What it proved|How will I use|Next:)")


def excerpt(body: Body | None, limit: int = EXCERPT) -> str:
    """The answer to "What specific actions led to this?" when the entry has one, else its
    first lines; cut at a word, at most `limit` characters."""
    if body is None or not body.text:
        return ""
    text = body.text
    for prompt in PROMPTS:
        at = text.find(prompt)
        if at >= 0:
            text = text[at + len(prompt) :]
            text = NEXT_PROMPT.split(text, maxsplit=1)[0]
            break
    text = text.strip(" -")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def domain_pages(site: Site) -> list[Page]:
    ev = site.evidence
    bodies = site.journal.bodies
    fmt = date_format(site.journal.config)
    pages = []
    for d in site.domains:
        f = ev.domains[d.slug]
        setbacks = [e for e in reversed(f.entries) if e.kind == "setback"]
        the_case = case(f, ev.applied_by)
        recent, hardest = audit([e for e in f.entries if e.is_mastery_win])
        shown = {e.id for e in (*recent, *hardest)}
        if the_case.hardest is not None:
            shown.add(the_case.hardest.id)
        context = {
            "domain": d,
            "figures": f,
            "case": the_case,
            "belief_recent": recent,
            "belief_hardest": hardest,
            "excerpts": {i: excerpt(bodies.get(i)) for i in sorted(shown)},
            "setbacks": setbacks,
            "applied_by": {e.id: ev.applied_by.get(e.id, []) for e in setbacks},
            "charts": domain_charts(f, site.today, fmt),
            "sparkline": sparkline(f, f"spark-{d.slug}"),
            "coming_up": [o for o in ev.coming_up if o.plan.domain == d.slug],
            "waiting": [o for o in ev.waiting if o.plan.domain == d.slug],
        }
        pages.append(Page(domain_path(d.slug), "domain.html", context))
    return pages
