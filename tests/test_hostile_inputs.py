"""Issue 13: every hostile or careless input gets an answer in the usual form, in bounded
time, and nothing the user wrote (entries, config, the previous site) changes.

One fixture per case under tests/fixtures/hostile/<class>/<case>/: `journal/` is the
input, `command` the arguments, `expected` the exact report on standard error. What git
cannot hold (FIFOs, sockets, links to devices, bombs of many MB, names that are not UTF-8)
is made by SETUP below. Each case runs `python -m journal` in a subprocess with a timeout,
so a hang is a failure, not a stuck test run.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
CASES = sorted(p.parent.relative_to(FIXTURES).as_posix() for p in FIXTURES.glob("*/*/command"))
BOUND = 60.0  # seconds: generous; a case that needs more is hanging or expanding a bomb
ENTRY = "---\ndate: 2026-05-01\nkind: win\ndomain: running\n"


def _deep(root: Path) -> None:
    nested = "[" * 30_000 + "]" * 30_000
    (root / "entries" / "a.md").write_text(f"{ENTRY}notes: {nested}\n---\nBody.\n")


def _huge_frontmatter(root: Path) -> None:
    lines = "".join(f"k{i:05}: {'v' * 33}\n" for i in range(10_000))
    (root / "entries" / "a.md").write_text(f"{ENTRY}{lines}---\nBody.\n")


def _big_entry(root: Path) -> None:
    with open(root / "entries" / "a.md", "wb") as fh:
        fh.write((ENTRY + "---\n").encode())
        fh.write(b"word " * ((30 * 1024 * 1024 - len(ENTRY) - 4) // 5))
        fh.truncate(30 * 1024 * 1024)


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    finally:
        sock.close()


SETUP: dict[str, Callable[[Path], None]] = {
    "bombs/deep-30000": _deep,
    "bombs/huge-frontmatter": _huge_frontmatter,
    "bombs/entry-30mb": _big_entry,
    "special/fifo-entry": lambda root: os.mkfifo(root / "entries" / "a.md"),
    "special/dev-zero-entry": lambda root: os.symlink("/dev/zero", root / "entries" / "a.md"),
    "special/socket-entry": lambda root: _socket(root / "entries" / "a.md"),
    "special/fifo-config": lambda root: os.mkfifo(root / "journal.toml"),
    "special/dev-zero-config": lambda root: os.symlink("/dev/zero", root / "journal.toml"),
    "names/not-utf8-name": lambda root: (root / "entries" / os.fsdecode(b"\xff.md")).write_text(
        ENTRY + "---\n"
    ),
}


def snapshot(root: Path, skip: tuple[str, ...] = (".journal-cache",)) -> dict[str, object]:
    """Every path under the journal with its bytes (regular files), its target (links) or
    its kind (anything else), read without ever opening a FIFO or a device."""
    found: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [
            d for d in dirnames if os.path.normpath(os.path.join(rel_dir, d)) not in skip
        ]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                found[rel] = Path(path).read_bytes()
            else:
                found[rel] = ("kind", stat.S_IFMT(st.st_mode))
    return found


def run_journal(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "journal", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=BOUND * 2,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return done, time.monotonic() - started


def make_case(name: str, root: Path) -> None:
    shutil.copytree(FIXTURES / name / "journal", root, symlinks=True)
    (root / "entries").mkdir(exist_ok=True) if not (root / "entries").exists() else None
    if not (root / "site").exists():  # a previous site, which a failed build must keep
        (root / "site").mkdir()
        (root / "site" / ".journal-site").write_text("Built by Evidence Journal\n")
        (root / "site" / "index.html").write_text("<p>the previous site</p>\n")
    if name in SETUP:
        SETUP[name](root)


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_is_answered_in_bounded_time_and_changes_nothing(tmp_path, name):
    root = tmp_path / "j"
    make_case(name, root)
    before = snapshot(root)
    args = shlex.split((FIXTURES / name / "command").read_text())
    done, seconds = run_journal(args, root)
    expected = (FIXTURES / name / "expected").read_text(encoding="utf-8")
    expected = expected.replace("{root}", str(root))
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr == expected
    errors = "found" in expected or expected.startswith("journal:")
    assert done.returncode == (1 if errors else 0)
    assert seconds < BOUND
    assert snapshot(root) == before  # entries, config and the previous site, byte for byte


def test_names_with_url_characters_give_working_links(tmp_path):
    from tests.sitecheck import broken_links

    root = tmp_path / "j"
    names = ["2026-05-01-a #1.md", "2026-05-02-why?.md", "2026-05-03-100%.md", "2026-05-04-é ü.md"]
    (root / "entries").mkdir(parents=True)
    for number, name in enumerate(names):
        follows = f"follows: '{names[number - 1][:-3]}'\n" if number else ""
        lesson = "lesson: keep going\n"
        (root / "entries" / name).write_text(
            f"---\ndate: 2026-05-0{number + 1}\nkind: setback\ndomain: C# and .NET\n"
            f"tags: ['#1', 'a?b']\n{lesson}{follows}---\nBody.\n"
        )
    entries = snapshot(root / "entries")
    done, _ = run_journal(["build", "--today", "2026-05-10"], root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    site = root / "site"
    for name in names:
        assert (site / "entries" / (name[:-3] + ".html")).is_file()
    assert broken_links(site) == []
    assert snapshot(root / "entries") == entries


def test_new_shortens_a_title_too_long_for_a_file_name(tmp_path):
    root = tmp_path / "j"
    (root / "entries").mkdir(parents=True)
    title = "Ran " + "a very long way " * 40 + "ünïcödé " * 30
    done, _ = run_journal(
        ["new", "win", title, "--domain", "running", "--date", "2026-05-01", "--no-edit"], root
    )
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert len(path.name.encode()) <= 200 and path.name.startswith("2026-05-01-ran-a-very-long")
    from journal.load.entry import parse_entry

    parsed = parse_entry("entries/x.md", path.read_bytes())
    assert parsed.entry.title == title.strip()  # only the file name is shortened
    check, _ = run_journal(["check"], root)
    assert check.returncode == 0, check.stderr


def test_export_replaces_a_file_only_with_force(tmp_path):
    root = tmp_path / "j"
    (root / "entries").mkdir(parents=True)
    (root / "entries" / "a.md").write_text(ENTRY + "---\nBody.\n")
    (root / "brag.md").write_text("mine\n")
    done, _ = run_journal(["export", "--out", "brag.md"], root)
    assert done.returncode == 1 and (root / "brag.md").read_text() == "mine\n"
    done, _ = run_journal(["export", "--out", "brag.md", "--force"], root)
    assert done.returncode == 0 and "running" in (root / "brag.md").read_text().lower()
    done, _ = run_journal(["export", "--out", "new.md"], root)
    assert done.returncode == 0 and (root / "new.md").is_file()


def test_init_adds_nothing_to_an_existing_journal(tmp_path):
    root = tmp_path / "j"
    (root / "entries").mkdir(parents=True)
    (root / "entries" / "a.md").write_text(ENTRY + "---\nBody.\n")
    before = snapshot(root)
    done, _ = run_journal(["init", "."], root)
    assert done.returncode == 0 and "already holds a journal; nothing was changed" in done.stdout
    assert snapshot(root) == before


def test_a_file_as_the_cache_folder_is_a_warning_and_the_build_goes_on(tmp_path):
    root = tmp_path / "j"
    (root / "entries").mkdir(parents=True)
    (root / "entries" / "a.md").write_text(ENTRY + "---\nBody.\n")
    (root / ".journal-cache").write_text("not a folder\n")
    done, _ = run_journal(["build"], root)
    assert done.returncode == 0, done.stderr
    assert ".journal-cache:1: is a file, not a folder: builds run without a cache [warning]" in (
        done.stderr
    )
    assert (root / ".journal-cache").read_text() == "not a folder\n"
    assert (root / "site" / "index.html").is_file()


@pytest.mark.parametrize("week_start", range(7))
def test_week_arithmetic_at_the_ends_of_the_calendar(week_start):
    """Dates in entries are kept to 1900-2199, but the analytics never crash outside it."""
    import dataclasses
    from datetime import date

    from journal.analyse.analytics import analyse
    from journal.config import Config, PeriodConfig
    from journal.load.entry import parse_entry

    config = Config(streaks=PeriodConfig(week_start=week_start))
    base = parse_entry("entries/a.md", (ENTRY + "---\n").encode()).entry
    for day, today in [(date.min, date(1, 1, 20)), (date.max, date.max), (date(1, 1, 2), date.max)]:
        entry = dataclasses.replace(base, date=day, key="")
        evidence = analyse([entry], config, today)
        assert evidence.to_json()["overall"]["wins"] == 1
