"""Issue 22: caches fail soft and honestly. An unusable cache (read-only, a file or folder
where the memo expects the other) means a build without it and a warning; a failed save
says truthfully what happened to site/, and the next build repairs the memo."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import entry, write_journal

TODAY = "2026-11-22"
CACHE = ".journal-cache"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "journal", "build", "--today", TODAY, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def small_journal(tmp_path: Path) -> Path:
    return write_journal(
        tmp_path / "j",
        {
            "2026-05-01-a.md": entry("2026-05-01", title="Alpha run", body="First words."),
            "2026-05-02-b.md": entry("2026-05-02", title="Beta run", body="Second words."),
        },
    )


def retitle(root: Path, new: str) -> None:
    path = root / "entries" / "2026-05-01-a.md"
    lines = [f"title: {new}" if x.startswith("title:") else x for x in path.read_text().split("\n")]
    path.write_text("\n".join(lines))


def page(root: Path) -> str:
    return (root / "site" / "entries" / "2026-05-01-a.html").read_text()


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` made read-only for everyone, root included: a read-only bind mount."""
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    done = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {done.stderr.decode().strip()}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True
        )
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_read_only_cache_builds_without_it_and_warns(tmp_path):
    root = small_journal(tmp_path)
    assert run(root).returncode == 0
    retitle(root, "Gamma run")
    with read_only(root / CACHE):
        done = run(root)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        warnings = [line for line in done.stderr.splitlines() if line.startswith(CACHE)]
        assert len(warnings) == 1 and "building without a cache [warning]" in warnings[0]
        assert "Gamma run" in page(root)
    # the cache is usable again: the next build uses it and says nothing about it
    retitle(root, "Delta run")
    done = run(root)
    assert done.returncode == 0 and CACHE not in done.stderr
    assert "Delta run" in page(root)


def test_a_file_where_the_memo_keeps_its_objects_is_repaired(tmp_path):
    root = small_journal(tmp_path)
    assert run(root).returncode == 0
    shutil.rmtree(root / CACHE / "objects")
    (root / CACHE / "objects").write_text("not a folder")
    retitle(root, "Gamma run")
    done = run(root)
    assert done.returncode == 0, done.stderr
    assert "Gamma run" in page(root)
    assert (root / CACHE / "objects").is_dir()


def test_a_failed_save_says_the_site_was_built_and_the_next_build_repairs(tmp_path):
    root = small_journal(tmp_path)
    assert run(root).returncode == 0
    log = root / CACHE / "parsed.log"
    log.unlink()
    log.mkdir()  # a folder where the memo appends its parse records: the save fails
    (log / "x").write_text("x")
    retitle(root, "Gamma run")
    done = run(root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "left as it was" not in done.stderr  # it was not: the new site is in place
    said = [line for line in done.stderr.splitlines() if "could not be saved" in line]
    assert len(said) == 1 and "the site was built" in said[0] and said[0].endswith("[warning]")
    assert "Gamma run" in page(root)
    # the next build saves a whole memo again, and the one after it has nothing to do
    again = run(root)
    assert again.returncode == 0 and "could not be saved" not in again.stderr
    assert log.is_file()
    third = run(root)
    assert third.returncode == 0 and "Gamma run" in page(root)
    assert "nothing changed" in (third.stdout + third.stderr).lower()


@pytest.mark.parametrize("where", ["templates", "objects/shard"])
def test_a_file_where_a_cache_folder_belongs_is_repaired(tmp_path, where):
    root = small_journal(tmp_path)
    assert run(root).returncode == 0
    if where == "objects/shard":
        shard = sorted((root / CACHE / "objects").iterdir())[0]
    else:
        shard = root / CACHE / where
    shutil.rmtree(shard)
    shard.write_text("junk")
    retitle(root, "Gamma run")
    for _ in range(2):  # and it stays repaired
        done = run(root)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert "Gamma run" in page(root)
    shutil.rmtree(root / CACHE)
    cold = run(root, "--out", "cold")
    assert cold.returncode == 0
    assert snapshot(root / "site") == snapshot(root / "cold")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_read_only_cache_publishes_without_it_and_warns(tmp_path):
    """Publish keeps its work in the same cache: read-only, it publishes without it (its
    temporary folder goes beside the output instead) and says so once."""
    root = small_journal(tmp_path)
    env = {**os.environ, "JOURNAL_PASSPHRASE": "lantern orbit mosaic tundra velvet quarry"}

    def publish() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "journal", "publish", "--today", TODAY],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )

    assert publish().returncode == 0  # the cache and the publish-tmp folder exist now
    retitle(root, "Gamma run")
    with read_only(root / CACHE):
        done = publish()
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        warnings = [line for line in done.stderr.splitlines() if line.startswith(CACHE)]
        assert len(warnings) == 1 and "publishing without a cache [warning]" in warnings[0]
        assert (root / "public" / "index.html").is_file()
