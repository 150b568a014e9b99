"""Jinja environment and page rendering: a journal becomes {output path: bytes} in memory."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from . import __version__
from .entries import Entry
from .errors import TemplateError
from .loader import Journal
from .text import slugify

ASSETS_DIR = "assets"
RECENT = 12


def default_templates() -> Path:
    """The repo's templates/ when run from a checkout, else the copy inside the wheel."""
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if (checkout / "base.html").is_file():
        return checkout
    return Path(str(resources.files("journal") / "_templates"))


def template_dirs(root: Path) -> list[Path]:
    """Lookup order: the journal's own templates/ first, then the defaults."""
    own = root / "templates"
    defaults = default_templates()
    dirs = [own] if own.is_dir() and own.resolve() != defaults.resolve() else []
    return [*dirs, defaults]


def make_env(root: Path) -> jinja2.Environment:
    """User templates override defaults file by file; `default/x.html` reaches the original."""
    dirs = template_dirs(root)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in dirs]),
            jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(dirs[-1]))}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = lambda d: f"{d:%A} {d.day} {d:%B %Y}"
    env.filters["shortdate"] = lambda d: f"{d.day} {d:%b %Y}"
    env.filters["pct"] = lambda x: "–" if x is None else f"{round(100 * x)}%"
    return env


def collect_assets(root: Path) -> dict[str, bytes]:
    """templates/assets/* (own over default) and the journal's static/ folder, as output files."""
    files: dict[str, bytes] = {}
    for folder in reversed(template_dirs(root)):
        base = folder / ASSETS_DIR
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    files[f"{ASSETS_DIR}/{path.relative_to(base).as_posix()}"] = path.read_bytes()
    static = root / "static"
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(static).as_posix()] = path.read_bytes()
    return files


# --- where pages live -------------------------------------------------------------------------


def entry_path(entry_id: str) -> str:
    return f"entries/{entry_id}.html"


def domain_path(slug: str) -> str:
    return f"domains/{slug}.html"


def tag_path(tag: str) -> str:
    return f"tags/{slugify(tag)}.html"


def month_path(month: str) -> str:
    return f"archive/{month}.html"


def relative_url(from_page: str, to_page: str) -> str:
    """A link that works from file://, from / and from any sub-path."""
    if "#" in to_page:
        to_page, fragment = to_page.split("#", 1)
        fragment = "#" + fragment
    else:
        fragment = ""
    rel = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return quote(rel) + fragment


# --- what pages show --------------------------------------------------------------------------


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


@dataclass
class SiteModel:
    """Everything the templates need, derived once from the journal."""

    journal: Journal
    today: date
    entries: tuple[Entry, ...]  # oldest first
    by_id: dict[str, Entry]
    domains: list[DomainSummary]
    tags: dict[str, tuple[str, list[Entry]]]  # slug -> (label, entries newest first)
    months: dict[str, list[Entry]]  # "YYYY-MM" -> entries newest first, newest month first
    followers: dict[str, list[Entry]]  # setback id -> later entries that follow it
    evidence: Any = None
    extra_pages: dict[str, Callable[[], dict[str, Any]]] = field(default_factory=dict)


def domain_name(journal: Journal, slug: str, entries: Sequence[Entry]) -> str:
    """The configured name, else the domain as written in its latest entry."""
    configured = journal.config.domains.get(slug)
    if configured and configured.name:
        return configured.name
    return entries[-1].domain_label if entries else slug


def build_model(journal: Journal, today: date, evidence: Any = None) -> SiteModel:
    entries = journal.entries
    by_domain: dict[str, list[Entry]] = defaultdict(list)
    tags: dict[str, tuple[str, list[Entry]]] = {}
    months: dict[str, list[Entry]] = defaultdict(list)
    followers: dict[str, list[Entry]] = defaultdict(list)
    by_id = {e.id: e for e in entries}
    for e in entries:
        by_domain[e.domain].append(e)
        for tag in e.tags:
            tags.setdefault(slugify(tag), (tag, []))[1].append(e)
        months[f"{e.date:%Y-%m}"].append(e)
        if e.follows and e.follows in by_id:
            followers[e.follows].append(e)
    domains = []
    for slug, items in by_domain.items():
        cfg = journal.config.domains.get(slug)
        domains.append(
            DomainSummary(
                slug,
                domain_name(journal, slug, items),
                cfg.description if cfg else None,
                tuple(reversed(items)),
            )
        )
    domains.sort(key=lambda d: (-len(d.entries), d.name.lower()))
    for _, items in tags.values():
        items.reverse()
    for items in months.values():
        items.reverse()
    months = dict(sorted(months.items(), reverse=True))
    tags = dict(sorted(tags.items()))
    return SiteModel(
        journal, today, entries, by_id, domains, tags, months, dict(followers), evidence
    )


