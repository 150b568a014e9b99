"""The build: load -> analyse -> pages -> render -> write, memoised by content keys.

    inputs   = inputs_key(...)                     unchanged since the last build? done
    listed   = list_site(root, options, memo)      load, analyse, list pages (engine.py)
    keyed    = key_pages(listed, ...)              bodies read late; a key for each page
    made     = _render_and_write(keyed, ...)       new keys rendered, the rest linked from
                                                   the memo; the folder swapped in whole
    _record(...)                                   what --explain compares next time

`journal serve` keeps the site in memory (engine.LiveSite) and `journal publish` takes
the files through `site_files`; both list, key and render with the same functions.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError, Problem, strict_failure
from journal.keys import global_key, global_parts, pages_key
from journal.load.files import read_sources
from journal.lock import journal_lock
from journal.memo import Memo, Stored, digest, open_memo, read_object, save_memo, store_object
from journal.stamps import inputs_key, outputs_stamp
from journal.theme import template_dirs
from journal.write import SiteWriter, check_target, clean_scratch, scratch_folder

STRICT_OUTCOME = "nothing was built (--strict: warnings count as errors)"

if TYPE_CHECKING:
    from journal.load.journal import Journal
    from journal.render import Linker

# The stages are imported when a build goes ahead: a build with nothing changed is done
# before Jinja, markdown-it or the analytics are loaded.

_CODE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Options:
    """What kind of site to make from the same journal."""

    drafts: bool = False
    private: bool = True  # publish sets False: private entries never leave the machine
    preview: bool = False
    encrypted: bool = False  # pages are made to be sealed by publish (Lock control shown)
    today: date | None = None


@dataclass(frozen=True)
class BuildResult:
    entries: int
    pages: int
    rendered: int
    seconds: float
    warnings: tuple[Problem, ...]
    skipped: bool = False  # nothing had changed since the last build into this folder
    why: tuple[tuple[str, str], ...] = ()  # with --explain: (page, why it was made again)

    def summary(self, out: Path) -> str:
        if self.skipped:
            return (
                f"Built {self.entries} entries into {self.pages} files in {out} "
                f"(nothing changed since the last build) in {self.seconds:.2f} s."
            )
        return (
            f"Built {self.entries} entries into {self.pages} files in {out} "
            f"({self.rendered} pages rendered) in {self.seconds:.2f} s."
        )


# --- keys ---------------------------------------------------------------------------------------


def site_files(
    root: Path, options: Options, linker: Linker | None = None, memo: Memo | None = None
) -> tuple[Journal, SiteBytes]:
    """Every file of the site at its logical path (for publish). With a memo that has a
    folder, parses and pages are memoised as a build's are (under a key that covers the
    linker too): a page whose key the memo knows is not rendered, and its bytes are read
    only if asked for."""
    from journal.engine import key_pages, list_site
    from journal.pages.page import PageKeys
    from journal.render import render_many

    cache = memo.folder if memo is not None else None
    dirs = template_dirs(root)
    keys = None
    renderer = None
    if cache is not None:
        parts = global_parts(root, options, options.today or date.today(), dirs)
        if linker is not None:  # the names pages link to (keyed: an HMAC of a fixed path)
            parts["the linker"] = linker("entries/\0linker-probe.html")
        listed = list_site(root, options, memo, read_sources(root))
        renderer = _renderer(dirs, listed.site.common(), cache, linker)
        keys = PageKeys(pages_key(parts), renderer.common, templates=_template_keys(renderer))
    else:
        listed = list_site(root, options, memo)
    common = listed.site.common()
    files = SiteBytes()
    todo = []
    for k in key_pages(listed.pages, listed.shown.bodies, listed.index, keys):
        found = memo.found(k.key) if keys is not None else None  # type: ignore[union-attr]
        files.add(k.page.path, found or b"")  # in page order; what is rendered filled below
        if found is None:
            todo.append(k)
    keep: Callable[[str, bytes], object] = _bytes
    if cache is not None:

        def keep(path: str, data: bytes) -> Stored:
            return store_object(cache, data)[1]

    renderer = renderer or _renderer(dirs, common, cache, linker)
    pages = [k.page for k in todo]
    for k, made in zip(todo, render_many(renderer, pages, keep), strict=True):
        if isinstance(made, Stored):
            memo.remember(k.key, made)  # type: ignore[union-attr]
            files.add(k.page.path, (memo.object_path(made.digest), made))  # type: ignore[union-attr]
        else:
            files.add(k.page.path, made)  # type: ignore[arg-type]
    return listed.shown, files


class SiteBytes(Mapping[str, bytes]):
    """A site's files at their logical paths, each held in memory or as a memo object read
    when asked for: a publish after one edit reads only the pages it seals afresh.
    `digest(path)` is the bytes' digest (memo.digest) without reading them."""

    def __init__(self) -> None:
        self._items: dict[str, bytes | tuple[str, Stored]] = {}

    def add(self, path: str, item: bytes | tuple[str, Stored]) -> None:
        self._items[path] = item

    def __getitem__(self, path: str) -> bytes:
        item = self._items[path]
        if isinstance(item, bytes):
            return item
        where, stored = item
        data = read_object(where, stored)
        if data is None:
            raise OSError(f"{where}: changed since it was kept (publish again)")
        return data

    def digest(self, path: str) -> str:
        item = self._items[path]
        return digest(item) if isinstance(item, bytes) else item[1].digest

    def __contains__(self, path: object) -> bool:
        return path in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Made:
    """An object derived from the site's files (publish's sealed objects): its bytes (when
    just made), the memo object holding them (`source`, when kept), its size and the note
    its maker gave with it."""

    note: str
    size: int
    data: bytes | None = None
    source: str | None = None


