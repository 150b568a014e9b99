"""Issue 22: writers change what they say and nothing else. Every byte outside the changed
line is kept (CRLF in journal.toml too); a symlink is written through (its target changes,
the link stays); a command that changes several files changes all or none; a read-only
folder, a full disk or a closed standard output is one line (or, for the pipe, nothing),
never a traceback. The real CLI in subprocesses; expected texts worked out by hand.

Permission cases run the CLI without the power to ignore file modes: as an ordinary user
that is anyone; as root, `setpriv` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. Full
disks are a 64 KiB tmpfs, mounted only as root (skipped otherwise), always unmounted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from journal.publish import crypto
from tests.conftest import entry, write_journal

PASS = "correct horse battery staple 42"
NEW_PASS = "a wholly different horse 77"
CAPS = "-dac_override,-dac_read_search"


def journal(
    *args: str,
    user: bool = False,
    stdout: int | object = subprocess.PIPE,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`python -m journal ARGS` from the repository, with the passphrases in the
    environment; `user`: without root's power over file modes."""
    prefix = unprivileged() if user else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "journal", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "JOURNAL_PASSPHRASE": PASS,
            "JOURNAL_NEW_PASSPHRASE": NEW_PASS,
            **(env or {}),
        },
        timeout=120,
    )


def unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root without setpriv: a read-only folder does not stop root")
    prefix = [setpriv, f"--inh-caps={CAPS}", f"--bounding-set={CAPS}"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("setpriv cannot drop capabilities here")
    return prefix


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in paths}
    try:
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@contextlib.contextmanager
def tiny_disk(where: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs at `where`, unmounted afterwards whatever happens."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> None:
    """Every free byte of `disk` taken by one file."""
    with open(disk / "filler", "wb", buffering=0) as fh:
        while True:
            try:
                fh.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                return


def snapshot(root: Path) -> dict[str, object]:
    """Every path under `root` (but the cache) with its bytes and mode, or its link target."""
    found: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".journal-cache"]
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                found[str(path.relative_to(root))] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                found[str(path.relative_to(root))] = (path.read_bytes(), st.st_mode)
            else:
                found[str(path.relative_to(root))] = ("folder", st.st_mode)
    return found


@pytest.fixture(scope="module")
def keyring_text() -> str:
    """One real keyring (the full iteration count: the CLI accepts no fewer) for the module."""
    return crypto.create_keyring(PASS).to_json() + "\n"


def speaking(day: str, title: str) -> str:
    return entry(day, "win", "public-speaking", title=title)


# --- every byte outside the changed line -------------------------------------------------------


def test_rename_keeps_a_crlf_journal_toml_byte_for_byte(tmp_path):
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    config = (
        b'title = "Mine"\r\n'
        b"\r\n"
        b"[domains.public-speaking]\r\n"
        b'name = "Public speaking"  # as the pages show it\r\n'
    )
    (root / "journal.toml").write_bytes(config)
    done = journal(
        "domains", "rename", "public-speaking", "speaking", "--apply", "--root", str(root)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "entries/2026-05-01-talk.md:4: changed 'domain: public-speaking'\n"
        "journal.toml: changed the [domains.…] section's name\n"
    )
    assert (root / "journal.toml").read_bytes() == (
        b'title = "Mine"\r\n'
        b"\r\n"
        b"[domains.speaking]\r\n"
        b'name = "Public speaking"  # as the pages show it\r\n'
    )
    assert (root / "entries" / "2026-05-01-talk.md").read_text() == (
        "---\ndate: 2026-05-01\nkind: win\ndomain: speaking\ntitle: Talk\n---\n\nBody.\n"
    )


# --- symlinks are written through ------------------------------------------------------------