class Renderer:
    """Renders each page type from the model; a page's links are relative to itself."""

    def __init__(
        self,
        env: jinja2.Environment,
        model: SiteModel,
        *,
        preview: bool = False,
        linker: Callable[[str], str] | None = None,
    ):
        self.env = env
        self.model = model
        self.preview = preview
        self.linker = linker or (lambda path: path)
        journal = model.journal
        self.common = {
            "site_title": journal.config.title,
            "author": journal.config.author,
            "version": __version__,
            "today": model.today,
            "domains": model.domains,
            "preview": preview,
            "evidence": model.evidence,
            "entry_path": entry_path,
            "domain_path": domain_path,
            "tag_path": tag_path,
            "month_path": month_path,
            "by_id": model.by_id,
        }

    def page(self, template: str, path: str, **context: Any) -> bytes:
        here = self.linker(path)

        def url(target: str) -> str:
            return relative_url(here, self.linker(target))

        try:
            html = self.env.get_template(template).render(
                **self.common,
                **context,
                page_path=path,
                url=url,
                root=url("index.html")[: -len("index.html")] or "./",
            )
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or template
            line = getattr(exc, "lineno", None) or 1
            raise TemplateError(f"{where}:{line}: template error: {exc}") from exc
        return html.encode("utf-8")

    def entry(self, e: Entry, prev: Entry | None, nxt: Entry | None) -> bytes:
        m = self.model
        follows = m.by_id.get(e.follows) if e.follows else None
        return self.page(
            "entry.html",
            entry_path(e.id),
            entry=e,
            prev=prev,
            next=nxt,
            followed_by=m.followers.get(e.id, []),
            follows=follows,
            body=Markup(e.body_html),
            extra_context=self.entry_extra(e),
        )

    def entry_extra(self, e: Entry) -> dict[str, Any]:
        """Hook for the evidence layer (counter-evidence on setbacks)."""
        ev = self.model.evidence
        if ev is not None and hasattr(ev, "entry_context"):
            return ev.entry_context(e)
        return {}

    def all_pages(self) -> dict[str, bytes]:
        m = self.model
        pages: dict[str, bytes] = {}
        entries = m.entries
        for i, e in enumerate(entries):
            prev = entries[i - 1] if i > 0 else None
            nxt = entries[i + 1] if i + 1 < len(entries) else None
            pages[entry_path(e.id)] = self.entry(e, prev, nxt)
        for d in m.domains:
            pages[domain_path(d.slug)] = self.page("domain.html", domain_path(d.slug), domain=d)
        for slug, (label, items) in m.tags.items():
            pages[tag_path(slug)] = self.page("tag.html", tag_path(slug), tag=label, entries=items)
        months = list(m.months)
        for i, month in enumerate(months):
            newer = months[i - 1] if i > 0 else None
            older = months[i + 1] if i + 1 < len(months) else None
            pages[month_path(month)] = self.page(
                "month.html",
                month_path(month),
                month=month,
                month_date=date.fromisoformat(month + "-01"),
                entries=m.months[month],
                newer=newer,
                older=older,
            )
        pages["archive/index.html"] = self.page(
            "archive.html",
            "archive/index.html",
            months=[(k, date.fromisoformat(k + "-01"), v) for k, v in m.months.items()],
            tags=m.tags,
        )
        for path, make_context in m.extra_pages.items():
            context = make_context()
            pages[path] = self.page(context.pop("template"), path, **context)
        pages["index.html"] = self.page(
            "index.html",
            "index.html",
            recent=list(reversed(entries[-RECENT:])),
            wins=sum(1 for e in entries if e.is_win),
            setbacks=sum(1 for e in entries if not e.is_win),
        )
        pages["404.html"] = self.page("404.html", "404.html")
        return pages


def render_site(
    journal: Journal,
    env: jinja2.Environment,
    today: date,
    *,
    evidence: Any = None,
    preview: bool = False,
    assets: dict[str, bytes] | None = None,
    extra_pages: dict[str, Callable[[], dict[str, Any]]] | None = None,
) -> dict[str, bytes]:
    """The whole site in memory; nothing touches the disk here."""
    model = build_model(journal, today, evidence)
    if extra_pages:
        model.extra_pages.update(extra_pages)
    pages = Renderer(env, model, preview=preview).all_pages()
    pages.update(assets if assets is not None else collect_assets(journal.root))
    return pages


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
