"""Cold builds for tests that compare a build with one: from a fresh copy of a journal's
inputs, with an empty memo kept in memory (nothing cached is read, nothing but the site
written), each template compiled once per test process.

Compiling the templates is most of a small cold build (~0.2 s of ~0.25 s for the kitchen
sink of test_differential), and Jinja compiles the same source, under the same settings,
to the same code: so the code is kept by the template's whole source and every setting
the code depends on (Jinja's own bytecode cache keys by name and source alone), and any
build given it gets the code it would have compiled. `compiled_once()` holds only for
the block: the builds a test judges compile their templates themselves.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import jinja2

from journal.build import Options, build
from journal.memo import Memo

INPUTS = ("entries", "templates", "static", "journal.toml")  # what a cold build copies

_COMPILE = jinja2.Environment.compile
_compiled: dict[tuple, object] = {}


def _compile_once(self, source, name=None, filename=None, raw=False, defer_init=False):  # noqa: ANN001, ANN202
    escape = self.autoescape(name) if callable(self.autoescape) else self.autoescape
    settings = (
        self.block_start_string, self.block_end_string, self.variable_start_string,
        self.variable_end_string, self.comment_start_string, self.comment_end_string,
        self.line_statement_prefix, self.line_comment_prefix, self.trim_blocks,
        self.lstrip_blocks, self.newline_sequence, self.keep_trailing_newline,
        tuple(sorted(self.extensions)), self.optimized, self.is_async, escape,
        self.finalize is None, tuple(sorted(self.filters)), tuple(sorted(self.tests)),
    )  # fmt: skip
    key = (source, name, filename, raw, defer_init, settings)
    if key not in _compiled:
        _compiled[key] = _COMPILE(self, source, name, filename, raw, defer_init)
    return _compiled[key]


def compile_each_template_once() -> None:
    """For the rest of this process (one that only makes cold builds)."""
    jinja2.Environment.compile = _compile_once  # type: ignore[method-assign]


@contextlib.contextmanager
def compiled_once() -> Iterator[None]:
    """For the block only: the builds being judged compile their templates themselves."""
    jinja2.Environment.compile = _compile_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        jinja2.Environment.compile = _COMPILE  # type: ignore[method-assign]


def fresh_copy(root: Path, work: Path) -> Path:
    """A fresh copy of the journal's inputs (no .journal-cache), in a fresh folder."""
    shutil.rmtree(work, ignore_errors=True)
    fresh = work / "journal"
    fresh.mkdir(parents=True)
    for name in INPUTS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, fresh / name, symlinks=True)
        elif source.exists():
            shutil.copy2(source, fresh / name)
    return fresh


def cold_build(fresh: Path, site: Path, options: Options) -> None:
    """`fresh` built into `site` with an empty memo kept in memory: nothing cached is read,
    and nothing is written but the site (so two builds of one copy are both cold)."""
    with compiled_once():
        build(fresh, site, options, memo=Memo(None, "cold"))
