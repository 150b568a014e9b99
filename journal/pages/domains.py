"""Domain evidence pages: "when belief runs low" first, then figures, charts, setbacks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from journal.analyse.analytics import Figures, audit
from journal.analyse.case import Case, case
from journal.load.entry import Body, Entry
from journal.pages.evidence import domain_charts, sparkline
from journal.pages.lessons import domain_log, setbacks_by_domain
from journal.pages.model import DateFormat, DomainSummary, Site, date_format, paginate
from journal.pages.page import Late, Page
from journal.pages.paths import domain_path
from journal.same import keep_last

SETBACKS_SHOWN = 5  # the latest; the rest are in the domain's failure log
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
    """Page 1 is the domain's evidence (the card, figures, charts, the latest setbacks) and
    the first of its entries; later pages only carry on the list of entries."""
    ev = site.evidence
    fmt = date_format(site.journal.config)
    with_setbacks = len(setbacks_by_domain(site))
    pages = []
    for d in site.domains:
        f = ev.domains[d.slug]
        latest = [e for e in reversed(f.entries) if e.kind == "setback"][:SETBACKS_SHOWN]
        pages += one_domain(
            d,
            f,
            case(f, ev.applied_by),
            {e.id: ev.applied_by.get(e.id, []) for e in latest},
            [o for o in ev.coming_up if o.plan.domain == d.slug],
            [o for o in ev.waiting if o.plan.domain == d.slug],
            domain_log(with_setbacks, d.slug),
            site.page_size,
            site.today,
            fmt,
        )
    one_domain.keep_only({d.slug for d in site.domains})  # type: ignore[attr-defined]
    return pages


@keep_last(lambda d, *args: d.slug)
def one_domain(
    d: DomainSummary,
    f: Figures,
    the_case: Case,
    applied_by: dict[str, list[Entry]],
    coming_up: list,
    waiting: list,
    lessons_link: str,
    page_size: int,
    today: date,
    fmt: DateFormat,
) -> list[Page]:
    """One domain's pages, from exactly what they show: kept from the last listing while
    these are the same (journal/same.py), so an edit in another domain leaves these very
    pages, which the preview's comparison of listings passes at once."""
    setbacks = [e for e in reversed(f.entries) if e.kind == "setback"]
    recent, hardest = audit([e for e in f.entries if e.is_mastery_win])
    shown = {e.id for e in (*recent, *hardest)}
    if the_case.hardest is not None:
        shown.add(the_case.hardest.id)
    latest_setbacks = setbacks[:SETBACKS_SHOWN]
    pages = []
    for items, pager in paginate(d.entries, page_size, domain_path(d.slug)):
        context: dict = {"domain": d.head, "entries": items, "pager": pager}
        if pager.number == 1:
            context |= {
                "figures": f,
                "case": the_case,
                "belief_recent": recent,
                "belief_hardest": hardest,
                # one list when the latest mastery wins are also the hardest
                "belief_same": bool(recent) and same_entries(recent, hardest),
                "setbacks": latest_setbacks,
                "setbacks_total": len(setbacks),
                "lessons_link": lessons_link,
                "applied_by": applied_by,
                "charts": domain_charts(f, today, fmt),
                "sparkline": sparkline(f, f"spark-{d.slug}"),
                "coming_up": coming_up,
                "waiting": waiting,
            }
        late = _excerpts(sorted(shown)) if pager.number == 1 else None
        pages.append(Page(pager.path(pager.number), "domain.html", context, late))
    return pages


def _excerpts(ids: list[str]) -> Late:
    def late(bodies: Mapping[str, Body]) -> dict:
        return {"excerpts": {i: excerpt(bodies.get(i)) for i in ids}}

    return late


def same_entries(a: list[Entry], b: list[Entry]) -> bool:
    return len(a) == len(b) and {e.id for e in a} == {e.id for e in b}