class SiteMemo:
    """The memo as publish uses it (publish does not manage the memo): the site's files
    under a linker, and objects derived from them, each kept under a key its maker gives
    (a digest of everything the object is made from), on publish's own shelves."""

    SHELVES = ("publish", "derived")

    def __init__(self, root: Path):
        self.root = root
        self.memo = open_memo(root, self.SHELVES)

    def site_files(self, options: Options, linker: Linker | None) -> tuple[Journal, SiteBytes]:
        return site_files(self.root, options, linker, self.memo)

    def kept(self, key: str) -> Made | None:
        """The object kept under `key` (a digest of everything it is made from), if it is
        there intact."""
        if self.memo.folder is None:
            return None
        found = self.memo.found(self._name(key), self.SHELVES[1])
        return None if found is None else Made(found[1].note, found[1].size, source=found[0])

    def keep(self, key: str, data: bytes, note: str) -> Made:
        """Keep `data` (made just now) under `key` for the next run, with its note."""
        memo = self.memo
        if memo.folder is None:
            return Made(note, len(data), data=data)
        path, stored = store_object(memo.folder, data)
        memo.remember(self._name(key), replace(stored, note=note), self.SHELVES[1])
        return Made(note, stored.size, data=data, source=str(path))  # no need to read it back

    @staticmethod
    def _name(key: str) -> str:
        return digest(key.encode("utf-8", "surrogateescape"))

    def save(self) -> None:
        """After the output is in place: keep only what this run used, and save."""
        self.memo.finish()
        save_memo(self.memo)


def _bytes(path: str, data: bytes) -> bytes:
    return data


def build(
    root: Path,
    out: Path,
    options: Options = Options(),
    memo: Memo | None = None,
    strict: bool = False,
    explain: bool = False,
) -> BuildResult:
    """Build the site into `out`. With `memo` (a test's), it is used and kept in memory;
    without, the journal's own memo is loaded and saved. `explain`: say why each page was
    made again (BuildResult.why)."""
    started = time.perf_counter()
    persist = memo is None
    if memo is None:
        memo = open_memo(root)
    cache = memo.folder
    check_target(out, root, cache)
    try:
        with journal_lock(root):
            result = _build(root, out, options, memo, started, not persist, strict, explain)
            if persist:
                save_memo(memo)
            return result
    except OSError as exc:
        where = exc.filename or out
        raise JournalError(
            f"{where}: {exc.strerror or exc} (the previous site is left as it was)"
        ) from None