def test_rename_writes_through_a_symlinked_entry_and_journal_toml(tmp_path):
    root = write_journal(tmp_path / "j", {"2026-06-01-panel.md": speaking("2026-06-01", "Panel")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "talk.md").write_text(speaking("2026-05-01", "Talk"))
    (elsewhere / "talk.md").chmod(0o600)
    (elsewhere / "journal.toml").write_text('title = "Mine"\n[domains.public-speaking]\n')
    link = root / "entries" / "2026-05-01-talk.md"
    link.symlink_to(elsewhere / "talk.md")
    (root / "journal.toml").symlink_to("../elsewhere/journal.toml")
    done = journal(
        "domains", "rename", "public-speaking", "speaking", "--apply", "--root", str(root)
    )
    assert done.returncode == 0, done.stderr
    assert os.readlink(link) == str(elsewhere / "talk.md")
    assert os.readlink(root / "journal.toml") == "../elsewhere/journal.toml"
    assert (elsewhere / "talk.md").read_text() == (
        "---\ndate: 2026-05-01\nkind: win\ndomain: speaking\ntitle: Talk\n---\n\nBody.\n"
    )
    assert stat.S_IMODE((elsewhere / "talk.md").stat().st_mode) == 0o600
    assert (elsewhere / "journal.toml").read_text() == 'title = "Mine"\n[domains.speaking]\n'
    assert sorted(os.listdir(elsewhere)) == ["journal.toml", "talk.md"]  # no temp file left
    assert "domain: speaking\n" in (root / "entries" / "2026-06-01-panel.md").read_text()


PLAN = """---
date: 2026-07-02
kind: plan
domain: speaking
title: Lead the retro
planned: 2026-06-29T21:00
confidence: 4
---

Body.
"""


def test_done_writes_through_a_symlinked_plan(tmp_path):
    root = write_journal(tmp_path / "j", {})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "retro.md").write_text(PLAN)
    link = root / "entries" / "2026-07-02-lead-the-retro.md"
    link.symlink_to(elsewhere / "retro.md")
    done = journal("done", "2026-07-02-lead-the-retro", "win", "--no-edit", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(elsewhere / "retro.md")
    assert (elsewhere / "retro.md").read_text() == PLAN.replace(
        "kind: plan\n", f"kind: win\nresolved: {date.today().isoformat()}\n"
    )
    assert os.listdir(elsewhere) == ["retro.md"]


def test_passphrase_writes_through_a_symlinked_keyring(tmp_path, keyring_text):
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "keyring.json").write_text(keyring_text)
    link = root / crypto.KEYRING_FILE
    link.symlink_to(secrets / "keyring.json")
    done = journal("passphrase", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(secrets / "keyring.json")
    ring = crypto.Keyring.from_json((secrets / "keyring.json").read_text())
    assert ring.build != crypto.Keyring.from_json(keyring_text).build  # a new site key
    crypto.unwrap(ring, NEW_PASS)  # opens with the new passphrase
    assert os.listdir(secrets) == ["keyring.json"]


# --- all or nothing; read-only folders -------------------------------------------------------


def test_rename_with_an_unwritable_folder_changes_nothing(tmp_path):
    root = write_journal(
        tmp_path / "j",
        {
            "2025/2025-04-01-open-mic.md": speaking("2025-04-01", "Open mic"),
            "2025/2025-04-02-podcast.md": speaking("2025-04-02", "Podcast"),
            "2026/2026-05-01-talk.md": speaking("2026-05-01", "Talk"),
            "2026/2026-06-01-panel.md": speaking("2026-06-01", "Panel"),
        },
        config='title = "Mine"\n[domains.public-speaking]\n',
    )
    entries = root / "entries"
    with read_only(entries / "2026", entries / "2025" / "2025-04-02-podcast.md"):
        before = snapshot(root)
        done = journal(
            "domains", "rename", "public-speaking", "speaking", "--apply", "--root", str(root),
            user=True,
        )  # fmt: skip
        assert snapshot(root) == before
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "entries/2025/2025-04-02-podcast.md:1: cannot be written (permission denied) "
        "(expected write permission on the file entries/2025/2025-04-02-podcast.md)\n"
        "entries/2026/2026-05-01-talk.md:1: cannot be written (permission denied) "
        "(expected write permission on its folder entries/2026)\n"
        "entries/2026/2026-06-01-panel.md:1: cannot be written (permission denied) "
        "(expected write permission on its folder entries/2026)\n"
        "3 errors found; nothing was changed.\n"
    )


def test_passphrase_in_a_read_only_folder_is_one_line(tmp_path, keyring_text):
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    (root / crypto.KEYRING_FILE).write_text(keyring_text)
    with read_only(root):
        before = snapshot(root)
        done = journal("passphrase", "--root", str(root), user=True)
        assert snapshot(root) == before
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"journal: {root}/journal.keyring.json: cannot be written (permission denied: "
        f"the folder {os.path.realpath(root)} cannot be changed); nothing was changed\n"
    )


@pytest.mark.parametrize("blocked", ["output folder", "new keyring"])
def test_publish_into_a_read_only_folder_is_one_line(tmp_path, keyring_text, blocked):
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    if blocked == "output folder":
        (root / crypto.KEYRING_FILE).write_text(keyring_text)
        folder = tmp_path / "ro"
        folder.mkdir()
        out = folder / "site"
        said = f"{out}: cannot be written"
    else:
        folder = root
        out = tmp_path / "site"
        said = f"{root}/journal.keyring.json: cannot be written"
    with read_only(folder):
        before = snapshot(tmp_path)
        done = journal("publish", "--root", str(root), "--out", str(out), user=True)
        assert snapshot(tmp_path) == before
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"journal: {said} (permission denied: the folder {os.path.realpath(folder)} "
        "cannot be changed); nothing was published\n"
    )


