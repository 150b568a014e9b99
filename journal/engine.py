"""The site as values: list the pages, add what they show of the bodies, key and render them.

Shared by `journal build`, publish and the preview, so every one of them makes the same
bytes from the same inputs:

    listed  = list_site(root, options, memo)     files -> journal -> evidence -> pages
    keyed   = key_pages(listed, global_key)      each page + what it read of the bodies,
                                                 and a digest of all it received
    bytes   = Renderer.render(page)              (memoised by that digest)

The preview keeps one `LiveSite` in memory. An edit that leaves every entry's frontmatter,
links, attachments and problems as they were (a body edit, the common save) is a change of
bodies only: the listed pages stay, and only the pages that read a changed body, or a part
of the search index that changed, are keyed and rendered again (`LiveSite.bodies_changed`).
Anything else lists the site afresh (`LiveSite.rebuild`), reusing every page whose key did
not change. What a page read is recorded as it is made (pages/page.py `resolve`), never
listed by hand, and the differential tests check both ways against a cold build.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.errors import Problem
from journal.load.files import (
    MAX_ENTRY_BYTES,
    Sources,
    read_regular,
    read_sources,
    updated_sources,
)

if TYPE_CHECKING:
    from journal.build import Options
    from journal.load.entry import Body, Entry, Parsed
    from journal.load.journal import Journal
    from journal.memo import Memo
    from journal.pages import Site
    from journal.pages.page import Page
    from journal.pages.search_index import SearchIndex
    from journal.render import Renderer


@dataclass(frozen=True)
class Listed:
    """A journal's pages before their bodies are read: the loaded journal (all of it and
    what this build shows), the site model, the search index and the page list."""

    full: Journal
    shown: Journal
    site: Site
    index: SearchIndex
    pages: list[Page]
    parsed: dict[str, Parsed] = field(default_factory=dict)  # entry file -> its parse
    # the search shards that differ from the previous listing's (None: any may)
    search_parts: frozenset[str] | None = None


def list_site(
    root: Path,
    options: Options,
    memo: Memo | None = None,
    sources: Sources | None = None,
    previous: Listed | None = None,
) -> Listed:
    """Load, analyse and list the pages; raises ProblemsError before anything is written.
    `previous`: the last listing, whose search index is updated when it can be."""
    from journal.analyse import analyse
    from journal.load.journal import load_journal
    from journal.pages import SiteOptions, site_pages
    from journal.theme import template_dirs

    today = options.today or date.today()
    parsed: dict[str, Parsed] = {}
    parts: list[frozenset[str] | None] = [None]

    def index_of(site: Site) -> SearchIndex:
        index, parts[0] = updated_index(previous, site, shown.bodies)  # type: ignore[arg-type]
        return index

    full = load_journal(root, memo, sources, parsed)
    shown = full.select(drafts=options.drafts or options.preview, private=options.private)
    evidence = analyse(shown, today)
    site, index, pages = site_pages(
        shown,
        evidence,
        SiteOptions(preview=options.preview, encrypted=options.encrypted),
        template_dirs(root),
        index_of if previous else None,
    )
    return Listed(full, shown, site, index, pages, parsed, parts[0])


def updated_index(
    previous: Listed, site: Site, bodies: Mapping[str, Body]
) -> tuple[SearchIndex, frozenset[str] | None]:
    """The search index of `site`, made from the previous one when the same domain names
    hold and the entries shown are the previous ones in the same order, give or take one
    entry put in or taken out (the index numbers entries by position: the numbers after
    it move by one): only the entries whose frontmatter or body changed are taken out and
    put in again. Otherwise, inverted afresh. Either way, what inverting afresh gives; with
    the keys of the shards that changed, when known (None: any may have)."""
    from journal.pages import search_index as si
    from journal.pages.search import index_site

    old_site, old_bodies = previous.site, previous.shown.bodies
    names = {d.slug: d.name for d in site.domains}
    old_names = {d.slug: d.name for d in old_site.domains}
    new_ids = [e.id for e in site.entries]
    old_ids = [e.id for e in old_site.entries]
    if names != old_names:
        return index_site(site, bodies), None
    index = previous.index
    olds: list = list(old_site.entries)  # the entry each position held before (None: new)

    def terms(e: Entry, body: Body, domain_names: dict[str, str]) -> dict[str, int]:
        words = si.body_words(body.text, body.words)
        return si.entry_terms(e, words, domain_names.get(e.domain, ""))

    if new_ids != old_ids:
        pairs = enumerate(zip(new_ids, old_ids, strict=False))
        at = next((n for n, (a, b) in pairs if a != b), min(len(new_ids), len(old_ids)))
        if len(new_ids) == len(old_ids) + 1 and new_ids[at + 1 :] == old_ids[at:]:
            index = index.renumbered(at, +1)
            olds.insert(at, None)
        elif len(new_ids) + 1 == len(old_ids) and new_ids[at:] == old_ids[at + 1 :]:
            gone = old_site.entries[at]
            index = index.updated([(at, terms(gone, old_bodies[gone.id], old_names), {})])[0]
            if index.k != previous.index.k:
                return index_site(site, bodies), None
            index = index.renumbered(at + 1, -1)
            del olds[at]
        else:
            return index_site(site, bodies), None
    changes = []
    for n, (e, old) in enumerate(zip(site.entries, olds, strict=True)):
        body = bodies[e.id]
        if old is None:
            changes.append((n, {}, terms(e, body, names)))
            continue
        old_body = old_bodies[old.id]
        if e.key == old.key and body.key == old_body.key and body.words == old_body.words:
            continue
        before, after = terms(old, old_body, old_names), terms(e, body, names)
        if before != after:
            changes.append((n, before, after))
    renumbered = index is not previous.index  # every number after one entry moved
    if not changes:
        return index, None if renumbered else frozenset()
    index, shards = index.updated(changes)
    # a shard made or emptied is a page listed or gone, told by the page list itself
    same_keys = index.k == previous.index.k
    return index, frozenset(shards) if same_keys and not renumbered else None


@dataclass(frozen=True)
class Keyed:
    page: Page  # with its late context added (None where only the key is kept)
    key: str  # a digest of everything the page receives, under the global key
    reads: frozenset  # body ids and ("search", shard) parts it read


def key_pages(
    pages: Iterable[Page], bodies: Mapping[str, Body], index: SearchIndex, keys: Any = None
) -> list[Keyed]:
    """Each page with its late context, its key (`keys`: pages.page.PageKeys; none for
    publish, which keeps no memo) and what it read."""
    return list(iter_keyed(pages, bodies, index, keys))


def iter_keyed(
    pages: Iterable[Page], bodies: Mapping[str, Body], index: SearchIndex, keys: Any = None
) -> Iterator[Keyed]:
    """key_pages one page at a time: a caller keeping only some contexts holds no others."""
    from journal.pages.page import resolve

    derived = {"search": index}
    for page in pages:
        full, reads = resolve(page, bodies, derived)
        yield Keyed(full, keys(full) if keys else "", reads)


# --- the preview's site in memory -----------------------------------------------------------


class Deferred:
    """A page rendered when first read: its late context is already added, so the bytes
    are those of the site it belongs to, whenever they are made."""

    __slots__ = ("page", "renderer")

    def __init__(self, renderer: Renderer, page: Page):
        self.renderer, self.page = renderer, page

    def __call__(self) -> bytes:
        return self.renderer.render(self.page)


class SiteFiles(Mapping[str, bytes]):
    """One whole site, path -> bytes, as the preview serves it. The search files an update
    changed are rendered on first read (a search, or a test comparing every file), not
    before the reload: after an entry is added, 560 of the 620 files that change are search
    files, which the page being written does not show. Reading one replaces it by its
    bytes, the same whenever it happens; the mapping is otherwise never changed."""

    def __init__(self, raw: dict[str, bytes | Deferred]):
        self.raw = raw  # for the next update, which reuses what it holds without reading
        self._lock = threading.Lock()

    def __getitem__(self, path: str) -> bytes:
        data = self.raw[path]
        if type(data) is bytes:
            return data
        with self._lock:
            data = self.raw[path]
            if type(data) is not bytes:
                data = self.raw[path] = data()  # type: ignore[operator]
            return data  # type: ignore[return-value]

    def __contains__(self, path: object) -> bool:
        return path in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


@dataclass
class Outcome:
    """What one update of a LiveSite did, for the terminal and the explain report."""

    entries: int
    files: int
    rendered: int
    seconds: float
    warnings: tuple[Problem, ...]
    why: list[tuple[str, str]]  # (path, why it was made again)
    fast: bool  # True: a change of bodies only


class LiveSite:
    """The whole site in memory (path -> bytes), and what made each page.

    `files` is replaced whole by each update, never changed in place: a request reads
    one site from start to end, and a failed update leaves the last good site served."""

    def __init__(self, root: Path, options: Options, memo: Memo | None = None):
        """`memo`: the journal's own (journal.memo.open_memo) unless one is given."""
        if memo is None:
            from journal.memo import open_memo

            memo = open_memo(root)
        memo.keep_keys()  # an unchanged file's bytes come back as the same object
        self.root, self.options, self.memo = root, options, memo
        self.files = SiteFiles({})
        self.entries = 0
        self.warnings: tuple[Problem, ...] = ()
        self._listed: Listed | None = None
        self._keyed: dict[str, Keyed] = {}
        self._pages: dict[str, Page] = {}
        self._sources: dict[str, bytes] = {}  # entry file -> bytes, in read_sources' order
        self._source_problems: list[Problem] = []
        self._renderer: Renderer | None = None
        self._failed = False  # the last update raised: the next one lists the site afresh
        self._env: Any = None  # the Jinja environment, kept while the templates are the same
        self._env_key: tuple = ()
        self._gkey = ""
        self._prefix = ""  # the page keys' common part in the last listing
        self._digests: dict = {}  # digests of lists and analysis results (PageKeys.kept)
        self._templates: Any = None  # template_keys.TemplateKeys of the last listing
        self._env_templates: Any = None  # ...of the templates self._env holds now
        self._today: date | None = None

    # -- everything afresh, reusing unchanged pages ------------------------------------------

    def rebuild(self, first: bool = False, edited: set[str] | None = None) -> Outcome:
        """List the site afresh; render only pages whose key is new. `first`: nothing is
        served yet and no other thread runs, so rendering may use forked workers and the
        memo's rendered objects on disk. `edited`: when known, the only entry files that
        changed (paths from the root): the others are not read again."""
        with paused_gc():
            return self._rebuild(first, edited)

    def _rebuild(self, first: bool, edited: set[str] | None) -> Outcome:
        from journal.keys import global_parts, pages_key
        from journal.load.links import fill_links
        from journal.pages.page import PageKeys
        from journal.pages.search import BUILTINS
        from journal.render import Renderer, make_env, render_many
        from journal.template_keys import TemplateKeys
        from journal.theme import template_dirs, templates_digest

        started = time.perf_counter()
        reuse = not self._failed  # the last listing is whole: its pages may be reused
        self._failed = True  # until this update is in place
        today = self.options.today or date.today()
        dirs = template_dirs(self.root)
        gkey = pages_key(global_parts(self.root, self.options, today, dirs))
        sources = None
        if edited is not None and self._listed is not None and reuse:
            known = Sources(list(self._sources.items()), self._source_problems)
            sources = updated_sources(self.root, known, edited)
        if sources is None:
            sources = read_sources(self.root)
        listed = list_site(self.root, self.options, self.memo, sources, self._listed)
        common = listed.site.common()
        env_key = (templates_digest(dirs), tuple(dirs))
        if env_key != self._env_key or self._env is None:  # templates compiled once each
            self._env, self._env_key = make_env(dirs), env_key
            self._env_templates = TemplateKeys(self._env, lambda: env_key[0])
        templates = self._env_templates
        keys = PageKeys(gkey, common, self._digests if reuse else None, templates)
        keyed = self._keyed_again(listed, keys, reuse)
        renderer = Renderer(self._env, common, None, data_files=BUILTINS, fill_links=fill_links)
        old_files, old_keyed = self.files.raw, self._keyed
        files: dict[str, bytes | Deferred] = {}
        todo: list[Keyed] = []
        kept: dict[str, Keyed] = {}  # path -> key and reads only (contexts are let go)
        for k in keyed:
            kept[k.page.path] = Keyed(None, k.key, k.reads)  # type: ignore[arg-type]
            before = old_keyed.get(k.page.path)
            if before is not None and before.key == k.key:
                files[k.page.path] = old_files[k.page.path]
                continue
            data = self._stored(k.key) if first else None
            if data is None:
                todo.append(k)
                files[k.page.path] = b""  # in page order; filled below
            else:
                files[k.page.path] = data
        if not first:  # the search files wait until asked for (SiteFiles)
            for k in todo:
                if k.page.template in BUILTINS:
                    files[k.page.path] = Deferred(renderer, k.page)
            todo_now = [k for k in todo if k.page.template not in BUILTINS]
        else:
            todo_now = todo
        pages = [k.page for k in todo_now]
        for k, data in zip(todo_now, render_many(renderer, pages, _identity), strict=True):
            files[k.page.path] = data
        why = [(k.page.path, self._why(k, old_keyed, gkey, templates)) for k in todo]
        self.memo.finish(pages=False)
        self._commit(listed, kept, files, renderer, gkey, today, sources)
        self._prefix = keys.prefix
        self._digests = keys.kept()
        self._templates = templates
        return Outcome(
            len(listed.site.journal.entries),
            len(files),
            len(todo),
            time.perf_counter() - started,
            listed.full.warnings,
            why,
            False,
        )

    def _keyed_again(self, listed: Listed, keys: Any, reuse: bool) -> Iterator[Keyed]:
        """Each page keyed, or, when it holds the same values as the page of that path in
        the last listing and read nothing that changed since, that page's key and reads
        (with the page as listed, its late context not added). The early cut-off that
        spares pickling 11,000 contexts to find the few a frontmatter edit changed."""
        from journal.load.model import Entry
        from journal.same import Same

        old = self._listed
        if old is None or not reuse or keys.prefix != self._prefix:
            yield from iter_keyed(listed.pages, listed.shown.bodies, listed.index, keys)
            return
        bodies, old_bodies = listed.shown.bodies, old.shown.bodies
        dirty: set[object] = {
            i for i in bodies.keys() | old_bodies.keys() if bodies.get(i) is not old_bodies.get(i)
        }
        search_changed = listed.index is not old.index
        if search_changed and listed.search_parts is not None:  # these shards only
            dirty |= {("search", key) for key in listed.search_parts}
            search_changed = False
        same = Same(by_key=(Entry,))
        old_pages, old_keyed = self._pages, self._keyed
        old_templates, templates = self._templates, keys.templates

        def same_templates(name: str) -> bool:
            if old_templates is templates or name.startswith("@"):
                return True
            return old_templates is not None and old_templates(name) == templates(name)

        for page in listed.pages:
            before = old_keyed.get(page.path)
            was = old_pages.get(page.path)
            if (
                before is not None
                and was is not None
                and was.template == page.template
                and same_templates(page.template)
                and not (before.reads & dirty)
                and not (search_changed and any(type(r) is tuple for r in before.reads))
                and same(page.context, was.context)
                and same(page.late, was.late)
            ):
                yield Keyed(page, before.key, before.reads)  # its late context not added
            else:
                yield from iter_keyed([page], bodies, listed.index, keys)

    def _stored(self, key: str) -> bytes | None:
        path = self.memo.page(key)
        if path is None:
            return None
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except OSError:
            return None

    def _why(self, k: Keyed, old: dict[str, Keyed], gkey: str, templates: Any) -> str:
        if not old:
            return "first build"
        if gkey != self._gkey:
            return "the options or today changed"
        if k.page.path not in old:
            return "new page"
        name, before = k.page.template, self._templates
        if before is not None and not name.startswith("@") and before(name) != templates(name):
            return f"the templates {name} reads changed"
        return "what the page shows changed"

    def _commit(
        self,
        listed: Listed,
        keyed: dict[str, Keyed],
        files: dict[str, bytes],
        renderer: Renderer,
        gkey: str,
        today: date,
        sources: Sources,
    ) -> None:
        self._listed = listed
        self._pages = {p.path: p for p in listed.pages}
        self._keyed = keyed
        self._renderer = renderer
        self._gkey, self._today = gkey, today
        self._sources = dict(sources.entries)
        self._source_problems = sources.problems
        self.entries = len(listed.site.journal.entries)
        self.warnings = listed.full.warnings
        self.files = SiteFiles(files)
        self._failed = False

    def close(self) -> None:
        """Save the parse memo for the next start (its rendered objects and the last build's
        record are the CLI's, left as they are), unless a build or publish holds the lock:
        then that command saves its own, and the next start parses what it must."""
        from journal.lock import journal_lock_if_free
        from journal.memo import save_memo

        with contextlib.suppress(OSError), journal_lock_if_free(self.root) as held:
            if held:
                save_memo(self.memo)

    # -- a change of bodies only -------------------------------------------------------------

    def bodies_changed(self, relpaths: Iterable[str]) -> Outcome | None:
        """Update for edited entry files if only their bodies changed; None when anything
        else may have (then `rebuild`). Pure in effect: the result is what `rebuild` makes."""
        try:
            with paused_gc():
                return self._bodies_changed(relpaths)
        except BaseException:
            self._failed = True
            raise

    def _bodies_changed(self, relpaths: Iterable[str]) -> Outcome | None:
        from journal.load.entry import parse_entry
        from journal.pages import search_index as si
        from journal.pages.search import BUILTINS

        started = time.perf_counter()
        listed = self._listed
        if listed is None or self._renderer is None or self._failed:
            return None  # after a failed update, only a whole one says what still stands
        if (self.options.today or date.today()) != self._today:
            return None
        changed: dict[str, tuple[Body, Body]] = {}  # id -> (old body, new body)
        sources = dict(self._sources)
        parsed = dict(listed.parsed)
        for rel in relpaths:
            old_data = sources.get(rel)
            old = parsed.get(rel)
            if old_data is None or old is None:
                return None  # a new file, or one that did not parse before
            try:
                data = read_regular(str(self.root / rel), MAX_ENTRY_BYTES)
            except (OSError, OverflowError):
                return None
            if data == old_data:
                continue
            new = self.memo.parse(rel, data, parse_entry)
            if not same_but_body(old, new):
                return None
            sources[rel], parsed[rel] = data, new
            changed[new.entry.id] = (old.body, new.body)  # type: ignore[union-attr]
        if not changed:
            return Outcome(self.entries, len(self.files), 0, 0.0, self.warnings, [], True)

        bodies = {**listed.full.bodies, **{i: new for i, (_, new) in changed.items()}}
        full = replace(listed.full, bodies=bodies)
        shown_bodies = dict(listed.shown.bodies)
        for i, (_, new) in changed.items():
            if i in shown_bodies:
                shown_bodies[i] = new
        shown = replace(listed.shown, bodies=shown_bodies)

        site = listed.site
        position = {e.id: n for n, e in enumerate(site.entries)}
        names = {d.slug: d.name for d in site.domains}
        terms = []
        for i, (old_body, new_body) in changed.items():
            n = position.get(i)
            if n is None or i not in shown_bodies:
                continue
            e = site.entries[n]
            name = names.get(e.domain, "")
            old_terms = si.entry_terms(e, si.body_words(old_body.text, old_body.words), name)
            new_terms = si.entry_terms(e, si.body_words(new_body.text, new_body.words), name)
            if old_terms != new_terms:
                terms.append((n, old_terms, new_terms))
        index, shards = listed.index.updated(terms) if terms else (listed.index, set())
        pages, fresh = self._pages, set()
        if index.layout != listed.index.layout:  # a shard made or emptied
            if index.k != listed.index.k:
                return None  # every word in another shard: list the site afresh
            pages, fresh = self._search_pages(site, index)
        dirty: set[object] = {i for i in changed if i in shown_bodies}
        dirty |= {("search", key) for key in shards}

        from journal.pages.page import PageKeys

        keys = PageKeys(self._gkey, site.common(), self._digests, self._templates)
        keyed = {path: k for path, k in self._keyed.items() if path in pages}
        files = {path: data for path, data in self.files.raw.items() if path in pages}
        why = []
        redo = [path for path, old in keyed.items() if old.reads & dirty]
        for path in [*redo, *sorted(fresh)]:
            old = keyed.get(path)
            (k,) = key_pages([pages[path]], shown_bodies, index, keys)
            keyed[path] = Keyed(None, k.key, k.reads)
            if old is not None and k.key == old.key:
                continue
            if k.page.template in BUILTINS:
                files[path] = Deferred(self._renderer, k.page)
            else:
                files[path] = self._renderer.render(k.page)
            if old is None:
                why.append((path, "a new search file"))
            else:
                read = sorted(_shown_read(r) for r in old.reads & dirty) or ["the search files"]
                why.append((path, "it shows what changed: " + ", ".join(read[:3])))
        new_listed = replace(listed, full=full, shown=shown, index=index, parsed=parsed)
        self._listed = new_listed
        self._pages = pages
        self._keyed = keyed
        self._sources = sources
        self.files = SiteFiles(files)
        return Outcome(
            self.entries,
            len(files),
            len(why),
            time.perf_counter() - started,
            self.warnings,
            why,
            True,
        )

    def _search_pages(self, site: Site, index: SearchIndex) -> tuple[dict[str, Page], set[str]]:
        """The pages with the search files listed for `index` (same key length, other
        shards): those made or changed are returned to be keyed and rendered. A static file
        at a search file's path stays, as make_pages leaves it (static files come last and
        win), and so does its place in the page order."""
        from journal.pages.page import RAW
        from journal.pages.search import search_pages
        from journal.pages.search_index import is_search_file

        listed = {p.path: p for p in search_pages(site, index.layout)}
        pages: dict[str, Page] = {}
        static: dict[str, Page] = {}
        for path, page in self._pages.items():
            if page.template == RAW:
                static[path] = page
            elif not is_search_file(path):
                pages[path] = page
        pages.update((path, page) for path, page in listed.items() if path not in static)
        for path, page in static.items():  # last, in their order, as make_pages lists them
            pages.pop(path, None)
            pages[path] = page
        new = {path for path in listed if path not in self._pages}
        main = {path for path in listed if path.endswith(".js") and "/" not in path}
        return pages, (new | main) - static.keys()


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while one update runs: the preview holds millions of
    long-lived objects (every entry, page and memo record), and each full collection
    walks them all, a third of a frontmatter edit's time at 10,000 entries. What the
    update leaves behind is collected after it, as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _shown_read(read: object) -> str:
    if isinstance(read, tuple):
        return f"search shard {read[1]!r}"
    return f"the body of {read}"


def same_but_body(old: Parsed, new: Parsed) -> bool:
    """True when two parses of one file differ at most in what the body shows: the same
    entry (its key covers every frontmatter field), links, attachments, problems."""
    if old.entry is None or new.entry is None or old.body is None or new.body is None:
        return False
    return (
        old.entry.key == new.entry.key
        and old.entry.id == new.entry.id
        and old.body.links == new.body.links
        and old.body.attachments == new.body.attachments
        and old.problems == new.problems
        and old.follows == new.follows
    )


def _identity(path: str, data: bytes) -> bytes:
    return data
