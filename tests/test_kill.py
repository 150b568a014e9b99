"""An interrupted build leaves the previous site whole (or the new one), and no debris.

Real processes: `journal build` is started on a generated journal large enough to fork
parsing workers, then killed (SIGKILL or SIGINT) at points spread over its run. After
each kill the output folder must be byte for byte the old site or the new one, the
journal's root must hold nothing new that `git add -A` would take, and no worker of the
killed build may still be running.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate
from journal.memo import CACHE_DIR
from tests.test_differential import tree

N = 450  # above PARALLEL_MIN (400): parsing forks workers
TODAY = "2026-11-22"


def command(root: Path) -> list[str]:
    return [sys.executable, "-m", "journal", "build", "--root", str(root), "--today", TODAY]


def run_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(root), capture_output=True, text=True, timeout=300)


def processes_mentioning(root: Path) -> list[int]:
    """Live processes whose command line names this journal (the build and its workers)."""
    found = []
    needle = str(root).encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            found.append(int(pid))
    return found


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A journal built once (the old site), and the site its next version gives."""
    root = tmp_path_factory.mktemp("kill") / "j"
    generate(root, N)
    (root / "journal.toml").write_text('title = "Old title"\n')
    assert run_build(root).returncode == 0
    old = tree(root / "site")
    (root / "journal.toml").write_text('title = "New title"\n')  # every page changes
    assert run_build(root).returncode == 0
    new = tree(root / "site")
    (root / "journal.toml").write_text('title = "Old title"\n')
    assert run_build(root).returncode == 0
    assert tree(root / "site") == old and old != new
    (root / "journal.toml").write_text('title = "New title"\n')
    return root, old, new


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_build_leaves_the_old_site_or_the_new_one_whole(journal, sig):
    root, old, new = journal
    (root / "journal.toml").write_text('title = "Old title"\n')
    assert run_build(root).returncode == 0
    (root / "journal.toml").write_text('title = "New title"\n')
    started = time.monotonic()
    done = run_build(root)  # how long a whole build of the change takes here
    took = time.monotonic() - started
    assert done.returncode == 0 and tree(root / "site") == new
    seen = set()
    for fraction in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95):
        # back to the old site, then the change again, killed part-way
        (root / "journal.toml").write_text('title = "Old title"\n')
        assert run_build(root).returncode == 0
        (root / "journal.toml").write_text('title = "New title"\n')
        proc = subprocess.Popen(command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(took * fraction)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        site = tree(root / "site")
        assert site in (old, new), f"a mixed site after a kill at {fraction:.0%}"
        seen.add("old" if site == old else "new")
        deadline = time.monotonic() + 5
        while processes_mentioning(root) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_mentioning(root) == [], "a worker outlived the killed build"
        assert sorted(p.name for p in root.iterdir()) == [
            CACHE_DIR,
            "entries",
            "journal.toml",
            "site",
        ]
        ignore = (root / CACHE_DIR / ".gitignore").read_text().split()
        assert "*" in ignore  # whatever a kill left in the cache, git never takes it
    assert "old" in seen  # the kills did land before the swap
    # the next build finishes the job and clears what the killed ones left behind
    assert run_build(root).returncode == 0
    assert tree(root / "site") == new
    assert list((root / CACHE_DIR / "tmp").iterdir()) == []


def test_a_second_build_waits_for_the_first(journal):
    root, _, new = journal
    lock = os.open(root, os.O_RDONLY | os.O_DIRECTORY)  # the journal's folder is the lock
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build or publish holds it
        proc = subprocess.Popen(
            command(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        ready, _, _ = select.select([proc.stderr], [], [], 120)  # however busy the machine
        said = proc.stderr.readline() if ready else ""
        assert "Another build or publish of this journal is running" in said
        time.sleep(0.5)
        assert proc.poll() is None  # waiting, not building over the other one
        fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        os.close(lock)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert tree(root / "site") == new


def test_an_unwritable_output_is_one_line_and_leaves_the_site(journal, tmp_path):
    root, _, new = journal
    assert run_build(root).returncode == 0
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = subprocess.run(
        [*command(root), "--out", str(blocker / "site")], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert tree(root / "site") == new
