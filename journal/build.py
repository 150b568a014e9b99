"""The pipeline: load -> analyse -> render, all in memory, and only then write."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from journal import stamp
from journal.cache import CACHE_DIR, EntryCache
from journal.errors import Problem
from journal.load.journal import Journal, load_journal
from journal.render import PageMemo, make_env, render_site, templates_digest
from journal.write import FreshFolder, check_target, is_fresh, write_site


@dataclass(frozen=True)
class Options:
    """What kind of site to make from the same journal."""

    drafts: bool = False
    private: bool = True  # publish sets False: private entries never leave the machine
    preview: bool = False
    encrypted: bool = False  # pages are made to be sealed by publish (Lock control shown)
    today: date | None = None


@dataclass(frozen=True)
class Rendered:
    journal: Journal  # the entries shown
    pages: MutableMapping[str, bytes]  # every page, or only those rendered now
    warnings: tuple[Problem, ...]
    unchanged: frozenset[str] = frozenset()  # on disk already, byte for byte
    fingerprints: dict[str, str] = field(default_factory=dict)
    global_key: str = ""
    shown: tuple | None = None
    digests: dict[str, str] | None = None


@dataclass(frozen=True)
class BuildResult:
    entries: int
    pages: int
    rendered: int
    written: int
    removed: int
    seconds: float
    warnings: tuple[Problem, ...]

    def summary(self, out: Path) -> str:
        return (
            f"Built {self.entries} entries into {self.pages} files in {out} "
            f"({self.rendered} pages rendered, {self.written} written, {self.removed} removed) "
            f"in {self.seconds:.2f} s."
        )


def render_journal(
    root: Path,
    options: Options,
    cache: EntryCache | None = None,
    *,
    memo: PageMemo | None = None,
    out: Path | None = None,
    linker: Callable[[str], str] | None = None,
    assets: dict[str, bytes] | None = None,
    pages: MutableMapping[str, bytes] | None = None,
) -> Rendered:
    """Load, analyse and render; raises ProblemsError before anything is written."""
    from journal.pages.evidence import analyse_journal, evidence_pages  # the analytics layer

    today = options.today or date.today()
    full = load_journal(root, cache)
    shown = full.select(drafts=options.drafts or options.preview, private=options.private)
    evidence = analyse_journal(shown, today)
    result = render_site(
        shown,
        make_env(root),
        today,
        evidence=evidence,
        preview=options.preview,
        extra_pages=evidence_pages(evidence),
        memo=memo,
        out=out,
        encrypted=options.encrypted,
        linker=linker,
        assets=assets,
        pages=pages,
    )
    return Rendered(
        shown,
        result.pages,
        full.warnings,
        frozenset(result.unchanged),
        result.fingerprints,
        result.global_key,
        result.shown,
        result.digests,
    )


def write_rendered(rendered: Rendered, out: Path, memo: PageMemo | None = None) -> tuple[int, int]:
    """Write what changed, then remember what is on disk for the next build."""
    if isinstance(rendered.pages, FreshFolder):  # already written, as rendered
        written, removed = rendered.pages.commit(), 0
    else:
        written, removed = write_site(rendered.pages, out, keep=rendered.unchanged)
    if memo is not None:
        memo.record(
            out,
            rendered.global_key,
            rendered.fingerprints,
            rendered.unchanged,
            rendered.shown,
            rendered.digests,
        )
    return written, removed


def _memo_path(root: Path) -> Path:
    return root / CACHE_DIR / "pages.pickle"


def load_memo(root: Path) -> PageMemo:
    """A damaged or foreign memo only costs a full render."""
    try:
        with open(_memo_path(root), "rb") as fh:
            memo = pickle.load(fh)
        if isinstance(memo, PageMemo) and getattr(memo, "format", None) == PageMemo.FORMAT:
            return memo
    except Exception:  # noqa: BLE001
        pass
    return PageMemo()


def save_memo(root: Path, memo: PageMemo) -> None:
    path = _memo_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(memo, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError:
        pass


def build(
    root: Path, out: Path, options: Options = Options(), cache: EntryCache | None = None
) -> BuildResult:
    """With a persistent cache, unchanged entries and pages are neither re-read nor re-rendered."""
    started = time.perf_counter()
    check_target(out, root)
    persistent = cache is not None and cache.path is not None
    key = ""
    if persistent:
        today = options.today or date.today()
        settings = repr((options, today.isoformat()))
        key, preread = stamp.inputs_key(root, out, settings, templates_digest(root))
        if cache is not None:
            cache.preread = preread
        last = stamp.unchanged_since_last(root, out, key)
        if last is not None:
            return BuildResult(
                last["entries"],
                last["files"],
                0,
                0,
                0,
                time.perf_counter() - started,
                last["warnings"],
            )
        stamp.forget(root)  # until this build has finished
    memo = load_memo(root) if persistent else None
    fresh = FreshFolder(out) if is_fresh(out) else None  # a first build: write as rendered
    try:
        rendered = render_journal(root, options, cache, memo=memo, out=out, pages=fresh)
        written, removed = write_rendered(rendered, out, memo)
    except BaseException:
        if fresh is not None:
            fresh.abort()
        raise
    if cache is not None:
        cache.save()
    if memo is not None:
        save_memo(root, memo)
    if persistent:
        files = len(rendered.pages) + len(rendered.unchanged)
        stamp.record(root, out, key, len(rendered.journal.entries), files, rendered.warnings)
    return BuildResult(
        len(rendered.journal.entries),
        len(rendered.pages) + len(rendered.unchanged),
        sum(1 for path in rendered.pages if path.endswith(".html")),
        written,
        removed,
        time.perf_counter() - started,
        rendered.warnings,
    )
