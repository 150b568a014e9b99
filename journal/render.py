"""Jinja environment and page rendering: a journal becomes {output path: bytes} in memory."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import multiprocessing
import os
import pickle
import posixpath
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, MutableMapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from journal import __version__
from journal.analyse import analytics, recall
from journal.analyse.analytics import domain_name
from journal.errors import TemplateError
from journal.load.entry import Entry
from journal.load.journal import Journal, fork_is_safe
from journal.pages import search_index
from journal.text import slugify

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


_ENVS: dict[tuple, jinja2.Environment] = {}


def make_env(root: Path) -> jinja2.Environment:
    """One environment per set of template files (by content), so the preview compiles
    templates once instead of on every rebuild."""
    key = (tuple(str(d) for d in template_dirs(root)), templates_digest(root))
    env = _ENVS.get(key)
    if env is None:
        if len(_ENVS) > 8:
            _ENVS.clear()
        env = _ENVS[key] = _new_env(root)
    return env


def _new_env(root: Path) -> jinja2.Environment:
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
        bytecode_cache=_bytecode_cache(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a template change makes a new environment (see make_env)
    )
    env.item_cache = {}  # type: ignore[attr-defined]  # rendered list items, see entry_item
    env.filters["longdate"] = lambda d: f"{d:%A} {d.day} {d:%B %Y}"
    env.filters["shortdate"] = lambda d: f"{d.day} {d:%b %Y}"
    env.filters["pct"] = lambda x: "–" if x is None else f"{round(100 * x)}%"
    return env


def _bytecode_cache(root: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the journal's cache folder: compiling them is a good
    part of a small rebuild's time. Keyed by each template's source, so never stale."""
    from journal.cache import CACHE_DIR

    folder = root / CACHE_DIR / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def collect_assets(root: Path, static: bool = True) -> dict[str, bytes]:
    """templates/assets/* (own over default) and the journal's static/ folder, as output files."""
    files: dict[str, bytes] = {}
    for folder in reversed(template_dirs(root)):
        base = folder / ASSETS_DIR
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    files[f"{ASSETS_DIR}/{path.relative_to(base).as_posix()}"] = path.read_bytes()
    folder = root / "static"
    if static and folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
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


SEARCH_PAGE = "search.html"
FEED = "feed.xml"
FEED_SIZE = 50


def atom_id(base: str | None, what: str) -> str:
    """Stable across builds and moves of the site: a name-based UUID of the entry's id."""
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"evidence-journal:{base or ''}:{what}")
    )


def atom_time(e: Entry) -> str:
    return f"{e.date.isoformat()}T{e.time or '00:00'}:00Z"


@lru_cache(maxsize=65536)
def _quoted(path: str) -> str:
    return quote(path, safe="/#")


@lru_cache(maxsize=262144)
def relative_url(from_page: str, to_page: str) -> str:
    """A link that works from file://, from / and from any sub-path.

    Every page path is relative to the site root, so climbing to the root and down
    again is always right; called for every link, it must stay this cheap.
    """
    if posixpath.dirname(from_page) == posixpath.dirname(to_page.split("#", 1)[0]):
        return _quoted(posixpath.basename(to_page))
    return "../" * from_page.count("/") + _quoted(to_page)


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


def build_model(journal: Journal, today: date, evidence: Any = None) -> SiteModel:
    entries = journal.entries
    by_domain: dict[str, list[Entry]] = defaultdict(list)
    tags: dict[str, tuple[str, list[Entry]]] = {}
    months: dict[str, list[Entry]] = defaultdict(list)
    by_id = {e.id: e for e in entries}
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
    months = dict(sorted(months.items(), reverse=True))
    tags = dict(sorted(tags.items()))
    followers = analytics.followers(entries)
    return SiteModel(
        journal, today, entries, by_id, domains, tags, months, dict(followers), evidence
    )


