"""Issue 24: the tools keep working on a journal with a broken entry, nothing unwritten is
kept, typos are caught at write time, and the editor falls back as git's does.

Real processes, with a fake editor (tests/test_writing_loop.py's), and a real preview."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from journal.build import Options
from journal.commands import writing
from journal.serve import PreviewServer
from tests.conftest import entry, write_journal
from tests.test_preview import get, wait_for
from tests.test_writing_loop import run

BROKEN = "---\ndate: 2026-11-05\nkind: win\ndomain: running\ntags: [a, b\n---\n\nBody.\n"
# the tag list is never closed: YAML reports it on the frontmatter's last line at the latest


@pytest.fixture
def journal_dir(tmp_path):
    return write_journal(
        tmp_path / "j",
        {
            "2026/2026-09-01-first-talk.md": entry(
                "2026-09-01", "setback", "public-speaking", title="First talk", lesson="Rehearse"
            ),
            "2026/2026-09-05-5k.md": entry("2026-09-05", "win", "running", title="Ran 5k"),
            "2026/2026-11-05-broken.md": BROKEN,
        },
    )


def test_edit_opens_a_broken_entry_by_id_last_and_path_and_checks_it_after(journal_dir):
    path = journal_dir / "entries/2026/2026-11-05-broken.md"
    for what in ("2026-11-05-broken", "last", "entries/2026/2026-11-05-broken.md"):
        path.write_text(BROKEN)
        done, calls = run(journal_dir, "edit", what, editor_steps=[["tags: [a, b", "tags: [a, b]"]])
        assert done.returncode == 0, (what, done.stderr)
        assert calls == [[str(path)]] or Path(calls[0][0]).resolve() == path.resolve()
        assert "tags: [a, b]\n" in path.read_text()


def test_edit_that_leaves_it_broken_says_so_and_keeps_the_text(journal_dir):
    done, calls = run(
        journal_dir, "edit", "last", editor_steps=[["Body.", "Body, edited."]], stdin="n\n"
    )
    assert done.returncode == 1 and len(calls) == 1
    assert "entries/2026/2026-11-05-broken.md:" in done.stderr
    assert "Body, edited." in (journal_dir / "entries/2026/2026-11-05-broken.md").read_text()


def test_list_and_domains_list_what_parses_and_flag_what_does_not(journal_dir):
    done, _ = run(journal_dir, "list")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert [line.split()[-1] for line in done.stdout.splitlines()] == [
        "2026-09-05-5k",
        "2026-09-01-first-talk",
    ]
    flagged = [line for line in done.stderr.splitlines() if "has errors" in line]
    assert len(flagged) == 1
    assert flagged[0].startswith("entries/2026/2026-11-05-broken.md:")
    assert flagged[0].endswith("[has errors: `journal edit 2026-11-05-broken` opens it]")
    done, _ = run(journal_dir, "domains")
    assert done.returncode == 0
    assert done.stdout.count(" 1 entry: ") == 2  # running and public-speaking, one each
    assert "entries/2026/2026-11-05-broken.md:" in done.stderr


def test_new_follows_a_broken_entry_says_it_has_errors_and_where(journal_dir):
    done, _ = run(
        journal_dir, "new", "win", "Ran again", "--domain", "running", "--date", "2026-11-06",
        "--follows", "2026-11-05-broken", "-m", "Again.",
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "follows `2026-11-05-broken`, which has errors: entries/2026/2026-11-05-broken.md:" in (
        done.stderr
    )
    assert "journal edit 2026-11-05-broken" in done.stderr
    assert not (journal_dir / "entries/2026-11-06-ran-again.md").exists()


def test_an_untouched_template_is_discarded(journal_dir):
    before = sorted(p.name for p in (journal_dir / "entries").rglob("*"))
    done, calls = run(
        journal_dir, "new", "win", "Nothing yet", "--domain", "running", "--date", "2026-11-07",
        editor_steps=[["", ""]],
    )  # fmt: skip
    assert len(calls) == 1
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "nothing saved: the entry was left empty"
    assert sorted(p.name for p in (journal_dir / "entries").rglob("*")) == before


def test_the_editor_edits_a_file_outside_entries_which_moves_in_once_written(journal_dir):
    done, calls = run(
        journal_dir, "plan", "Half marathon", "--domain", "running", "--date", "2026-12-01",
        "--confidence", "4", editor_steps=[["", "\nTrain three times a week.\n"]],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    opened = Path(calls[0][0])
    assert opened.name == "2026-12-01-half-marathon.md"
    assert not opened.resolve().is_relative_to(journal_dir.resolve())
    assert not opened.exists()  # the temporary copy is gone
    final = journal_dir / "entries/2026-12-01-half-marathon.md"
    assert final.read_text().endswith("Train three times a week.\n")


SLOW_EDITOR = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    started, go, target = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    started.write_text(str(target))
    for _ in range(600):
        if go.exists():
            break
        time.sleep(0.05)
    target.write_text(target.read_text() + "\\nWritten slowly.\\n")
    """
)


