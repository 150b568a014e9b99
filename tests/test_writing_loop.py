"""The writing loop from the command line: new and edit in an editor (a fake one that records
its arguments and writes answers), -m, list, domains and rename. Real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import entry, write_journal

FAKE_EDITOR = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    log, plan = Path(sys.argv[1]), Path(sys.argv[2])
    target = Path(sys.argv[3])
    steps = json.loads(plan.read_text())
    calls = json.loads(log.read_text()) if log.exists() else []
    calls.append(sys.argv[3:])
    log.write_text(json.dumps(calls))
    old, new = steps[len(calls) - 1]
    text = target.read_text()
    target.write_text(text.replace(old, new, 1) if old else text + new)
    """
)


@pytest.fixture
def journal_dir(tmp_path):
    return write_journal(
        tmp_path / "j",
        {
            "2026/2026-09-01-first-talk.md": entry(
                "2026-09-01", "setback", "Public speaking", title="First talk", lesson="Rehearse"
            ),
            "2026/2026-09-05-5k.md": entry("2026-09-05", "win", "running", title="Ran 5k"),
            "2026/2026-10-02-second-talk.md": entry(
                "2026-10-02", "win", "Public speaking", title="Second talk"
            ),
            "2026/2026-10-03-meetup.md": entry(
                "2026-10-03", "win", "public-speeking", title="Meetup question"
            ),
            "2026/2026-10-04-club.md": entry(
                "2026-10-04", "win", "public-speaking", title="Club talk", draft="true"
            ),
        },
    )


