"""What every page family is made from: the journal, its evidence, and a few indexes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from journal import __version__
from journal.analyse.analytics import Evidence, domain_name
from journal.load.entry import Entry
from journal.load.journal import Journal
from journal.text import slugify


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