@dataclass(frozen=True)
class PageJob:
    """One page to render: its template and a small, picklable context.

    `lazy` adds context that is costly to make (charts) and fully determined by
    `context`, so it is made only when the page is really rendered. `key`, when set,
    stands for the whole context in the fingerprint (cheaper for the many entry pages).
    """

    path: str
    template: str
    context: dict[str, Any]
    lazy: Callable[[], dict[str, Any]] | None = None
    key: tuple | None = None

    def fingerprint(self) -> str:
        if self.key is not None:
            return hashlib.blake2b(
                repr((self.template, self.key)).encode(), digest_size=16
            ).hexdigest()
        return fingerprint(self.template, self.context)


class _Fingerprinter(pickle.Pickler):
    """Pickles a page's inputs, writing each Entry as (path, digest): its file's identity."""

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is Entry:
            return (obj.path, obj.digest)
        return None


def canonical(value: Any) -> Any:
    """A process-independent form: sets are sorted, since their order follows string and
    date hashes, which Python randomises per process (and a key must survive restarts)."""
    if isinstance(value, set | frozenset):
        return tuple(sorted(canonical(v) for v in value))
    if isinstance(value, dict):
        return tuple((k, canonical(v)) for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return tuple(canonical(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, canonical(getattr(value, f.name))) for f in dataclasses.fields(value)
        )
    return value


def _identity(value: Any) -> Any:
    """Entries as they show in lists, charts and figures: (path, meta digest) pairs, which
    leave the body out, so a body edit re-renders the entry's own page and not the lists."""
    if value is None:
        return None
    if isinstance(value, Entry):
        return (value.path, value.meta)
    if len(value) > 8:  # long lists: one short digest, cheaper to repr and to compare
        joined = "\n".join([f"{e.path}\0{e.meta}" for e in value])
        return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()
    return tuple((e.path, e.meta) for e in value)


def _whole(value: Any) -> Any:
    """Entries shown whole, body included (an entry's own page, the feed)."""
    if isinstance(value, Entry):
        return (value.path, value.digest)
    return tuple((e.path, e.digest) for e in value)


def fingerprint(*parts: Any) -> str:
    """A digest of everything a page is made from; equal digests mean equal bytes."""
    buffer = io.BytesIO()
    pickler = _Fingerprinter(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: with it, two equal values pickle differently when one shares string objects
    # (say, a domain name parsed fresh) and the other does not (the same name from the cache).
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


def templates_digest(root: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    for folder in template_dirs(root):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


_ENTRY_KEYED = ("followed_by", "follows", "counter_evidence")


class Renderer:
    """Turns the model into page jobs and jobs into bytes; links are relative to each page."""

    def __init__(
        self,
        env: jinja2.Environment,
        model: SiteModel,
        *,
        preview: bool = False,
        encrypted: bool = False,
        linker: Callable[[str], str] | None = None,
    ):
        self.env = env
        self.model = model
        self.linker = linker or (lambda path: path)
        journal = model.journal
        self.common: dict[str, Any] = {
            "site_title": journal.config.title,
            "base_url": journal.config.base_url,
            "author": journal.config.author,
            "version": __version__,
            "today": model.today,
            "domain_names": {d.slug: d.name for d in model.domains},
            "preview": preview,
            "encrypted": encrypted,
            "has_evidence": model.evidence is not None,
        }
        self.items: dict[tuple, Markup] = env.item_cache  # type: ignore[attr-defined]
        if len(self.items) > 200_000:
            self.items.clear()
        self.templates: dict[str, jinja2.Template] = {}
        self.functions = {
            "entry_path": entry_path,
            "domain_path": domain_path,
            "tag_path": tag_path,
            "month_path": month_path,
            "atom_id": atom_id,
            "atom_time": atom_time,
        }
        self.common_key = fingerprint(self.common)

    def global_key(self, root: Path) -> str:
        """What every page depends on: code, templates, config and the shared context."""
        from journal.load.markdown import MARKDOWN_SETTINGS

        return fingerprint(
            __version__,
            MARKDOWN_SETTINGS,
            templates_digest(root),
            canonical(self.model.journal.config),
            self.common,
        )

    def render(self, job: PageJob) -> bytes:
        here = self.linker(job.path)

        def url(target: str) -> str:
            return relative_url(here, self.linker(target))

        def entry_item(e: Entry, show_domain: bool = True) -> Markup:
            """One line of an entry list; rendered once per entry and link, as lists are long."""
            link = url(entry_path(e.id))
            key = (self.common_key, e.path, e.meta, show_domain, link)
            html = self.items.get(key)
            if html is None:
                html = self.items[key] = Markup(
                    self._template("_entry_item.html").render(
                        **self.common, e=e, show_domain=show_domain, link=link
                    )
                )
            return html

        def setback_item(e: Entry, applied: list[Entry]) -> Markup:
            """One setback of the failure log, cached like entry_item (the log is long)."""
            link = url(entry_path(e.id))
            applied_links = tuple((a.id, a.title, url(entry_path(a.id))) for a in applied)
            key = (self.common_key, "setback", e.path, e.meta, link, applied_links)
            html = self.items.get(key)
            if html is None:
                html = self.items[key] = Markup(
                    self._template("_setback_item.html").render(
                        **self.common, e=e, link=link, applied=applied_links
                    )
                )
            return html

        try:
            html = self._template(job.template).render(
                **self.common,
                **self.functions,
                **job.context,
                **(job.lazy() if job.lazy else {}),
                page_path=job.path,
                url=url,
                entry_item=entry_item,
                setback_item=setback_item,
            )
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or job.template
            line = getattr(exc, "lineno", None) or 1
            raise TemplateError(f"{where}:{line}: template error: {exc}") from exc
        return html.encode("utf-8")

    def search_files(
        self,
        indexer: search_index.SearchIndexer,
        previous: Callable[[str], bytes | None] = lambda path: None,
    ) -> tuple[dict[str, str], Callable[[str], bytes]]:
        """The search index files' fingerprints, and their bytes on demand."""
        here = self.linker(SEARCH_PAGE)
        names = self.common["domain_names"]
        context = (here, self.linker("search/x.js"), tuple(sorted(names.items())))

        def link(path: str) -> str:
            return relative_url(here, self.linker(path))

        def terms_of(e: Entry) -> dict[str, int]:
            return search_index.entry_terms(e, names.get(e.domain, ""))

        def row_of(e: Entry) -> str:
            key = ("row", e.path, e.digest, context)
            row = self.items.get(key)
            if row is None:
                row = self.items[key] = search_index.row(link(entry_path(e.id)), e)
            return row

        return indexer.build(self.model.entries, names, terms_of, row_of, link, context, previous)

    def _template(self, name: str) -> jinja2.Template:
        template = self.templates.get(name)
        if template is None:
            template = self.templates[name] = self.env.get_template(name)
        return template

    def _entry_job(self, i: int) -> PageJob:
        m = self.model
        ev = m.evidence
        entries = m.entries
        e = entries[i]
        context = {
            "entry": e,
            "prev": entries[i - 1] if i > 0 else None,
            "next": entries[i + 1] if i + 1 < len(entries) else None,
            "followed_by": m.followers.get(e.id, []),
            "follows": m.by_id.get(e.follows) if e.follows else None,
            "counter_evidence": ev.counter_evidence_for(e) if ev is not None else [],
        }
        # neighbours show only their title: a body edit must not re-render them
        near = tuple((n.id, n.title) if n else None for n in (context["prev"], context["next"]))
        key = (near, _whole(e), *(_identity(context[k]) for k in _ENTRY_KEYED))
        return PageJob(entry_path(e.id), "entry.html", context, key=key)

    def _feed_job(self) -> PageJob | None:
        if self.common["encrypted"]:
            return None
        feed = list(reversed(self.model.entries[-FEED_SIZE:]))
        return PageJob(FEED, "feed.xml", {"entries": feed}, key=("feed", _whole(feed)))

    def shown_key(self, global_key: str) -> tuple:
        """Everything but the entries' bodies: equal keys mean only bodies changed."""
        shown = "\n".join([f"{e.path}\0{e.meta}" for e in self.model.entries])
        return (global_key, hashlib.blake2b(shown.encode()).digest(), self.linker("x/y.html"))

    def body_edit_jobs(self, digests: dict[str, str]) -> list[tuple[PageJob, str]]:
        """The pages a body-only change can alter: the edited entries' own and the feed."""
        jobs = [
            self._entry_job(i)
            for i, e in enumerate(self.model.entries)
            if digests.get(e.path) != e.digest
        ]
        feed = self._feed_job()
        if feed is not None:
            jobs.append(feed)
        return [(job, job.fingerprint()) for job in jobs]

    def jobs(self) -> list[PageJob]:
        m = self.model
        ev = m.evidence
        jobs: list[PageJob] = []
        entries = m.entries
        # Keys stand for everything a page shows (besides the global key's config, today
        # and templates). Pages made from the whole journal share one key.
        whole = hashlib.blake2b(repr(_identity(entries)).encode(), digest_size=16).hexdigest()
        jobs += [self._entry_job(i) for i in range(len(entries))]
        for d in m.domains:
            context: dict[str, Any] = {"domain": d}
            lazy = None
            if ev is not None:
                extra, lazy = ev.domain_context(d.slug)
                context.update(extra)
            # the domain's entries, and who follows its setbacks (maybe from other domains)
            key = (
                d.slug,
                d.name,
                d.description,
                _identity(d.entries),
                tuple(
                    (e.id, _identity(m.followers.get(e.id, [])))
                    for e in d.entries
                    if e.kind == "setback"
                ),
            )
            jobs.append(PageJob(domain_path(d.slug), "domain.html", context, lazy=lazy, key=key))
        for slug, (label, items) in m.tags.items():
            jobs.append(
                PageJob(
                    tag_path(slug),
                    "tag.html",
                    {"tag": label, "entries": items},
                    key=(label, _identity(items)),
                )
            )
        months = list(m.months)
        for i, month in enumerate(months):
            jobs.append(
                PageJob(
                    month_path(month),
                    "month.html",
                    {
                        "month": month,
                        "month_date": date.fromisoformat(month + "-01"),
                        "entries": m.months[month],
                        "newer": months[i - 1] if i > 0 else None,
                        "older": months[i + 1] if i + 1 < len(months) else None,
                    },
                    key=(
                        month,
                        _identity(m.months[month]),
                        months[i - 1] if i > 0 else None,
                        months[i + 1] if i + 1 < len(months) else None,
                    ),
                )
            )
        jobs.append(
            PageJob(
                "archive/index.html",
                "archive.html",
                {
                    "months": [
                        (k, date.fromisoformat(k + "-01"), len(v)) for k, v in m.months.items()
                    ],
                    "tags": [(slug, label, len(items)) for slug, (label, items) in m.tags.items()],
                    "domains": m.domains,
                },
                key=(
                    tuple((k, len(v)) for k, v in m.months.items()),
                    tuple((slug, label, len(items)) for slug, (label, items) in m.tags.items()),
                    tuple((d.slug, d.name, len(d.entries)) for d in m.domains),
                ),
            )
        )
        for path, make_context in m.extra_pages.items():
            context = make_context()
            template, lazy = context.pop("template"), context.pop("lazy", None)
            jobs.append(PageJob(path, template, context, lazy=lazy, key=(path, whole)))
        home: dict[str, Any] = {
            "domains": m.domains,
            "recent": list(reversed(entries[-RECENT:])),
            "wins": sum(1 for e in entries if e.is_win),
            "setbacks": sum(1 for e in entries if not e.is_win),
            "on_this_day": recall.on_this_day(entries, m.today),
            "looking_back": recall.looking_back(entries, m.today),
        }
        home_lazy = None
        if ev is not None:
            extra, home_lazy = ev.home_context()
            home.update(extra)
        jobs.append(PageJob("index.html", "index.html", home, lazy=home_lazy, key=("home", whole)))
        jobs.append(PageJob("404.html", "404.html", {}))
        names = tuple((d.slug, d.name) for d in m.domains)
        jobs.append(PageJob(SEARCH_PAGE, "search.html", {"domains": m.domains}, key=names))
        feed = self._feed_job()
        if feed is not None:
            jobs.append(feed)
        return jobs


class PageMemo:
    """Fingerprints of the pages last written to one folder, to skip unchanged ones.

    A page is skipped only when its fingerprint matches and its file on disk still has
    the size and mtime recorded when it was written; anything else renders it again.
    """

    FORMAT = 3  # raise when the memo's fields change: an older memo is then ignored

    def __init__(self) -> None:
        self.format = self.FORMAT
        self.out: str = ""
        self.global_key: str = ""
        self.pages: dict[str, tuple[str, int, int]] = {}
        self.search = search_index.SearchIndexer()  # what the last search index was made of
        self.shown: tuple | None = None  # the last build's Renderer.shown_key
        self.digests: dict[str, str] = {}  # and its entries' file digests

    def reusable(self, out: Path, global_key: str) -> bool:
        return self.out == str(out.resolve()) and self.global_key == global_key

    def unchanged(self, out: Path, path: str, fp: str) -> bool:
        known = self.pages.get(path)
        if known is None or known[0] != fp:
            return False
        try:
            st = os.stat(os.path.join(self.out, path))
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == known[1:]

    def record(
        self,
        out: Path,
        global_key: str,
        fps: dict[str, str],
        unchanged: Collection[str] = (),
        shown: tuple | None = None,
        digests: dict[str, str] | None = None,
    ) -> None:
        """Call after writing: remembers each page's fingerprint and file stamp. Pages
        left `unchanged` keep the stamp they already have, saving a stat per page."""
        same = self.reusable(out, global_key)
        old = self.pages if same else {}
        self.shown, self.digests = shown, digests or {}
        self.out, self.global_key = str(out.resolve()), global_key
        self.pages = {}
        for path, fp in fps.items():
            if path in unchanged and path in old:
                self.pages[path] = old[path]
                continue
            try:
                st = os.stat(os.path.join(self.out, path))
            except OSError:
                continue
            self.pages[path] = (fp, st.st_size, st.st_mtime_ns)


@dataclass
class RenderResult:
    pages: MutableMapping[str, bytes]  # rendered now
    unchanged: set[str]  # known to be on disk already, byte for byte
    fingerprints: dict[str, str]
    global_key: str
    shown: tuple | None = None  # see Renderer.shown_key
    digests: dict[str, str] | None = None  # entry path -> file digest


def render_site(
    journal: Journal,
    env: jinja2.Environment,
    today: date,
    *,
    evidence: Any = None,
    preview: bool = False,
    assets: dict[str, bytes] | None = None,
    extra_pages: dict[str, Callable[[], dict[str, Any]]] | None = None,
    memo: PageMemo | None = None,
    out: Path | None = None,
    encrypted: bool = False,
    linker: Callable[[str], str] | None = None,
    pages: MutableMapping[str, bytes] | None = None,
) -> RenderResult:
    """The site in memory (or into `pages`, e.g. a FreshFolder writing as it goes); with a
    memo for `out`, pages whose inputs did not change are skipped."""
    model = build_model(journal, today, evidence)
    if extra_pages:
        model.extra_pages.update(extra_pages)
    renderer = Renderer(env, model, preview=preview, encrypted=encrypted, linker=linker)
    global_key = renderer.global_key(journal.root)
    use_memo = memo is not None and out is not None and memo.reusable(out, global_key)
    pages = {} if pages is None else pages
    unchanged: set[str] = set()
    fps: dict[str, str] = {}
    todo: list[PageJob] = []
    shown = renderer.shown_key(global_key)
    digests = {e.path: e.digest for e in model.entries}
    pairs = None
    if use_memo and memo.shown == shown:  # type: ignore[union-attr]
        # Only bodies changed since the last build: every page but the edited entries'
        # and the feed is as the memo says, if its file is still as written.
        pairs = renderer.body_edit_jobs(memo.digests)  # type: ignore[union-attr]
        redo = {job.path for job, _fp in pairs}
        for path, known in memo.pages.items():  # type: ignore[union-attr]
            if path in redo or search_index.is_search_file(path):
                continue
            if not memo.unchanged(out, path, known[0]):  # type: ignore[union-attr,arg-type]
                pairs = None  # a page changed on disk: check every page
                unchanged.clear()
                fps.clear()
                break
            unchanged.add(path)
            fps[path] = known[0]
    if pairs is None:
        pairs = [(job, job.fingerprint()) for job in renderer.jobs()]
    for job, fp in pairs:
        fps[job.path] = fp
        if use_memo and memo.unchanged(out, job.path, fp):  # type: ignore[union-attr,arg-type]
            unchanged.add(job.path)
        else:
            todo.append(job)
    for job, html in zip(todo, render_many(renderer, todo), strict=True):
        pages[job.path] = html
    indexer = memo.search if memo is not None else search_index.SearchIndexer()

    def previous(path: str) -> bytes | None:
        """A file as the last build wrote it, if the memo vouches it is still so."""
        known = memo.pages.get(path) if use_memo else None  # type: ignore[union-attr]
        if known is None or not memo.unchanged(out, path, known[0]):  # type: ignore[union-attr,arg-type]
            return None
        try:
            return (out / path).read_bytes()  # type: ignore[operator]
        except OSError:
            return None

    search_fps, search_data = renderer.search_files(indexer, previous)
    for path, fp in search_fps.items():
        fps[path] = fp
        if use_memo and memo.unchanged(out, path, fp):  # type: ignore[union-attr,arg-type]
            unchanged.add(path)
        else:
            pages[path] = search_data(path)
    pages.update(assets if assets is not None else collect_assets(journal.root))
    return RenderResult(pages, unchanged, fps, global_key, shown, digests)


RENDER_PARALLEL_MIN = 2000  # pages; below this, forking workers costs more than it saves
_FORKED: tuple[Renderer, list[PageJob]] | None = None  # what forked workers inherit


def _render_slice(bounds: tuple[int, int]) -> list[bytes]:
    renderer, jobs = _FORKED  # type: ignore[misc]
    return [renderer.render(job) for job in jobs[bounds[0] : bounds[1]]]


def render_many(renderer: Renderer, jobs: list[PageJob]) -> Iterator[bytes]:
    """Render pages in order, in forked workers when there are many and no other thread
    runs; a generator, so a caller writing pages as they come never holds them all.

    Workers inherit the renderer and the jobs through fork, so nothing but the page
    bytes crosses a process boundary.
    """
    global _FORKED
    workers = os.cpu_count() or 1
    if workers < 2 or len(jobs) < RENDER_PARALLEL_MIN or not fork_is_safe():
        for job in jobs:
            yield renderer.render(job)
        return
    size = -(-len(jobs) // (workers * 8))
    bounds = [(i, min(i + size, len(jobs))) for i in range(0, len(jobs), size)]
    _FORKED = (renderer, jobs)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for chunk in pool.map(_render_slice, bounds):
                yield from chunk
    finally:
        _FORKED = None