def _build(
    root: Path,
    out: Path,
    options: Options,
    memo: Memo,
    started: float,
    in_memory: bool,
    strict: bool = False,
    explain: bool = False,
) -> BuildResult:
    """The stages, in order. `in_memory`: a memo given by the caller, not saved; the
    output is not stamped (a test's build, or one in a running process)."""
    clean_scratch(out, memo.folder)
    today = options.today or date.today()
    dirs = template_dirs(root)
    parts = global_parts(root, options, today, dirs)
    inputs = inputs_key(global_key(parts), out, root)
    last = memo.site
    if not in_memory and last and last["key"] == inputs and last["stamp"] == outputs_stamp(out):
        return _unchanged(memo, last, started, strict)  # no file read, no stage imported

    from journal.engine import key_pages, list_site
    from journal.pages.page import PageKeys

    listed = list_site(root, options, memo, read_sources(root))  # load, analyse, pages
    if strict and listed.full.warnings:  # before anything is written
        raise strict_failure(listed.full.warnings, STRICT_OUTCOME)
    common = listed.site.common()
    renderer = _renderer(dirs, common, memo.folder, None)
    keys = PageKeys(pages_key(parts), common, templates=_template_keys(renderer))
    keyed = key_pages(listed.pages, listed.shown.bodies, listed.index, keys)
    made, count = _render_and_write(keyed, renderer, memo, out, background=in_memory)
    why = _record(memo.folder, parts, listed, keyed, made, explain, keys.templates)
    memo.site = (
        None
        if in_memory
        else {
            "key": inputs,
            "stamp": outputs_stamp(out),
            "entries": len(listed.site.journal.entries),
            "files": count,
            "warnings": [asdict(p) for p in listed.full.warnings],
        }
    )
    memo.finish()
    return BuildResult(
        len(listed.site.journal.entries),
        count,
        len(made),
        time.perf_counter() - started,
        listed.full.warnings,
        why=tuple(why),
    )


def _unchanged(memo: Memo, last: dict, started: float, strict: bool) -> BuildResult:
    """Nothing changed since the last build into this folder: its record is the result."""
    memo.keep_all()
    warnings = tuple(Problem(**p) for p in last["warnings"])
    if strict and warnings:
        raise strict_failure(warnings, STRICT_OUTCOME)
    elapsed = time.perf_counter() - started
    return BuildResult(last["entries"], last["files"], 0, elapsed, warnings, skipped=True)


def _renderer(dirs: list[Path], common: dict, cache: Path | None, linker: Linker | None):  # noqa: ANN202
    """The renderer with the data files and link filling the pages need; Jinja's compiled
    templates kept in the cache folder when there is one."""
    from journal.load.links import fill_links
    from journal.pages.search import BUILTINS
    from journal.render import Renderer, make_env

    compiled = None
    if cache is not None:
        compiled = cache / "templates"
        compiled.mkdir(exist_ok=True)
    env = make_env(dirs, compiled)
    return Renderer(env, common, linker, data_files=BUILTINS, fill_links=fill_links)


def _template_keys(renderer: Any) -> Callable[[str], str]:
    """What each page's key holds of the templates: the files its template reads."""
    from journal.template_keys import TemplateKeys
    from journal.theme import templates_digest

    env = renderer.env
    return TemplateKeys(env, lambda: templates_digest(env.journal_dirs))


def _render_and_write(
    keyed: list, renderer: object, memo: Memo, out: Path, background: bool
) -> tuple[list, int]:
    """Pages whose key the memo knows are linked from its objects; the rest are rendered
    (forked over cores), kept as objects and linked; the new folder is swapped in whole.
    Returns the pages rendered and the number of files."""
    from journal.render import render_many

    cache = memo.folder
    writer = SiteWriter(out, scratch_folder(out, cache))
    try:
        made = []
        for k in keyed:
            found = memo.page(k.key)
            if found is None:
                made.append(k)
            else:
                writer.link(k.page.path, found)
        keep: Callable[[str, bytes], object] = _bytes
        if cache is not None:

            def keep(path: str, data: bytes) -> Stored:
                return store_object(cache, data)[1]

        pages = [k.page for k in made]
        for k, kept in zip(made, render_many(renderer, pages, keep), strict=True):
            if isinstance(kept, Stored):
                memo.remember(k.key, kept)
                writer.link(k.page.path, memo.object_path(kept.digest))
            else:
                writer.put(k.page.path, kept)  # type: ignore[arg-type]
        writer.commit(background=background)
    except BaseException:
        writer.abort()
        raise
    return made, writer.count


def _record(
    cache: Path | None,
    parts: dict,
    listed: object,
    keyed: list,
    made: list,
    explain: bool,
    templates: Callable[[str], str],
) -> list[tuple[str, str]]:
    """Leave the record --explain compares against; with `explain`, why each page in
    `made` was made again."""
    if cache is None:
        return []
    from journal import explain as ex

    full = listed.full  # type: ignore[attr-defined]
    names = {k.page.template for k in keyed if not k.page.template.startswith("@")}
    read = {name: templates(name) for name in sorted(names)}
    now = ex.record(parts, full.entries, full.bodies, {k.page.path: k.key for k in keyed}, read)
    why = ex.reasons(ex.load(cache), now, made) if explain else []
    with contextlib.suppress(OSError):
        ex.save(cache, now)
    return why
