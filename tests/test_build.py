"""Building a journal: the pages, what is on them, links, and what a failed build leaves."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.cli import main
from journal.errors import JournalError, ProblemsError
from tests.conftest import entry
from tests.sitecheck import broken_links, link_texts, text_of

TODAY = date(2026, 11, 22)

SMALL = {
    "2026-09-01-first-talk.md": entry(
        "2026-09-01",
        "setback",
        "Public speaking",
        title="First talk",
        tags="[talks]",
        lesson="Rehearse",
        body="I *rushed* it.",
    ),
    "2026/2026-09-05-5k.md": entry(
        "2026-09-05",
        "win",
        "running",
        title="Ran 5k",
        tags="[outdoors, milestone]",
        difficulty=4,
        confidence=6,
    ),
    "2026/2026-10-02-second-talk.md": entry(
        "2026-10-02",
        "win",
        "public-speaking",
        title="Second talk",
        tags="talks, milestone",
        follows="2026-09-01-first-talk",
    ),
    "2026/2026-10-20-draft.md": entry(
        "2026-10-20", "win", "running", title="Secret draft", draft="true"
    ),
}


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


@pytest.fixture
def small_site(make_journal, tmp_path):
    root = make_journal(
        SMALL, config='title = "Test journal"\n[domains.running]\nname = "Running"\n'
    )
    out = tmp_path / "out"
    result = build(root, out, Options(today=TODAY))
    return root, out, result


def test_every_entry_domain_tag_and_month_gets_a_page(small_site):
    _, out, result = small_site
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    for expected in [
        "index.html",
        "entries/2026-09-01-first-talk.html",
        "entries/2026-09-05-5k.html",
        "entries/2026-10-02-second-talk.html",
        "domains/public-speaking.html",
        "domains/running.html",
        "tags/talks.html",
        "tags/outdoors.html",
        "tags/milestone.html",
        "archive/index.html",
        "archive/2026-09.html",
        "archive/2026-10.html",
    ]:
        assert expected in pages
    assert "entries/2026-10-20-draft.html" not in pages  # drafts are left out
    assert result.entries == 3


def test_lists_hold_the_right_entries_newest_first(small_site):
    _, out, _ = small_site
    speaking = read(out, "domains/public-speaking.html")
    assert link_texts(speaking).index("Second talk") < link_texts(speaking).index("First talk")
    assert "Ran 5k" not in speaking
    milestone = link_texts(read(out, "tags/milestone.html"))
    assert milestone.index("Second talk") < milestone.index("Ran 5k")
    assert "First talk" not in milestone
    sept = text_of(read(out, "archive/2026-09.html"))
    assert "First talk" in sept and "Ran 5k" in sept and "Second talk" not in sept
    assert "Secret draft" not in text_of(read(out, "archive/2026-10.html"))


def test_home_shows_counts_domains_and_recent(small_site):
    _, out, _ = small_site
    home = text_of(read(out, "index.html"))
    assert "Test journal" in home
    assert "2 wins and 1 setback recorded across 2 domains" in home
    assert "Running 1 win ever" in home
    # the domain is shown by its configured name, else as written, a slug humanised
    assert "Public speaking 1 win ever" in home


def test_entry_page_shows_fields_links_and_follows(small_site):
    _, out, _ = small_site
    setback = read(out, "entries/2026-09-01-first-talk.html")
    text = text_of(setback)
    assert "Setback" in text and "Lesson: Rehearse" in text and "I rushed it." in text
    assert "Second talk" in link_texts(setback)  # the entry that applies its lesson
    assert 'href="../domains/public-speaking.html"' in setback
    assert 'href="../tags/talks.html"' in setback
    win = read(out, "entries/2026-10-02-second-talk.html")
    assert "Applies the lesson of First talk: “Rehearse”" in text_of(win)
    five_k = text_of(read(out, "entries/2026-09-05-5k.html"))
    assert "Difficulty 4/10" in five_k and "Confidence before 6/10" in five_k
    # previous / next in time
    assert link_texts(read(out, "entries/2026-09-05-5k.html"))[-2:] == [
        "← First talk",
        "Second talk →",
    ]


def test_drafts_flag_includes_drafts(make_journal, tmp_path):
    root = make_journal(SMALL)
    build(root, tmp_path / "o", Options(today=TODAY, drafts=True))
    assert "Draft" in text_of(read(tmp_path / "o", "entries/2026-10-20-draft.html"))


def test_all_links_resolve_and_nothing_is_loaded_from_elsewhere(small_site):
    _, out, _ = small_site
    assert broken_links(out) == []


def test_sample_journal_builds_with_working_links(tmp_path):
    repo = Path(__file__).resolve().parent.parent
    out = tmp_path / "site"
    result = build(repo, out, Options(today=TODAY))
    assert result.entries >= 40
    assert broken_links(out) == []


def test_failed_build_leaves_previous_site_untouched(small_site):
    root, out, _ = small_site
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    (root / "entries" / "broken.md").write_text("---\ndate: nope\n---\n", encoding="utf-8")
    with pytest.raises(ProblemsError):
        build(root, out, Options(today=TODAY))
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_rebuild_removes_stale_pages(small_site):
    root, out, _ = small_site
    (root / "entries" / "2026" / "2026-09-05-5k.md").unlink()
    result = build(root, out, Options(today=TODAY))
    assert not (out / "entries" / "2026-09-05-5k.html").exists()
    assert not (out / "tags" / "outdoors.html").exists()
    assert result.pages == len([p for p in out.rglob("*") if p.is_file()]) - 1  # the marker
    again = build(root, out, Options(today=TODAY))
    assert again.skipped and again.pages == result.pages


def test_refuses_to_build_over_foreign_folder(make_journal, tmp_path):
    root = make_journal(SMALL)
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    with pytest.raises(JournalError):
        build(root, foreign, Options(today=TODAY))
    assert (foreign / "thesis.txt").read_text() == "precious"
    with pytest.raises(JournalError):
        build(root, root, Options(today=TODAY))


def test_build_never_writes_into_entries(make_journal, tmp_path):
    root = make_journal(SMALL)
    before = {p: p.read_bytes() for p in (root / "entries").rglob("*") if p.is_file()}
    build(root, tmp_path / "o", Options(today=TODAY))
    assert {p: p.read_bytes() for p in (root / "entries").rglob("*") if p.is_file()} == before


def test_same_input_gives_byte_identical_output(make_journal, tmp_path):
    root = make_journal(SMALL)
    build(root, tmp_path / "a", Options(today=TODAY))
    build(root, tmp_path / "b", Options(today=TODAY))
    files_a = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    files_b = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert files_a == files_b


def test_own_template_overrides_default_and_can_extend_it(make_journal, tmp_path):
    root = make_journal(SMALL)
    (root / "templates").mkdir()
    (root / "templates" / "tag.html").write_text(
        '{% extends "default/tag.html" %}{% block title %}TAGPAGE {{ tag }}{% endblock %}'
    )
    build(root, tmp_path / "o", Options(today=TODAY))
    assert "<title>TAGPAGE talks</title>" in read(tmp_path / "o", "tags/talks.html")
    assert "<title>Ran 5k · " in read(tmp_path / "o", "entries/2026-09-05-5k.html")


def test_layout_parts_are_the_same_for_every_page_of_a_folder_and_mark_menu_pages(
    make_journal, tmp_path
):
    """_header.html is made once per folder: what it shows may depend only on the folder
    (through url) and on `current`, the page's path when the menu marks it."""
    root = make_journal(SMALL)
    (root / "templates").mkdir()
    (root / "templates" / "_header.html").write_text(
        "<header>[{{ url('index.html') }}|{{ url('archive/index.html') }}|{{ current }}]</header>"
    )
    build(root, tmp_path / "o", Options(today=TODAY))
    expected = {  # worked out by hand from the folders: links climb to the root and down
        "index.html": "[index.html|archive/index.html|index.html]",
        "lessons.html": "[index.html|archive/index.html|lessons.html]",
        "archive/index.html": "[../index.html|index.html|archive/index.html]",
        "archive/2026-09.html": "[../index.html|index.html|None]",
        "entries/2026-09-05-5k.html": "[../index.html|../archive/index.html|None]",
        "tags/talks.html": "[../index.html|../archive/index.html|None]",
        "search.html": "[index.html|archive/index.html|search.html]",
    }
    for page, header in expected.items():
        assert f"<header>{header}</header>" in read(tmp_path / "o", page), page
    # a part that reaches for the page itself fails, located, instead of showing one
    # page's header on every page of the folder
    (root / "templates" / "_header.html").write_text("<header>\n{{ page_path }}</header>")
    with pytest.raises(JournalError, match=r"_header.html:2: template error: .*page_path"):
        build(root, tmp_path / "o", Options(today=TODAY))


