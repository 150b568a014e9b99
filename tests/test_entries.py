"""The loader: one fixture per error class, located by path and line, and what valid input gives."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from journal.errors import ProblemsError
from journal.load.entry import parse_entry
from journal.load.journal import load_journal
from tests.conftest import entry

FIXTURES = Path(__file__).parent / "fixtures" / "bad_entries"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


@pytest.mark.parametrize("name", CASES)
def test_each_error_class_is_reported_with_path_and_line(tmp_path, name):
    (tmp_path / "entries").mkdir()
    shutil.copy(FIXTURES / f"{name}.md", tmp_path / "entries" / f"{name}.md")
    with pytest.raises(ProblemsError) as info:
        load_journal(tmp_path)
    errors = [str(p) for p in info.value.problems if p.severity == "error"]
    expected = (FIXTURES / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    assert errors == expected


def test_all_problems_of_all_files_are_reported_at_once(tmp_path):
    (tmp_path / "entries").mkdir()
    for name in CASES:
        shutil.copy(FIXTURES / f"{name}.md", tmp_path / "entries" / f"{name}.md")
    with pytest.raises(ProblemsError) as info:
        load_journal(tmp_path)
    files = {p.path for p in info.value.problems if p.severity == "error"}
    assert files == {f"entries/{name}.md" for name in CASES}
    assert "Traceback" not in str(info.value)


def test_one_file_reports_several_problems_together(make_journal):
    root = make_journal(
        {"multi.md": "---\ndate: 2026-13-01\nkind: wn\ndomain: x\ndifficulty: 0\ndomain: y\n---\n"}
    )
    with pytest.raises(ProblemsError) as info:
        load_journal(root)
    lines = sorted(p.line for p in info.value.problems if p.severity == "error")
    # line 6: domain twice; line 2: bad date; line 3: bad kind; line 5: difficulty 0
    assert lines == [2, 3, 5, 6]


def test_yaml_tag_is_never_executed(make_journal, tmp_path):
    marker = tmp_path / "pwned"
    root = make_journal(
        {
            "x.md": f'---\ndate: !!python/object/apply:os.system ["touch {marker}"]\n'
            "kind: win\ndomain: a\n---\n"
        }
    )
    with pytest.raises(ProblemsError):
        load_journal(root)
    assert not marker.exists()


def test_follows_must_name_an_earlier_setback(make_journal):
    root = make_journal(
        {
            "2026-05-01-fell.md": entry("2026-05-01", "setback", lesson="slow start"),
            "2026-05-02-won.md": entry("2026-05-02", "win"),
            "2026-05-03-a.md": entry("2026-05-03", follows="2026-05-02-won"),
            "2026-05-04-b.md": entry("2026-05-04", follows="2026-05-01-fel"),
            "2026-04-01-c.md": entry("2026-04-01", follows="2026-05-01-fell"),
            "2026-05-05-ok.md": entry("2026-05-05", follows="2026-05-01-fell"),
        }
    )
    with pytest.raises(ProblemsError) as info:
        load_journal(root)
    assert [str(p) for p in info.value.problems if p.severity == "error"] == [
        "entries/2026-04-01-c.md:5: follows `2026-05-01-fell`, dated 2026-05-01, after this one "
        "(expected the id of an earlier (or same-day) setback)",
        "entries/2026-05-03-a.md:5: follows `2026-05-02-won`, which is a win "
        "(expected the id of an earlier setback)",
        "entries/2026-05-04-b.md:5: follows `2026-05-01-fel`, which is no entry's id; "
        "did you mean `2026-05-01-fell`? (expected the id of an earlier setback)",
    ]


def test_duplicate_ids_across_folders(make_journal):
    root = make_journal({"a/x.md": entry("2026-05-01"), "b/x.md": entry("2026-05-02")})
    with pytest.raises(ProblemsError) as info:
        load_journal(root)
    assert [str(p) for p in info.value.problems] == [
        "entries/b/x.md:1: id `x` is also the id of entries/a/x.md "
        "(expected a unique file name, since the id is the file name without .md)"
    ]


def test_unknown_key_warns_with_suggestion_and_is_kept(make_journal):
    root = make_journal({"x.md": entry("2026-05-01", confidnce=7, mood="good")})
    journal = load_journal(root)
    assert [str(w) for w in journal.warnings] == [
        "entries/x.md:5: unknown key `confidnce` is kept for templates; "
        "did you mean `confidence`? [warning]",
        "entries/x.md:6: unknown key `mood` is kept for templates [warning]",
    ]
    assert journal.entries[0].extra == {"confidnce": 7, "mood": "good"}


def test_setback_without_lesson_warns(make_journal):
    journal = load_journal(make_journal({"x.md": entry("2026-05-01", "setback")}))
    assert [str(w) for w in journal.warnings] == [
        "entries/x.md:3: setback has no lesson: what did it teach? (answer under "
        "“What did I learn?”, or give `lesson:`) [warning]"
    ]


def test_valid_entry_fields():
    text = (
        "\ufeff---\r\ndate: 2026-06-12T19:30:00+02:00\r\nkind: Setback\r\n"
        "domain: Public speaking\r\ntags: talks, q&a\r\ndifficulty: 7\r\nconfidence: 4\r\n"
        "source: vicarious\r\nattribution: preparation\r\nlesson: Rehearse the Q&A\r\n"
        "next: Ask a friend for hard questions\r\nprivate: true\r\n---\r\n"
        "# Froze at the meetup\r\n\r\nI *froze*.\r\n"
    )
    parsed = parse_entry("entries/2026/2026-06-12-froze.md", text.encode("utf-8"))
    assert parsed.problems == ()
    e = parsed.entry
    assert (e.id, e.date, e.time, e.kind) == (
        "2026-06-12-froze",
        date(2026, 6, 12),
        "19:30",
        "setback",
    )
    assert (e.domain, e.domain_label, e.title) == (
        "public-speaking",
        "Public speaking",
        "Froze at the meetup",
    )
    assert e.tags == ("talks", "q&a")
    assert (e.difficulty, e.confidence, e.source, e.attribution) == (
        7,
        4,
        "vicarious",
        "preparation",
    )
    assert (e.lesson, e.next, e.private, e.draft) == (
        "Rehearse the Q&A",
        "Ask a friend for hard questions",
        True,
        False,
    )
    assert parsed.body.html == "<p>I <em>froze</em>.</p>\n"  # the heading became the title


def test_title_falls_back_to_file_name():
    parsed = parse_entry("entries/2026-05-01-first-5k.md", entry("2026-05-01").encode())
    assert parsed.entry.title == "First 5k"


def test_body_markdown_extensions():
    body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n"
    html = parse_entry("entries/x.md", entry("2026-05-01", body=body).encode()).body.html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'type="checkbox"' in html and "checked" in html
    assert 'class="footnotes"' in html and "A footnote." in html


def test_underscore_and_dot_files_are_ignored(make_journal):
    root = make_journal(
        {
            "_notes.md": "not an entry",
            ".hidden.md": "nope",
            "_drafts/x.md": "nope",
            "ok.md": entry("2026-05-01"),
        }
    )
    assert [e.id for e in load_journal(root).entries] == ["ok"]


def _nested_mapping(levels: int) -> str:
    """`levels` mappings inside each other by indentation alone: no brackets at all."""
    keys = "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(levels))
    return "\n" + keys + f"{'  ' * (levels + 1)}leaf\n"


@pytest.mark.parametrize(
    ("notes", "error"),
    [
        # 33 levels of mapping under the frontmatter's own: one too deep, by indentation only
        (_nested_mapping(33), "nests lists or mappings over 32 levels deep"),
        (_nested_mapping(32), None),  # exactly at the limit: fine
        # block sequences inside each other: `- - - …` on one line, 33 deep
        ("\n  " + "- " * 33 + "x\n", "nests lists or mappings over 32 levels deep"),
        # deeper than libyaml's own limit (1,000), where its parser stops first: the
        # journal's limit is still the one reported
        ("[" * 1500 + "]" * 1500 + "\n", "nests lists or mappings over 32 levels deep"),
        # an anchor repeated by aliases: 10 * 10 * 10 * 10 * 10 * 10 = 10^6 values > 100,000
        (
            "\n  a: &a [1,1,1,1,1,1,1,1,1,1]\n"
            "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
            "  f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
            "over 100,000 values once its aliases are expanded",
        ),
        ("\n  a: &a [1, 2]\n  b: *a\n", None),  # a small alias is fine
    ],
)
def test_frontmatter_limits_hold_with_and_without_the_quick_check(notes, error):
    """Most frontmatter is passed by a look at its text alone; whatever the text, the
    limits are those of the full check (depth 32, 100,000 values with aliases expanded)."""
    data = f"---\ndate: 2026-05-01\nkind: win\ndomain: running\nnotes: {notes}---\nBody.\n"
    parsed = parse_entry("entries/a.md", data.encode())
    messages = [p.message for p in parsed.problems if p.severity == "error"]
    if error is None:
        assert messages == [] and parsed.entry is not None
    else:
        assert len(messages) == 1 and error in messages[0], messages
