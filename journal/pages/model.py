"""What every page family is made from: the journal, its evidence, and a few indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from journal import __version__
from journal.analyse.analytics import Evidence, domain_name
from journal.load.entry import Entry
from journal.load.journal import Journal
from journal.pages.paths import page_path
from journal.text import slugify

T = TypeVar("T")


@dataclass(frozen=True)
class DomainHead:
    """A domain as a page that lists only some of its entries needs it: its names."""

    slug: str
    name: str
    description: str | None


@dataclass(frozen=True)
class DomainSummary:
    slug: str
    name: str
    description: str | None
    entries: tuple[Entry, ...]  # newest first

    @property
    def wins(self) -> int:
        return sum(1 for e in self.entries if e.is_win)

    @property
    def setbacks(self) -> int:
        return len(self.entries) - self.wins

    @property
    def latest(self) -> Entry:
        return self.entries[0]

    @property
    def head(self) -> DomainHead:
        return DomainHead(self.slug, self.name, self.description)


@dataclass(frozen=True)
class Pager:
    """Where one page of a long list stands: its number of `count`, the list's `total`
    items at `size` a page, and the path of page 1 (every other page's path follows from
    it, paths.page_path). Just these numbers enter a page's key, beside its slice."""

    first: str
    number: int
    count: int
    total: int
    size: int

    def path(self, number: int) -> str:
        return page_path(self.first, number)

    @property
    def start(self) -> int:  # the first item on this page, counting from 1
        return min(self.total, (self.number - 1) * self.size + 1)

    @property
    def end(self) -> int:
        return min(self.total, self.number * self.size)

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager shows: the first, the last and `around` either side of
        this one; None where numbers are left out (a gap of one number is shown instead)."""
        shown = {1, self.count, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in range(1, self.count + 1):
            if n in shown or (n - 1 in shown and n + 1 in shown):
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        return out


def paginate(items: Sequence[T], size: int, first: str) -> list[tuple[list[T], Pager]]:
    """A list cut into pages of `size` (one page, maybe empty, at least), each with its
    pager; page 1 lives at `first`."""
    count = max(1, -(-len(items) // size))
    return [
        (list(items[(n - 1) * size : n * size]), Pager(first, n, count, len(items), size))
        for n in range(1, count + 1)
    ]


DEFAULT_DATE_FORMAT = "%-d %b %Y"  # 12 Nov 2026


@dataclass(frozen=True)
class DateFormat:
    """The one way the site writes a date (`date_format` in journal.toml, strftime codes;
    `%-d` and `%-m` are the day and month without a leading zero on every platform)."""

    pattern: str = DEFAULT_DATE_FORMAT

    def __call__(self, day: date | None) -> str:
        if day is None:
            return ""
        pattern = self.pattern.replace("%-d", str(day.day)).replace("%-m", str(day.month))
        return day.strftime(pattern)


def date_format(config: object) -> DateFormat:
    return DateFormat(getattr(config, "date_format", None) or DEFAULT_DATE_FORMAT)


@dataclass(frozen=True)
class SiteOptions:
    """How the pages are meant to be seen (part of every page's key)."""

    preview: bool = False
    encrypted: bool = False


@dataclass(frozen=True)
class Site:
    """The journal and its evidence, indexed once for all page families."""

    journal: Journal
    evidence: Evidence
    options: SiteOptions
    entries: tuple[Entry, ...]  # oldest first
    by_id: dict[str, Entry]
    domains: list[DomainSummary]  # most entries first
    tags: dict[str, tuple[str, list[Entry]]]  # slug -> (label, entries newest first)
    months: dict[str, list[Entry]]  # "YYYY-MM" -> entries newest first, newest month first

    @property
    def today(self) -> date:
        return self.evidence.today

    @property
    def page_size(self) -> int:
        return self.journal.config.page_size

    def common(self) -> dict[str, Any]:
        """What every template receives besides its own context."""
        config = self.journal.config
        return {
            "site_title": config.title,
            "base_url": config.base_url,
            "author": config.author,
            "version": __version__,
            "today": self.today,
            "domain_names": {d.slug: d.name for d in self.domains},
            "preview": self.options.preview,
            "encrypted": self.options.encrypted,
            "has_evidence": True,
            "fmt_date": date_format(config),
        }


def site_model(journal: Journal, evidence: Evidence, options: SiteOptions) -> Site:
    # open plans are shown only as plans ("Coming up"): in no list, count, page or search
    entries = tuple(e for e in journal.entries if not e.is_plan)
    by_domain: dict[str, list[Entry]] = defaultdict(list)
    tags: dict[str, tuple[str, list[Entry]]] = {}
    months: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_domain[e.domain].append(e)
        for tag in e.tags:
            tags.setdefault(slugify(tag), (tag, []))[1].append(e)
        months[f"{e.date:%Y-%m}"].append(e)
    domains = []
    for slug, items in by_domain.items():
        cfg = journal.config.domains.get(slug)
        domains.append(
            DomainSummary(
                slug,
                domain_name(journal.config, slug, items),
                cfg.description if cfg else None,
                tuple(reversed(items)),
            )
        )
    domains.sort(key=lambda d: (-len(d.entries), d.name.lower()))
    for _, items in tags.values():
        items.reverse()
    for items in months.values():
        items.reverse()
    return Site(
        journal,
        evidence,
        options,
        entries,
        {e.id: e for e in entries},
        domains,
        dict(sorted(tags.items())),
        dict(sorted(months.items(), reverse=True)),
    )