# --- full disks ------------------------------------------------------------------------------


def test_passphrase_on_a_full_disk_is_one_line_and_leaves_no_temp_file(tmp_path, keyring_text):
    with tiny_disk(tmp_path / "disk") as disk:
        root = write_journal(disk / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
        (root / crypto.KEYRING_FILE).write_text(keyring_text)
        fill(disk)
        before = snapshot(root)
        done = journal("passphrase", "--root", str(root))
        assert snapshot(root) == before
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"journal: {root}/journal.keyring.json: cannot be written (no space left on device); "
        "nothing was changed\n"
    )


def test_rename_on_a_full_disk_changes_nothing(tmp_path):
    with tiny_disk(tmp_path / "disk") as disk:
        root = write_journal(
            disk / "j",
            {
                "2026-05-01-talk.md": speaking("2026-05-01", "Talk"),
                "2026-06-01-panel.md": speaking("2026-06-01", "Panel"),
            },
        )
        fill(disk)
        before = snapshot(root)
        done = journal(
            "domains", "rename", "public-speaking", "speaking", "--apply", "--root", str(root)
        )
        assert snapshot(root) == before
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"journal: {root}/entries/2026-05-01-talk.md: cannot be written "
        "(no space left on device); nothing was changed\n"
    )


def test_publish_onto_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, keyring_text):
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    (root / crypto.KEYRING_FILE).write_text(keyring_text)
    with tiny_disk(tmp_path / "disk") as disk:
        fill(disk)
        done = journal("publish", "--root", str(root), "--out", str(disk / "site"))
        left = sorted(os.listdir(disk))
    assert (done.returncode, done.stdout) == (1, "")
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("journal: ") and "nothing was published" in lines[0]
    assert "no space left on device" in lines[0].lower()
    assert left == ["filler"]  # no temporary site left behind


# --- standard output closed early or full ----------------------------------------------------


def closed_pipe() -> int:
    """The write end of a pipe whose reader is gone: `| head -1` once head has left."""
    read, write = os.pipe()
    os.close(read)
    return write


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_a_closed_standard_output_is_no_traceback(tmp_path, buffered):
    root = write_journal(
        tmp_path / "j",
        {f"2026-05-{d:02}-talk.md": speaking(f"2026-05-{d:02}", "T") for d in (1, 2)},
    )
    write = closed_pipe()
    try:
        done = journal(
            "list",
            "--root",
            str(root),
            stdout=write,
            env={"PYTHONUNBUFFERED": "" if buffered else "1"},
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def test_publish_git_into_a_closed_pipe_publishes_without_a_traceback(tmp_path, keyring_text):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    (root / crypto.KEYRING_FILE).write_text(keyring_text)
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(bare))
    git("init", "-q", "-b", "main", str(root))
    git("-C", str(root), "remote", "add", "origin", str(bare))
    write = closed_pipe()
    try:
        done = journal("publish", "--root", str(root), "--git", "pages", stdout=write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")
    assert git("-C", str(bare), "rev-list", "--count", "pages").strip() == "1"  # it did publish


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_a_full_standard_output_is_one_line(tmp_path, buffered):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    root = write_journal(tmp_path / "j", {"2026-05-01-talk.md": speaking("2026-05-01", "Talk")})
    with open("/dev/full", "w") as full:
        done = journal(
            "export",
            "--root",
            str(root),
            stdout=full,
            env={"PYTHONUNBUFFERED": "" if buffered else "1"},
        )
    assert (done.returncode, done.stderr) == (
        1,
        "journal: standard output: cannot be written (no space left on device)\n",
    )


def test_create_exclusively_without_hard_links_writes_the_file_once(tmp_path, monkeypatch):
    """Where a file system refuses hard links, the new file is made with O_EXCL on its name:
    whole, never over another, and no hidden temporary file is left."""
    import errno as errno_module

    from journal import atomic

    def no_links(*args, **kwargs):
        raise OSError(errno_module.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    path = tmp_path / "a.md"
    atomic.create_exclusively(path, b"written once\n")
    assert path.read_bytes() == b"written once\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    with pytest.raises(FileExistsError):
        atomic.create_exclusively(path, b"again\n")
    assert path.read_bytes() == b"written once\n"