# --- the command line ----------------------------------------------------------------------


def test_cli_build_prints_one_summary_line(make_journal, capsys, monkeypatch):
    root = make_journal(SMALL)
    monkeypatch.chdir(root / "entries")  # the root is found by walking up
    assert main(["build", "--today", "2026-11-22"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Built 3 entries into ")
    assert (root / "site" / "index.html").is_file()


def test_cli_check_exit_codes_and_report(make_journal, capsys):
    root = make_journal(SMALL)
    assert main(["check", "--root", str(root)]) == 0
    (root / "entries" / "bad.md").write_text("---\ndate: 2026-01-01\nkind: wn\ndomain: a\n---\n")
    assert main(["check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "entries/bad.md:3: kind is 'wn'; did you mean `win`? (expected win or setback)" in err
    assert "Traceback" not in err


def test_new_writes_prompts_and_never_overwrites(make_journal, capsys):
    root = make_journal({})
    args = [
        "new",
        "setback",
        "Froze at the Q&A",
        "--domain",
        "public-speaking",
        "--tags",
        "talks,q&a",
        "--date",
        "2026-11-20",
        "--no-edit",
        "--root",
        str(root),
    ]
    assert main(args) == 0
    path = root / "entries" / "2026-11-20-froze-at-the-q-a.md"
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text()
    for prompt in (
        "What did I attempt?",
        "What happened?",
        "What did I learn?",
        "What will I try differently?",
    ):
        assert prompt in text
    path.write_text(text + "\nMy own words.\n")
    assert main(args) == 1
    assert path.read_text().endswith("My own words.\n")
    assert "already exists" in capsys.readouterr().err
    assert (
        main(
            [
                "new",
                "win",
                "Gave the talk",
                "--domain",
                "public-speaking",
                "--date",
                "2026-11-21",
                "--no-edit",
                "--root",
                str(root),
            ]
        )
        == 0
    )
    win = (root / "entries" / "2026-11-21-gave-the-talk.md").read_text()
    assert "What specific actions led to this?" in win
    assert "What did it prove about what I can do?" in win
    assert "How will I use it next time?" in win
    assert main(["check", "--root", str(root)]) == 0  # what `new` writes is a valid entry


def test_init_creates_a_buildable_journal(tmp_path, monkeypatch, capsys):
    target = tmp_path / "fresh"
    assert main(["init", str(target)]) == 0
    assert (target / "journal.toml").is_file()
    assert "site/" in (target / ".gitignore").read_text()
    assert len(list((target / "entries").glob("*.md"))) == 1
    (target / "journal.toml").write_text('title = "Mine"\n')
    assert main(["init", str(target)]) == 0  # a second init changes nothing
    assert (target / "journal.toml").read_text() == 'title = "Mine"\n'
    monkeypatch.chdir(target)
    assert main(["build"]) == 0
    assert "Mine" in read(target / "site", "index.html")


def test_no_journal_found_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    assert "no journal here" in capsys.readouterr().err


def test_output_files_are_world_readable(small_site):
    _, out, _ = small_site
    mode = os.stat(out / "index.html").st_mode & 0o777
    assert mode & 0o044 == 0o044


def test_a_first_build_that_fails_midway_leaves_nothing_behind(make_journal, tmp_path):
    """First builds write pages as they are rendered, into a temp folder renamed at the
    end; a template error halfway through must leave neither a site nor the temp folder."""
    root = make_journal(
        {
            "a.md": entry("2026-11-01", title="Fine"),
            "b.md": entry("2026-11-02", title="Breaks the template"),
        }
    )
    (root / "templates").mkdir()
    (root / "templates" / "entry.html").write_text(
        '{% extends "default/entry.html" %}{% block main %}'
        "{% if entry.title.startswith('Breaks') %}{{ no_such_thing }}{% endif %}"
        "{{ super() }}{% endblock %}"
    )
    out = tmp_path / "fresh" / "site"
    with pytest.raises(JournalError, match="template error"):
        build(root, out, Options(today=date(2026, 11, 22)))
    assert not out.exists()
    assert list((tmp_path / "fresh").iterdir()) == []
    # and a successful first build streams every page into place
    (root / "templates" / "entry.html").unlink()
    result = build(root, out, Options(today=date(2026, 11, 22)))
    assert (out / "entries" / "b.html").is_file() and result.rendered == result.pages
