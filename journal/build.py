"""The build: load -> analyse -> pages -> render -> write, memoised by content keys.

    sources  = read_sources(root)                  files -> bytes (read once)
    journal  = load_journal(root, memo, sources)   bytes -> entries (parse memoised)
    evidence = analyse(journal, today)              entries -> figures (pure)
    pages    = site_pages(journal, evidence, ...)  -> [Page(path, template, context)]
    bytes    = Renderer.render(page)               (render memoised by page key)
    SiteWriter                                      -> the output folder, swapped whole

`journal serve` runs the same function with a memo it keeps in memory; `journal publish`
runs the first four stages through `site_files`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from journal import __version__
from journal.errors import JournalError, Problem, strict_failure
from journal.load import MARKDOWN_SETTINGS
from journal.load.files import read_regular, read_sources
from journal.lock import journal_lock
from journal.memo import CACHE_DIR, Memo, Stored, store_object
from journal.stamps import inputs_key, outputs_stamp
from journal.theme import template_dirs, templates_digest
from journal.write import SiteWriter, check_target, clean_scratch, scratch_folder

STRICT_OUTCOME = "nothing was built (--strict: warnings count as errors)"

if TYPE_CHECKING:
    from journal.load.journal import Journal
    from journal.render import Linker

# The stages below the memo are imported when a build goes ahead (see _stages): a build
# with nothing changed is done before Jinja, markdown-it or the analytics are loaded.

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


def _code_digest() -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(_CODE.rglob("*.py")):
        h.update(path.relative_to(_CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def library_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def parse_key() -> str:
    """What parsing an entry depends on besides the file: this code and its libraries."""
    return "|".join(
        [
            __version__,
            _code_digest(),
            MARKDOWN_SETTINGS,
            *(library_version(d) for d in ("markdown-it-py", "mdit-py-plugins", "PyYAML")),
        ]
    )


def _folder_digest(folder: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def global_parts(root: Path, options: Options, today: date, dirs: list[Path]) -> dict[str, str]:
    """What every page depends on besides its own context, by name (for --explain): the
    code and its libraries, the templates, static files, config, the options and today."""
    config = root / "journal.toml"
    try:
        config_bytes = read_regular(str(config), 1 << 20)
    except OSError:
        config_bytes = b""
    code = [parse_key(), library_version("Jinja2"), library_version("MarkupSafe"), sys.version]
    return {
        "this program or its libraries": "\n".join(code),
        "the options": repr(replace(options, today=None)),
        "today": today.isoformat(),
        "the templates": "\n".join([templates_digest(dirs), *(str(d) for d in dirs)]),
        "static/": _folder_digest(root / "static"),
        "journal.toml": hashlib.blake2b(config_bytes, digest_size=16).hexdigest(),
    }


def global_key(parts: dict[str, str]) -> str:
    return hashlib.blake2b("\n".join(parts.values()).encode(), digest_size=16).hexdigest()


# --- the stages ---------------------------------------------------------------------------------


def site_files(
    root: Path, options: Options, linker: Linker | None = None
) -> tuple[Journal, dict[str, bytes]]:
    """Every file of the site in memory at its logical path (for publish)."""
    from journal.engine import key_pages, list_site
    from journal.load.links import fill_links
    from journal.pages.search import BUILTINS
    from journal.render import Renderer, make_env, render_many

    listed = list_site(root, options)
    common = listed.site.common()
    pages = [k.page for k in key_pages(listed.pages, listed.shown.bodies, listed.index)]
    env = make_env(template_dirs(root))
    renderer = Renderer(env, common, linker, data_files=BUILTINS, fill_links=fill_links)
    files = dict(zip((p.path for p in pages), render_many(renderer, pages, _bytes), strict=True))
    return listed.shown, files


def _bytes(path: str, data: bytes) -> bytes:
    return data


def open_memo(root: Path) -> Memo:
    """The journal's memo, or an in-memory one where the cache folder cannot be used."""
    folder = root / CACHE_DIR
    try:
        memo = Memo(folder, parse_key())
        memo.prepare()  # raises where the folder cannot be written to (read-only, full)
        return memo
    except OSError as exc:
        if not (folder.exists() and not folder.is_dir()):  # a file: the loader says so
            print(
                f"{CACHE_DIR}:1: cannot be used ({exc.strerror}); building without a cache "
                "[warning]",
                file=sys.stderr,
            )
        return Memo(None, parse_key())


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