def run(root: Path, *args: str, editor_steps=None, stdin: str = "", tmp: Path | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR")}
    log = None
    if editor_steps is not None:
        tmp = tmp or root.parent
        (tmp / "fake_editor.py").write_text(FAKE_EDITOR)
        (tmp / "plan.json").write_text(json.dumps(editor_steps))
        log = tmp / "calls.json"
        log.unlink(missing_ok=True)
        env["VISUAL"] = f"{sys.executable} {tmp / 'fake_editor.py'} {log} {tmp / 'plan.json'}"
    done = subprocess.run(
        [sys.executable, "-m", "journal", *args, "--root", str(root)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    calls = json.loads(log.read_text()) if log and log.exists() else []
    return done, calls


def test_new_opens_the_editor_and_checks_what_was_written(journal_dir):
    steps = [["", "\nI said it anyway.\n"]]
    done, calls = run(
        journal_dir, "new", "win", "Spoke up", "--domain", "public-speaking",
        "--date", "2026-11-02", "--confidence", "3", editor_steps=steps,
    )  # fmt: skip
    path = journal_dir / "entries" / "2026-11-02-spoke-up.md"
    assert done.returncode == 0, done.stderr
    # the editor got the new entry, once, as a file of the same name outside entries/
    assert len(calls) == 1 and Path(calls[0][0]).name == path.name
    assert not Path(calls[0][0]).resolve().is_relative_to(journal_dir.resolve())
    text = path.read_text()
    assert "confidence: 3\n" in text and text.endswith("I said it anyway.\n")
    assert done.stdout.strip() == str(path)


def test_a_bad_entry_is_shown_and_reopened_until_fixed(journal_dir):
    # fixed by quoting it: a text other than the template (an untouched one is discarded)
    steps = [["kind: setback", "kind: setbak"], ["kind: setbak", "kind: 'setback'"]]
    done, calls = run(
        journal_dir, "new", "setback", "Lost the thread", "--domain", "public-speaking",
        "--date", "2026-11-03", editor_steps=steps, stdin="y\n",
    )  # fmt: skip
    path = "entries/2026-11-03-lost-the-thread.md"
    assert done.returncode == 0, done.stderr
    assert len(calls) == 2  # opened, shown the problem, opened again
    assert f"{path}:3: kind is 'setbak'; did you mean `setback`?" in done.stderr
    assert "Open it again to fix this? [Y/n]" in done.stdout
    # no lesson yet: a warning, not a reason to reopen
    assert "setback has no lesson" in done.stderr


def test_declining_to_reopen_keeps_the_text_and_exits_1(journal_dir):
    steps = [["kind: win", "kind: wni"]]
    done, calls = run(
        journal_dir, "new", "win", "Typo", "--domain", "running", "--date", "2026-11-04",
        editor_steps=steps, stdin="n\n",
    )  # fmt: skip
    assert done.returncode == 1 and len(calls) == 1
    assert "kind: wni" in (journal_dir / "entries" / "2026-11-04-typo.md").read_text()
    assert "is kept as it is" in done.stderr


def test_m_dash_reads_the_body_from_standard_input(journal_dir):
    done, calls = run(
        journal_dir, "new", "win", "Quick one", "--domain", "running", "--date", "2026-11-05",
        "-m", "-", stdin="Ran before breakfast.\n", editor_steps=[],
    )  # fmt: skip
    assert done.returncode == 0 and calls == []  # no editor
    text = (journal_dir / "entries" / "2026-11-05-quick-one.md").read_text()
    assert text.endswith("---\n\nRan before breakfast.\n") and "What specific" not in text


def test_options_are_validated_before_anything_is_written(journal_dir):
    before = sorted(p.name for p in (journal_dir / "entries").rglob("*.md"))
    for bad in (["--confidence", "11"], ["--follows", "2026-09-05-5k"], ["--source", "tv"]):
        done, _ = run(journal_dir, "new", "win", "Bad", "--domain", "running", "--no-edit", *bad)
        assert done.returncode == 1, bad
        assert "nothing was written" in done.stderr
    done, _ = run(
        journal_dir, "new", "win", "Bad", "--domain", "running", "--follows", "first-talk",
        "--no-edit",
    )  # fmt: skip
    assert "did you mean `2026-09-01-first-talk`?" in done.stderr
    assert sorted(p.name for p in (journal_dir / "entries").rglob("*.md")) == before


def test_follows_an_existing_setback_applies_its_lesson(journal_dir):
    done, _ = run(
        journal_dir, "new", "win", "Rehearsed", "--domain", "public-speaking",
        "--follows", "2026-09-01-first-talk", "--date", "2026-11-06", "-m", "Did it.",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "follows: 2026-09-01-first-talk"
        in (journal_dir / "entries" / "2026-11-06-rehearsed.md").read_text()
    )


def test_unanswered_prompts_never_show_and_an_answered_lesson_counts(journal_dir, tmp_path):
    steps = [["## What did I learn?\n", "## What did I learn?\n\nBreathe first.\n"]]
    done, _ = run(
        journal_dir, "new", "setback", "Blanked", "--domain", "public-speaking",
        "--date", "2026-11-07", editor_steps=steps,
    )  # fmt: skip
    assert done.returncode == 0 and "has no lesson" not in done.stderr
    out = tmp_path / "site"
    assert run(journal_dir, "build", "--out", str(out))[0].returncode == 0
    page = (out / "entries" / "2026-11-07-blanked.html").read_text()
    # the answer is the lesson: shown once, in the lesson box, not again under its prompt
    assert "<strong>Lesson:</strong> Breathe first." in page and page.count("Breathe first.") == 1
    assert "What did I learn?" not in page
    assert "What happened?" not in page and "What did I attempt?" not in page
    lessons = (out / "lessons.html").read_text()
    assert "Breathe first." in lessons  # in the failure log, as its lesson
    feed = (out / "feed.xml").read_text()
    assert "What happened?" not in feed
    export, _ = run(journal_dir, "export", "--lessons")
    assert "What happened?" not in export.stdout and "Breathe first." in export.stdout


def test_edit_finds_by_id_last_or_words(journal_dir):
    for what, expected in (
        (["2026-09-05-5k"], "2026/2026-09-05-5k.md"),
        (["last"], "2026/2026-10-04-club.md"),
        (["second", "talk"], "2026/2026-10-02-second-talk.md"),
    ):
        done, calls = run(journal_dir, "edit", *what, editor_steps=[["", ""]])
        assert done.returncode == 0, done.stderr
        assert calls == [[str(journal_dir / "entries" / expected)]]
    done, calls = run(journal_dir, "edit", "talk", editor_steps=[])
    assert done.returncode == 1 and calls == []
    assert "3 entries match 'talk'; give one of these ids:" in done.stderr


def test_list_prints_one_line_per_entry(journal_dir):
    done, _ = run(journal_dir, "list")
    assert done.stdout.splitlines() == [
        "2026-10-04  win      Public speaking  Club talk [draft]  2026-10-04-club",
        "2026-10-03  win      Public speeking  Meetup question  2026-10-03-meetup",
        "2026-10-02  win      Public speaking  Second talk  2026-10-02-second-talk",
        "2026-09-05  win      Running  Ran 5k  2026-09-05-5k",
        "2026-09-01  setback  Public speaking  First talk  2026-09-01-first-talk",
    ]
    done, _ = run(journal_dir, "list", "--domain", "Public speaking", "--kind", "win", "-n", "1")
    assert done.stdout.splitlines() == [
        "2026-10-04  win      Public speaking  Club talk [draft]  2026-10-04-club"
    ]
    done, _ = run(journal_dir, "list", "--since", "2026-10-03")
    assert len(done.stdout.splitlines()) == 2


def test_domains_lists_names_counts_and_near_duplicates(journal_dir):
    done, _ = run(journal_dir, "domains")
    # the display name is the most common spelling ("Public speaking" twice), not the latest
    assert done.stdout.splitlines() == [
        "Public speaking  (public-speaking)  3 entries: 2 wins, 1 setback  "
        "spelt 'Public speaking' ×2, 'public-speaking' ×1",
        "Public speeking  (public-speeking)  1 entry: 1 win, 0 setbacks  "
        "spelt 'public-speeking' ×1",
        "Running  (running)  1 entry: 1 win, 0 setbacks  spelt 'running' ×1",
        "",
        "Near-duplicates (a typo splits the evidence; see `journal domains rename`):",
        "  entries/2026/2026-10-03-meetup.md:4: domain `public-speeking` (1 entry) is close to "
        "`public-speaking` (3 entries): a typo? [warning]",
    ]


def test_rename_is_a_dry_run_first_then_changes_only_the_domain_line(journal_dir):
    path = journal_dir / "entries" / "2026" / "2026-10-03-meetup.md"
    # CRLF, a BOM and a comment on the line must survive; every other byte too
    original = ("\ufeff" + path.read_text().replace("\n", "\r\n")).replace(
        "domain: public-speeking\r\n", "domain: public-speeking   # typo\r\n"
    )
    path.write_bytes(original.encode())
    (journal_dir / "journal.toml").write_text(
        'title = "T"\n\n[domains.public-speeking]\nname = "x"\n'
    )
    done, _ = run(journal_dir, "domains", "rename", "public-speeking", "Public speaking")
    assert done.returncode == 0, done.stderr
    assert "entries/2026/2026-10-03-meetup.md:4: would change" in done.stdout
    assert "Dry run: 1 entries would change" in done.stdout
    assert path.read_bytes() == original.encode()  # a dry run changes nothing
    done, _ = run(journal_dir, "domains", "rename", "public-speeking", "Public speaking", "--apply")
    assert done.returncode == 0, done.stderr
    expected = original.replace(
        "domain: public-speeking   # typo", "domain: Public speaking   # typo"
    ).encode()
    assert path.read_bytes() == expected
    # the typo's own config section moves with it, byte for byte but its name
    assert (journal_dir / "journal.toml").read_text() == (
        'title = "T"\n\n[domains.public-speaking]\nname = "x"\n'
    )
    check, _ = run(journal_dir, "check")
    assert "close to" not in check.stderr


def test_rename_moves_the_config_section_with_the_slug(journal_dir):
    (journal_dir / "journal.toml").write_text(
        'title = "T"\n\n[domains.running]\nname = "Running"  # keep\n'
    )
    done, _ = run(journal_dir, "domains", "rename", "running", "Jogging", "--apply")
    assert done.returncode == 0, done.stderr
    assert (journal_dir / "journal.toml").read_text() == (
        'title = "T"\n\n[domains.jogging]\nname = "Running"  # keep\n'
    )
    text = (journal_dir / "entries" / "2026" / "2026-09-05-5k.md").read_text()
    assert "domain: Jogging\n" in text and "domain: running" not in text


def test_bare_journal_prints_help_and_no_editor_is_a_clear_error(journal_dir):
    done = subprocess.run([sys.executable, "-m", "journal"], capture_output=True, text=True)
    assert done.returncode == 0 and "COMMAND" in done.stdout and "domains" in done.stdout
    done, _ = run(journal_dir, "new", "win", "X", "--domain", "running")
    assert done.returncode == 1
    assert "no editor found: set $VISUAL or $EDITOR" in done.stderr
    assert not list((journal_dir / "entries").glob("*-x.md"))  # nothing written


def test_a_setback_page_gives_the_command_that_applies_its_lesson(journal_dir, browser):
    from journal.build import Options
    from journal.serve import PreviewServer

    server = PreviewServer(journal_dir, port=0, options=Options()).start()
    context = browser.new_context()
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url[:-1])
        page = context.new_page()
        page.goto(server.url + "entries/2026-09-01-first-talk.html")
        expected = (
            "journal new win 'What I did' --domain public-speaking --follows 2026-09-01-first-talk"
        )
        assert page.inner_text("#apply-command") == expected
        assert page.inner_text("code.entry-id") == "2026-09-01-first-talk"
        page.click("button[data-copy]")
        page.wait_for_selector("button[data-copy]:has-text('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # the command works as given: the new win applies the lesson
        done, _ = run(
            journal_dir,
            *expected.split(" ", 1)[1].replace("'What I did'", "X").split(),
            "-m",
            "Did it.",
        )
        assert done.returncode == 0, done.stderr
    finally:
        context.close()
        server.stop()
