"""The persistent caches: a warm build must give byte-identical output to a cold one."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.cache import CACHE_DIR, default_cache
from tests.conftest import entry

TODAY = date(2026, 11, 22)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def journal_files() -> dict[str, str]:
    out = {}
    for i in range(12):
        day = f"2026-{9 + i // 6:02d}-{1 + 3 * (i % 6):02d}"
        kind = "setback" if i % 4 == 3 else "win"
        meta = {"lesson": f"lesson {i}"} if kind == "setback" else {}
        if i == 8:
            meta["follows"] = "e7"
        out[f"e{i}.md"] = entry(
            day,
            kind,
            ["running", "spanish"][i % 2],
            body=f"Body {i}.",
            title=f"Entry {i}",
            tags=f"[t{i % 3}]",
            difficulty=1 + i % 9,
            confidence=1 + (i * 7) % 10,
            **meta,
        )
    return out


def warm_and_cold(root: Path, tmp: Path) -> tuple[dict, dict]:
    warm, cold = tmp / "warm", tmp / "cold"
    build(root, warm, Options(today=TODAY), default_cache(root))
    if cold.exists():
        import shutil

        shutil.rmtree(cold)
    build(root, cold, Options(today=TODAY), None)
    return files(warm), files(cold)


@pytest.mark.parametrize(
    "change", ["body", "date", "rename", "delete", "add", "template", "config"]
)
def test_warm_build_after_a_change_equals_cold_build(make_journal, tmp_path, change):
    root = make_journal(journal_files())
    warm, cold = warm_and_cold(root, tmp_path)
    assert warm == cold
    e3 = root / "entries" / "e3.md"
    if change == "body":
        e3.write_text(e3.read_text().replace("Body 3.", "A new body."))
    elif change == "date":
        e3.write_text(e3.read_text().replace("date: 2026-09-10", "date: 2026-10-30"))
    elif change == "rename":
        e3.rename(root / "entries" / "e3-renamed.md")
    elif change == "delete":
        (root / "entries" / "e5.md").unlink()
    elif change == "add":
        (root / "entries" / "new.md").write_text(entry("2026-11-20", title="Brand new"))
    elif change == "template":
        (root / "templates").mkdir()
        (root / "templates" / "tag.html").write_text(
            '{% extends "default/tag.html" %}{% block title %}T!{% endblock %}'
        )
    elif change == "config":
        (root / "journal.toml").write_text('title = "Renamed"\n')
    warm, cold = warm_and_cold(root, tmp_path)
    assert warm == cold
    if change == "body":
        assert b"A new body." in warm["entries/e3.html"]


def test_nothing_changed_writes_nothing(make_journal, tmp_path):
    root = make_journal(journal_files())
    build(root, tmp_path / "o", Options(today=TODAY), default_cache(root))
    again = build(root, tmp_path / "o", Options(today=TODAY), default_cache(root))
    assert (again.written, again.removed) == (0, 0)


def test_hand_edited_output_file_is_rendered_again(make_journal, tmp_path):
    root = make_journal(journal_files())
    out = tmp_path / "o"
    build(root, out, Options(today=TODAY), default_cache(root))
    original = (out / "entries" / "e1.html").read_bytes()
    (out / "entries" / "e1.html").write_bytes(b"scribbled")
    build(root, out, Options(today=TODAY), default_cache(root))
    assert (out / "entries" / "e1.html").read_bytes() == original


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_corrupt_cache_never_breaks_or_falsifies_a_build(make_journal, tmp_path, damage):
    root = make_journal(journal_files())
    build(root, tmp_path / "first", Options(today=TODAY), default_cache(root))
    for path in (root / CACHE_DIR).iterdir():
        path.write_bytes(damage)
    warm, cold = warm_and_cold(root, tmp_path)
    assert warm == cold


def test_cache_is_never_written_into_the_site(make_journal, tmp_path):
    root = make_journal(journal_files())
    build(root, root / "site", Options(today=TODAY), default_cache(root))
    assert (root / CACHE_DIR / "entries.pickle").is_file()
    assert not any(
        CACHE_DIR in p.as_posix() or p.suffix == ".pickle" for p in (root / "site").rglob("*")
    )


def test_parallel_parsing_gives_the_same_site_as_serial(make_journal, tmp_path, monkeypatch):
    import journal.load.journal as loader

    root = make_journal(journal_files())
    monkeypatch.setattr(loader, "PARALLEL_MIN", 10**9)
    build(root, tmp_path / "serial", Options(today=TODAY))
    calls = []
    real = loader.ProcessPoolExecutor

    class Spy(real):  # records that the worker pool was really used
        def __init__(self, *args, **kwargs):
            calls.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(loader, "ProcessPoolExecutor", Spy)
    monkeypatch.setattr(loader, "PARALLEL_MIN", 2)
    monkeypatch.setattr(loader, "fork_is_safe", lambda: True)  # browser tests leave a thread
    build(root, tmp_path / "parallel", Options(today=TODAY))
    assert calls, "the parallel path was not taken"
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")


def test_warm_build_in_a_new_process_renders_nothing(make_journal, tmp_path):
    """Keys must not depend on per-process hash randomisation (rest dates are a set)."""
    import shutil
    import subprocess
    import sys

    root = tmp_path / "sample"  # real names and labels: strings shared in some parses only
    shutil.copytree(Path(__file__).resolve().parent.parent / "entries", root / "entries")
    shutil.copy(Path(__file__).resolve().parent.parent / "journal.toml", root)  # rest: a set
    lines = []
    for seed in ("1", "2"):
        if seed == "2":  # one page changed by hand, so the build cannot be skipped outright
            page = root / "site" / "entries" / "2026-09-24-hostile-question.html"
            page.write_bytes(page.read_bytes() + b" ")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "journal",
                "build",
                "--root",
                str(root),
                "--today",
                "2026-11-22",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        lines.append(done.stdout)
    # only the page changed by hand: the first build parsed every entry afresh and the
    # second read them from the cache, and neither may change a page's fingerprint
    assert "(1 pages rendered, 1 written, 0 removed)" in lines[1]


def test_parallel_rendering_gives_the_same_site_as_serial(make_journal, tmp_path, monkeypatch):
    import journal.render as render

    root = make_journal(journal_files())
    monkeypatch.setattr(render, "RENDER_PARALLEL_MIN", 10**9)
    build(root, tmp_path / "serial", Options(today=TODAY))
    calls = []
    real = render.ProcessPoolExecutor

    class Spy(real):  # records that the worker pool was really used
        def __init__(self, *args, **kwargs):
            calls.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(render, "ProcessPoolExecutor", Spy)
    monkeypatch.setattr(render, "RENDER_PARALLEL_MIN", 2)
    monkeypatch.setattr(render, "fork_is_safe", lambda: True)  # browser tests leave a thread
    build(root, tmp_path / "parallel", Options(today=TODAY))
    assert calls, "the parallel path was not taken"
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")


def test_preview_reads_only_the_files_the_watcher_named(make_journal, monkeypatch):
    import builtins

    import journal.load.journal as loader
    from journal.cache import EntryCache

    root = make_journal(journal_files())
    cache = EntryCache()
    loader.read_all(root, cache)  # first read: every file
    opened: list[str] = []

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(loader, "open", spy, raising=False)
    e3 = root / "entries" / "e3.md"
    e3.write_text(e3.read_text().replace("Body 3.", "Changed body."))
    cache.changed = {"entries/e3.md"}
    entries, _ = loader.read_all(root, cache)
    assert opened == [str(e3)]
    assert "Changed body." in next(e for e in entries if e.id == "e3").body_html
    assert cache.changed is None  # the next call reads everything unless told otherwise
    loader.read_all(root, cache)
    assert len(opened) == 1 + len(journal_files())


def test_a_build_with_nothing_changed_is_skipped_and_any_change_is_not(
    make_journal, tmp_path, monkeypatch
):
    import journal.build as build_module

    root = make_journal(journal_files())
    out = tmp_path / "o"
    first = build(root, out, Options(today=TODAY), default_cache(root))
    real = build_module.render_journal

    def refuse(*args, **kwargs):
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(build_module, "render_journal", refuse)
    again = build(root, out, Options(today=TODAY), default_cache(root))
    assert (again.entries, again.pages, again.rendered, again.written) == (
        first.entries,
        first.pages,
        0,
        0,
    )
    monkeypatch.setattr(build_module, "render_journal", real)
    # another day, a deleted output file, a static file: each is a real build
    later = build(root, out, Options(today=date(2026, 11, 23)), default_cache(root))
    assert later.rendered > 0
    (out / "entries" / "e2.html").unlink()
    assert build(root, out, Options(today=date(2026, 11, 23)), default_cache(root)).written == 1
    assert (out / "entries" / "e2.html").is_file()
    (root / "static").mkdir()
    (root / "static" / "me.txt").write_text("hello")
    build(root, out, Options(today=date(2026, 11, 23)), default_cache(root))
    assert (out / "me.txt").read_text() == "hello"


def test_a_body_edit_re_renders_only_that_entry_page(make_journal, tmp_path):
    """Lists, charts and figures show frontmatter only, so they are keyed without the body;
    the result must still equal a build without cache."""
    root = make_journal(journal_files())
    out = tmp_path / "warm"
    build(root, out, Options(today=TODAY), default_cache(root))
    path = root / "entries" / "e5.md"
    path.write_text(path.read_text().replace("Body 5.", "Body 5, rewritten."))
    result = build(root, out, Options(today=TODAY), default_cache(root))
    assert result.rendered == 1
    assert "Body 5, rewritten." in (out / "entries" / "e5.html").read_text()
    # a title change is not body-only: lists show titles
    path.write_text(path.read_text().replace("title: Entry 5", "title: Entry five"))
    assert build(root, out, Options(today=TODAY), default_cache(root)).rendered > 3
    warm, cold = warm_and_cold(root, tmp_path)
    assert warm == cold
