"""The preview's site in memory (journal/engine.py LiveSite): an edit of bodies only is
taken by redoing the pages that read them, and the site it leaves equals a cold build of
the journal as it is now, byte for byte. `journal build --explain` says why pages were
made again."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.engine import LiveSite
from journal.memo import Memo
from tests.conftest import entry, write_journal

TODAY = date(2026, 11, 22)
PREVIEW = Options(today=TODAY, preview=True, drafts=True)


def journal(root: Path) -> Path:
    files = {
        f"2026-11-{d:02d}-run.md": entry(
            f"2026-11-{d:02d}",
            "win" if d % 3 else "setback",
            "running" if d % 2 else "cooking",
            body=f"Ran along the river, day {d}. Steady breathing and an easy pace.",
            title=f'"Run {d}"',
            difficulty=3 + d % 3,
            **({"lesson": '"Start slower."'} if d % 3 == 0 else {}),
        )
        for d in range(1, 16)
    }
    files["2026-11-16-secret.md"] = entry(
        "2026-11-16", body="Private words here.", title='"Secret"', private="true"
    )
    files["2026-11-17-draft.md"] = entry(
        "2026-11-17", body="Draft words.", title='"Draft"', draft="true"
    )
    return write_journal(root, files)


def cold(root: Path, out: Path) -> dict[str, bytes]:
    build(root, out, PREVIEW, memo=Memo(None, "cold"))
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".journal-site"
    }


def edit(root: Path, name: str, old: str, new: str) -> str:
    path = root / "entries" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f"entries/{name}"


@pytest.fixture
def live(tmp_path):
    root = journal(tmp_path / "j")
    site = LiveSite(root, PREVIEW, Memo(None, "live"))
    site.rebuild(first=True)
    return site


@pytest.mark.parametrize(
    "name, old, new",
    [
        ("2026-11-05-run.md", "Steady breathing", "Ragged breathing"),  # words, same shards
        ("2026-11-05-run.md", "easy pace.", "easy pace. Zzyzx quokka 42."),  # new shards
        ("2026-11-15-run.md", "Ran along", "Walked along"),  # the latest: feed, home
        ("2026-11-16-secret.md", "Private words", "Other private words"),  # private
        ("2026-11-17-draft.md", "Draft words.", "Draft words, more of them."),  # draft
        ("2026-11-03-run.md", "Ran along the river", "Ran"),  # a setback, words removed
    ],
)
def test_a_body_edit_is_taken_alone_and_equals_a_cold_build(live, tmp_path, name, old, new):
    before = dict(live.files)
    rel = edit(live.root, name, old, new)
    outcome = live.bodies_changed({rel})
    assert outcome is not None and outcome.fast
    truth = cold(live.root, tmp_path / "cold")
    assert live.files.keys() == truth.keys()
    assert [p for p in truth if live.files[p] != truth[p]] == []
    page = "entries/" + name.replace(".md", ".html")
    assert live.files[page] != before[page]
    # only what shows that body changed: never the streaks or a tag's list
    changed = {p for p in truth if before.get(p) != truth[p]}
    assert "streaks.html" not in changed and "archive/index.html" not in changed
    assert outcome.rendered <= len(changed) + 1


def test_removing_the_only_word_of_a_shard_removes_the_shard(live, tmp_path):
    rel = edit(live.root, "2026-11-05-run.md", "easy pace.", "easy pace. Zzyzx.")
    assert live.bodies_changed({rel}).fast
    shards = {p for p in live.files if p.startswith("search/w-")}
    edit(live.root, "2026-11-05-run.md", " Zzyzx.", "")
    assert live.bodies_changed({rel}).fast
    assert {p for p in live.files if p.startswith("search/w-")} < shards
    truth = cold(live.root, tmp_path / "cold")
    assert live.files == truth


@pytest.mark.parametrize(
    "old, new",
    [
        ('title: "Run 5"', 'title: "Run five"'),  # frontmatter
        ("Steady breathing", "See [[2026-11-04-run]]"),  # a link: backlinks change
        ("Steady breathing", "![photo](missing.jpg)"),  # an attachment
    ],
)
def test_anything_but_a_body_is_left_to_a_whole_update(live, tmp_path, old, new):
    rel = edit(live.root, "2026-11-05-run.md", old, new)
    assert live.bodies_changed({rel}) is None
    live.rebuild()
    assert live.files == cold(live.root, tmp_path / "cold")


def test_a_file_that_did_not_parse_is_left_to_a_whole_update(live):
    rel = edit(live.root, "2026-11-05-run.md", "kind: win", "kind: victory")
    assert live.bodies_changed({rel}) is None
    assert live.bodies_changed({"entries/new-file.md"}) is None


def run(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "journal", "build", "--root", str(root), "--today", "2026-11-22"]
        + list(args),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_explain_says_which_entry_or_setting_made_each_page_again(tmp_path):
    root = journal(tmp_path / "j")
    run(root)
    assert run(root, "--explain").splitlines()[0] == "no page was made again"
    edit(root, "2026-11-05-run.md", "Steady breathing", "Ragged breathing")
    lines = run(root, "--explain").splitlines()
    why = dict(line.split(": ", 1) for line in lines[:-1])
    assert why["entries/2026-11-05-run.html"] == "changed: entries/2026-11-05-run.md"
    assert "index.html" not in why and "streaks.html" not in why
    (root / "templates").mkdir()
    (root / "templates" / "404.html").write_text("<p>gone</p>\n")
    why = dict(line.split(": ", 1) for line in run(root, "--explain").splitlines()[:-1])
    assert why == {"404.html": "the templates 404.html reads changed"}  # no other page
    (root / "templates" / "_entry_item.html").write_text("<li>{{ e.title }}</li>\n")
    why = dict(line.split(": ", 1) for line in run(root, "--explain").splitlines()[:-1])
    # a list item: the pages whose templates list entries, not the 404 page
    assert why["archive/2026-11.html"] == "the templates month.html reads changed"
    assert why["domains/running.html"] == "the templates domain.html reads changed"
    assert "404.html" not in why and "search.html" not in why
    (root / "journal.toml").write_text('title = "Another title"\n')
    why = dict(line.split(": ", 1) for line in run(root, "--explain").splitlines()[:-1])
    assert why["404.html"] == "journal.toml changed what it shows"  # the title, on every page
    (root / "journal.toml").write_text(
        'title = "Another title"\n[domains.cooking]\ndescription = "Meals."\n'
    )
    why = dict(line.split(": ", 1) for line in run(root, "--explain").splitlines()[:-1])
    assert why["domains/cooking.html"] == "journal.toml changed what it shows"
    assert "404.html" not in why and "domains/running.html" not in why


def test_a_domain_change_moves_the_entry_s_search_words(live, tmp_path):
    """Found by the fuzz test: the index made from the last one took an entry's terms
    before the change with its new domain's name, so its old domain's words stayed."""
    rel = edit(live.root, "2026-11-05-run.md", "domain: running", "domain: cooking")
    assert live.bodies_changed({rel}) is None
    live.rebuild()
    assert live.files == cold(live.root, tmp_path / "cold")


def test_after_a_failed_update_a_body_edit_lists_the_site_afresh(live, tmp_path):
    """Found by the fuzz test: after a failure the last good listing is not the journal
    as it stands (journal.toml may have changed meanwhile), so no body-only update."""
    from journal.errors import ProblemsError

    bad = edit(live.root, "2026-11-05-run.md", "date: 2026-11-05", "date: 2026-13-45")
    with pytest.raises(ProblemsError):
        live.rebuild()
    (live.root / "journal.toml").write_text('title = "Changed while broken"\n')
    edit(live.root, "2026-11-05-run.md", "date: 2026-13-45", "date: 2026-11-05")
    assert live.bodies_changed({bad}) is None
    live.rebuild()
    assert b"Changed while broken" in live.files["index.html"]
    assert live.files == cold(live.root, tmp_path / "cold")


def test_closing_the_preview_leaves_the_last_build_s_record_alone(tmp_path):
    """A preview started before a build and closed after it must not write back the record
    it read at start: the next build, with nothing changed, is then a no-op."""
    root = journal(tmp_path / "j")
    out = tmp_path / "site"
    live = LiveSite(root, PREVIEW)
    live.rebuild(first=True)
    edit(root, "2026-11-03-run.md", "day 3.", "day 3, in the rain.")
    assert not build(root, out, PREVIEW).skipped
    live.close()
    assert build(root, out, PREVIEW).skipped


def test_the_preview_does_not_save_while_a_build_holds_the_lock(tmp_path):
    """Closing the preview while another command holds the journal's lock saves nothing
    (that command saves its own memo) and does not wait for it."""
    from journal.lock import journal_lock

    root = journal(tmp_path / "j")
    live = LiveSite(root, PREVIEW)
    live.rebuild(first=True)
    log = root / ".journal-cache" / "parsed.log"
    before = log.stat().st_mtime_ns if log.exists() else None
    with journal_lock(root):
        live.close()
    assert (log.stat().st_mtime_ns if log.exists() else None) == before
    live.close()
    assert log.exists()


def test_static_files_at_search_paths_stay_when_a_body_edit_adds_a_shard(tmp_path):
    """Found by an attack: a body edit that made a new search shard listed the search
    files afresh and dropped static files under search/ (and replaced a static
    search-index.js by the generated one) until the next whole update."""
    root = journal(tmp_path / "j")
    (root / "static" / "search").mkdir(parents=True)
    (root / "static" / "search" / "opensearch.xml").write_text("<OpenSearch/>\n")
    (root / "static" / "search-index.js").write_text("/* my own */\n")
    live = LiveSite(root, PREVIEW)
    live.rebuild(first=True)
    rel = edit(root, "2026-11-03-run.md", "day 3.", "day 3. Zebra xylophone quokka.")
    assert live.bodies_changed({rel}) is not None  # taken as a change of bodies only
    files = dict(live.files)
    assert files["search/opensearch.xml"] == b"<OpenSearch/>\n"
    assert files["search-index.js"] == b"/* my own */\n"
    assert files == cold(root, tmp_path / "cold")