def save_memo(memo: Memo) -> None:
    """Save the memo after the new site is in place; a failure here is a warning that says
    so (the site is built, the next build starts without the memo), never an error."""
    try:
        memo.save()
    except OSError as exc:
        memo.forget()
        print(
            f"{CACHE_DIR}:1: the memo could not be saved ({exc.strerror or exc}); the site "
            "was built, and the next build starts without it [warning]",
            file=sys.stderr,
        )


def _build(
    root: Path,
    out: Path,
    options: Options,
    memo: Memo,
    started: float,
    preview: bool,
    strict: bool = False,
    explain: bool = False,
) -> BuildResult:
    """`preview`: the memo lives in a running preview, whose watcher only calls when
    something changed; its output is not stamped, and the old site is removed in a thread."""
    cache = memo.folder
    clean_scratch(out, cache)
    today = options.today or date.today()
    dirs = template_dirs(root)
    parts = global_parts(root, options, today, dirs)
    gkey = global_key(parts)
    skey = inputs_key(gkey, out, root)
    last = memo.site
    if not preview and last and last["key"] == skey and last["stamp"] == outputs_stamp(out):
        memo.keep_all()
        warnings = tuple(Problem(**p) for p in last["warnings"])
        if strict and warnings:
            raise strict_failure(warnings, STRICT_OUTCOME)
        elapsed = time.perf_counter() - started
        return BuildResult(last["entries"], last["files"], 0, elapsed, warnings, skipped=True)

    from journal.engine import key_pages, list_site
    from journal.load.links import fill_links
    from journal.pages.page import PageKeys
    from journal.pages.search import BUILTINS
    from journal.render import Renderer, make_env, render_many

    listed = list_site(root, options, memo, read_sources(root))
    full, site = listed.full, listed.site
    if strict and full.warnings:  # before anything is written
        raise strict_failure(full.warnings, STRICT_OUTCOME)
    common = site.common()
    compiled = None
    if cache is not None:
        compiled = cache / "templates"
        compiled.mkdir(exist_ok=True)
    env = make_env(dirs, compiled)
    renderer = Renderer(env, common, None, data_files=BUILTINS, fill_links=fill_links)
    keyed = key_pages(listed.pages, listed.shown.bodies, listed.index, PageKeys(gkey, common))
    writer = SiteWriter(out, scratch_folder(out, cache))
    try:
        todo, keys, made = [], [], []
        for k in keyed:
            found = memo.page(k.key)
            if found is not None:
                writer.link(k.page.path, found)
            else:
                todo.append(k.page)
                keys.append(k.key)
                made.append(k)
        keep: Callable[[str, bytes], object] = _bytes
        if cache is not None:

            def keep(path: str, data: bytes) -> Stored:
                return store_object(cache, data)[1]

        for page, key, kept in zip(todo, keys, render_many(renderer, todo, keep), strict=True):
            if isinstance(kept, Stored):
                memo.remember(key, kept)
                writer.link(page.path, memo.object_path(kept.digest))
            else:
                writer.put(page.path, kept)  # type: ignore[arg-type]
        writer.commit(background=preview)
    except BaseException:
        writer.abort()
        raise
    why: list[tuple[str, str]] = []
    if cache is not None:
        from journal import explain as ex

        now = ex.record(parts, full.entries, full.bodies, {k.page.path: k.key for k in keyed})
        if explain:
            why = ex.reasons(ex.load(cache), now, made)
        with contextlib.suppress(OSError):
            ex.save(cache, now)
    memo.site = (
        None
        if preview
        else {
            "key": skey,
            "stamp": outputs_stamp(out),
            "entries": len(site.journal.entries),
            "files": writer.count,
            "warnings": [asdict(p) for p in full.warnings],
        }
    )
    memo.finish()
    elapsed = time.perf_counter() - started
    return BuildResult(
        len(site.journal.entries), writer.count, len(todo), elapsed, full.warnings, why=tuple(why)
    )
