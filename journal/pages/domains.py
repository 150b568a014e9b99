"""Domain evidence pages: a domain's figures, charts, audit, setbacks and entries."""

from __future__ import annotations

from journal.pages.evidence import domain_charts
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import domain_path


def domain_pages(site: Site) -> list[Page]:
    ev = site.evidence
    pages = []
    for d in site.domains:
        f = ev.domains[d.slug]
        setbacks = [e for e in reversed(f.entries) if e.kind == "setback"]
        context = {
            "domain": d,
            "figures": f,
            "setbacks": setbacks,
            "applied_by": {e.id: ev.applied_by.get(e.id, []) for e in setbacks},
            "charts": domain_charts(f, site.today),
        }
        pages.append(Page(domain_path(d.slug), "domain.html", context))
    return pages