def test_a_slow_editor_never_exposes_a_draft_to_a_running_preview(tmp_path):
    root = write_journal(
        tmp_path / "j", {"2026-11-01-talk.md": entry("2026-11-01", "win", "speaking")}
    )
    (tmp_path / "slow.py").write_text(SLOW_EDITOR)
    started, go = tmp_path / "started", tmp_path / "go"
    srv = PreviewServer(root, port=0, options=Options()).start()
    try:
        assert wait_for(lambda: get(srv, "/entries/2026-11-01-talk.html")[0] == 200)
        env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR")}
        env["VISUAL"] = f"{sys.executable} {tmp_path / 'slow.py'} {started} {go}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "journal", "new", "win", "Slow one", "--domain", "speaking",
             "--date", "2026-11-02", "--root", str(root)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert wait_for(started.exists, timeout=60)
        time.sleep(1.0)  # the editor is open: whatever the preview would see, it sees now
        assert sorted(p.name for p in (root / "entries").iterdir()) == ["2026-11-01-talk.md"]
        assert get(srv, "/entries/2026-11-02-slow-one.html")[0] == 404
        assert b"Slow one" not in get(srv, "/index.html")[2]
        go.write_text("")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert wait_for(lambda: get(srv, "/entries/2026-11-02-slow-one.html")[0] == 200)
        assert b"Written slowly." in get(srv, "/entries/2026-11-02-slow-one.html")[2]
    finally:
        srv.stop()


def test_a_new_domain_close_to_an_existing_one_warns_at_once(journal_dir):
    done, _ = run(
        journal_dir, "new", "win", "Spoke", "--domain", "public-speeking", "--date", "2026-11-08",
        "-m", "Spoke up.",
    )  # fmt: skip
    assert done.returncode == 0  # a warning: the entry is written
    assert (
        "domain `public-speeking` is new, and close to `public-speaking` (1 entry): a typo? "
        "(did you mean --domain public-speaking?) [warning]"
    ) in done.stderr
    done, _ = run(
        journal_dir, "new", "win", "Ran", "--domain", "running", "--date", "2026-11-09", "-m", "x"
    )
    assert "[warning]" not in done.stderr  # an existing domain says nothing


def _executable(folder: Path, name: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(
    "present, chosen",
    [(["editor", "vi", "nano"], "editor"), (["vi", "nano"], "vi"), (["nano"], "nano")],
)
def test_the_editor_falls_back_as_git_does(tmp_path, monkeypatch, present, chosen):
    for name in present:
        _executable(tmp_path, name)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    assert writing.editor_command() == [chosen]
    monkeypatch.setenv("EDITOR", "myeditor --wait")
    assert writing.editor_command() == ["myeditor", "--wait"]


def test_no_editor_found_says_what_to_set(tmp_path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    with pytest.raises(writing.JournalError, match=r"set \$VISUAL or \$EDITOR"):
        writing.editor_command()
