"""The pipeline: load -> analyse -> render, all in memory, and only then write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cache import EntryCache
from .errors import Problem
from .loader import Journal, load_journal
from .render import make_env, render_site
from .write import check_target, write_site


@dataclass(frozen=True)
class Options:
    """What kind of site to make from the same journal."""

    drafts: bool = False
    private: bool = True  # publish sets False: private entries never leave the machine
    preview: bool = False
    today: date | None = None


@dataclass(frozen=True)
class Rendered:
    journal: Journal  # the entries shown
    pages: dict[str, bytes]
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class BuildResult:
    entries: int
    pages: int
    written: int
    removed: int
    seconds: float
    warnings: tuple[Problem, ...]

    def summary(self, out: Path) -> str:
        return (
            f"Built {self.entries} entries into {self.pages} files in {out} "
            f"({self.written} written, {self.removed} removed) in {self.seconds:.2f} s."
        )


def render_journal(root: Path, options: Options, cache: EntryCache | None = None) -> Rendered:
    """Load, analyse and render; raises ProblemsError before anything is written."""
    from .evidence_pages import analyse_journal, evidence_pages  # analytics layer

    today = options.today or date.today()
    full = load_journal(root, cache)
    shown = full.select(drafts=options.drafts or options.preview, private=options.private)
    evidence = analyse_journal(shown, today)
    pages = render_site(
        shown,
        make_env(root),
        today,
        evidence=evidence,
        preview=options.preview,
        extra_pages=evidence_pages(evidence),
    )
    return Rendered(shown, pages, full.warnings)


def build(
    root: Path, out: Path, options: Options = Options(), cache: EntryCache | None = None
) -> BuildResult:
    started = time.perf_counter()
    check_target(out, root)
    rendered = render_journal(root, options, cache)
    written, removed = write_site(rendered.pages, out)
    if cache is not None:
        cache.save()
    return BuildResult(
        len(rendered.journal.entries),
        len(rendered.pages),
        written,
        removed,
        time.perf_counter() - started,
        rendered.warnings,
    )
