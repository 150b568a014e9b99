"""Plans (issue 16): confidence on record before the attempt. Figures worked out by hand
from a small journal; open plans counted nowhere; `done` changes two lines and nothing
else; bad plans reported as path:line."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from journal.analyse.analytics import analyse
from journal.build import Options, build
from journal.load.journal import load_journal
from tests.conftest import entry, write_journal
from tests.sitecheck import text_of
from tests.test_writing_loop import run

TODAY = date(2026, 6, 30)

# Speaking, ten resolved attempts with a confidence:
#   pre-registered (`planned` no later than `date`)      retrospective (the rest)
#   p1 06-01 win     c3  planned 05-31 20:00             r1 06-06 win     c6  no planned
#   p2 06-02 win     c4  planned 06-02 08:00 (same day)   r2 06-07 setback c8  no planned
#   p3 06-03 setback c7  planned 06-01 10:00             r3 06-08 18:00 win c5 planned 19:30
#   p4 06-04 win     c2  planned 06-03 21:00                                (after the attempt)
#   p5 06-05 win     c8  planned 06-04 21:00             r4 06-09 setback c3  planned 06-10
#                                                        r5 06-10 win     c9  no planned
RESOLVED = {
    "p1.md": entry("2026-06-01", "win", "Speaking", confidence=3, planned="2026-05-31T20:00"),
    "p2.md": entry("2026-06-02", "win", "Speaking", confidence=4, planned="2026-06-02T08:00"),
    "p3.md": entry(
        "2026-06-03", "setback", "Speaking", confidence=7, planned="2026-06-01T10:00", lesson="x"
    ),
    "p4.md": entry(
        "2026-06-04",
        "win",
        "Speaking",
        confidence=2,
        planned="2026-06-03T21:00",
        resolved="2026-06-04",
    ),
    "p5.md": entry("2026-06-05", "win", "Speaking", confidence=8, planned="2026-06-04T21:00"),
    "r1.md": entry("2026-06-06", "win", "Speaking", confidence=6),
    "r2.md": entry("2026-06-07", "setback", "Speaking", confidence=8, lesson="y"),
    "r3.md": entry("2026-06-08T18:00", "win", "Speaking", confidence=5, planned="2026-06-08T19:30"),
    "r4.md": entry(
        "2026-06-09", "setback", "Speaking", confidence=3, planned="2026-06-10", lesson="z"
    ),
    "r5.md": entry("2026-06-10", "win", "Speaking", confidence=9),
}
OPEN = {
    # coming up (today or later), waiting (its day has passed), and one in a new domain
    "o1.md": entry(
        "2026-07-02",
        "plan",
        "Speaking",
        title="Lead the retro",
        confidence=4,
        planned="2026-06-29T21:00",
    ),
    "o2.md": entry(
        "2026-06-20",
        "plan",
        "Speaking",
        title="Toast at the leaving do",
        confidence=6,
        planned="2026-06-19T20:00",
    ),
    "o3.md": entry(
        "2026-07-05", "plan", "Chess", title="First club game", confidence=5, planned="2026-06-29"
    ),
}


def test_preregistered_and_retrospective_figures_worked_by_hand(make_journal):
    root = make_journal({**RESOLVED, **OPEN})
    data = analyse(load_journal(root).entries, load_journal(root).config, TODAY).to_json()
    cal = data["domains"]["speaking"]["calibration"]
    pre, retro = cal["preregistered"], cal["retrospective"]
    # pre: expected success (c >= 6) vs outcome: p1 miss, p2 miss, p3 miss, p4 miss, p5 match
    assert pre["rated"] == 5 and pre["congruence"] == 0.2
    # (.3-1)² + (.4-1)² + (.7-0)² + (.2-1)² + (.8-1)² = .49+.36+.49+.64+.04 = 2.02; / 5
    assert pre["brier"] == 0.404
    # 10·outcome − c: 7, 6, −7, 8, 2 -> 16 / 5 = 3.2 points under
    assert pre["bias"] == 3.2
    assert [(b["range"], b["count"], b["win_rate"]) for b in pre["bins"]] == [
        ("1-3", 2, 1.0),
        ("4-6", 1, 1.0),
        ("7-8", 2, 0.5),
        ("9-10", 0, None),
    ]
    # retro: r1 match, r2 miss, r3 miss, r4 match (not expected, setback), r5 match
    assert retro["rated"] == 5 and retro["congruence"] == 0.6
    # .16 + .64 + .25 + .09 + .01 = 1.15; / 5
    assert retro["brier"] == 0.23
    assert retro["bias"] == -0.2  # 4, −8, 5, −3, 1
    assert [(b["range"], b["count"], b["win_rate"]) for b in retro["bins"]] == [
        ("1-3", 1, 0.0),
        ("4-6", 2, 1.0),
        ("7-8", 1, 0.0),
        ("9-10", 1, 1.0),
    ]
    # today's fields are the whole: 4 of 10 congruent, (2.02 + 1.15) / 10
    assert (cal["rated"], cal["congruence"], cal["brier"]) == (10, 0.4, 0.317)
    overall = data["overall"]["calibration"]
    assert overall["preregistered"] == pre and overall["retrospective"] == retro
    assert data["plans"] == {"coming_up": 2, "waiting": 1}


def test_open_plans_count_nowhere(make_journal, tmp_path):
    with_plans = make_journal({**RESOLVED, **OPEN})
    without = write_journal(tmp_path / "bare", RESOLVED)
    a = analyse(load_journal(with_plans).entries, load_journal(with_plans).config, TODAY)
    b = analyse(load_journal(without).entries, load_journal(without).config, TODAY)
    ja, jb = a.to_json(), b.to_json()
    assert ja.pop("plans") == {"coming_up": 2, "waiting": 1}
    jb.pop("plans")
    assert ja == jb  # streaks, strength, rates, calibration, counts, lessons: all the same
    assert "chess" not in ja["domains"]
    assert (ja["domains"]["speaking"]["wins"], ja["domains"]["speaking"]["setbacks"]) == (7, 3)
    # on the site: no page, no list, no search text, no feed item holds an open plan
    out_a, out_b = tmp_path / "sa", tmp_path / "sb"
    build(with_plans, out_a, Options(today=TODAY))
    build(without, out_b, Options(today=TODAY))
    files_a = sorted(p.relative_to(out_a) for p in out_a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(out_b) for p in out_b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        text = (out_a / rel).read_text(encoding="utf-8", errors="replace")
        holds = any(t in text for t in ("Lead the retro", "Toast at the leaving do", "First club"))
        assert holds == (str(rel) in ("index.html", "domains/speaking.html")), rel


def test_coming_up_sentence_on_the_pages(make_journal, tmp_path):
    root = make_journal({**RESOLVED, **OPEN})
    out = tmp_path / "site"
    build(root, out, Options(today=TODAY))
    home = text_of((out / "index.html").read_text(encoding="utf-8"))
    # c 4: only p2 is rated exactly 4 (1 < 3 attempts), so the window widens to 3-5:
    # p1 (3, win), p2 (4, win), r3 (5, win), r4 (3, setback) -> 3 of 4
    assert "At confidence 3–5 in Speaking you succeeded 3 of 4 times." in home
    assert "Nothing is recorded in Chess yet: this will be the first evidence." in home
    assert re.search(r"Waiting for an outcome .* Toast at the leaving do 20 Jun 2026", home)
    assert home.index("Coming up") < home.index("Lead the retro") < home.index("Waiting for")
    domain = text_of((out / "domains/speaking.html").read_text(encoding="utf-8"))
    assert "At confidence 3–5 in Speaking you succeeded 3 of 4 times." in domain
    assert "First club game" not in domain
    # calibration, kept apart, per domain and overall
    for text in (home, domain):
        assert re.search(
            r"Pre-registered: written before the attempt Over 5 rated entries written before "
            r"the attempt, your expectation matched the outcome 20% of the time \(congruence\)\. "
            r"Brier score 0\.404",
            text,
        )
        assert "You underestimate yourself by ~3 points." in text
        retro = r"Retrospective: written after it Over 5 rated entries .* 60% .* 0\.230"
        assert re.search(retro, text)
        assert "Your confidence matches your results to within a point." in text


PLAN = """\
---
date: 2026-07-02
kind: plan   # resolved by journal done
domain: Speaking
title: Lead the retro
planned: 2026-06-29T21:00
confidence: 4
---

## What exactly will I attempt?

The whole retro, forty minutes.
"""


@pytest.mark.parametrize("crlf", [False, True])
def test_done_changes_two_lines_and_keeps_every_other_byte(make_journal, crlf):
    root = make_journal(RESOLVED)
    path = root / "entries" / "2026-07-02-lead-the-retro.md"
    before = PLAN.replace("\n", "\r\n") if crlf else PLAN
    path.write_bytes(before.encode())
    done, _ = run(root, "done", "2026-07-02-lead-the-retro", "win", "--no-edit")
    assert done.returncode == 0, done.stderr
    after = path.read_bytes()
    nl = b"\r\n" if crlf else b"\n"
    old_lines, new_lines = before.encode().splitlines(True), after.splitlines(True)
    today = date.today().isoformat()
    assert new_lines[2] == b"kind: win   # resolved by journal done" + nl
    assert new_lines[3] == f"resolved: {today}".encode() + nl
    assert new_lines[:2] + new_lines[4:] == old_lines[:2] + old_lines[3:]
    assert load_journal(root).entries[-1].planned == date(2026, 6, 29)  # `planned` stays


def test_done_then_prompts_in_the_editor_and_plan_written_like_new(make_journal, tmp_path):
    root = make_journal(RESOLVED)
    done, calls = run(
        root,
        "plan",
        "Lead the retro",
        "--domain",
        "Speaking",
        "--confidence",
        "4",
        "--date",
        "2099-07-02",
        editor_steps=[["", "\nRun it in 30 minutes.\n"]],  # untouched, it would be discarded
    )
    assert done.returncode == 0, done.stderr
    path = root / "entries" / "2099-07-02-lead-the-retro.md"
    assert len(calls) == 1 and Path(calls[0][0]).name == path.name  # written outside entries/
    text = path.read_text()
    assert "kind: plan\n" in text and re.search(r"\nplanned: '?\d{4}-\d\d-\d\dT\d\d:\d\d'?\n", text)
    assert "## What exactly will I attempt?" in text and "## What would count as success?" in text
    before = path.read_bytes()
    done, calls = run(root, "done", "lead retro", "setback", editor_steps=[["", "\nToo fast.\n"]])
    assert calls == [[str(path)]]
    after = path.read_bytes()
    # the two lines changed, then the setback's prompts added at the end, then the answer
    lines = after.splitlines(True)
    assert lines[2:4] == [b"kind: setback\n", f"resolved: {date.today()}\n".encode()]
    head = b"".join(lines[:3] + lines[4:])
    assert head.replace(b"kind: setback", b"kind: plan").startswith(before)
    assert after.endswith(b"## What will I try differently?\n\nToo fast.\n")
    assert "is dated 2099-07-02, after today" in done.stderr
    # resolved by hand works as well: kind edited, `planned` kept, counted as pre-registered
    entry_ = next(e for e in load_journal(root).entries if e.id == path.stem)
    assert entry_.kind == "setback" and entry_.preregistered


def test_done_refuses_an_entry_that_is_not_a_plan(make_journal):
    root = make_journal(RESOLVED)
    before = (root / "entries" / "r1.md").read_bytes()
    done, _ = run(root, "done", "r1", "win", "--no-edit")
    assert done.returncode == 1
    assert "`r1` is a win, not a plan; nothing was changed" in done.stderr
    assert (root / "entries" / "r1.md").read_bytes() == before


def test_bad_plans_are_reported_as_path_and_line(make_journal):
    root = make_journal(
        {
            "a.md": entry("2026-06-01", "plan", "Speaking", planned="2026-05-30T10:00"),
            "b.md": entry(
                "2026-06-01",
                "win",
                "Speaking",
                confidence=5,
                planned="2026-06-03T10:00",
                resolved="2026-06-02",
            ),
            "c.md": entry("2026-06-01", "plan", "Speaking", confidence=5, planned="soon"),
            "d.md": entry(
                "2026-06-01",
                "plan",
                "Speaking",
                confidence=5,
                planned="2026-05-30",
                resolved="2026-06-01",
            ),
            "e.md": entry("2026-06-01", "plan", "Speaking", confidence=5),
            "f.md": entry("2026-06-02", "win", "Speaking", follows="d0"),
            "d0.md": entry("2026-06-01", "plan", "Speaking", confidence=5, planned="2026-05-30"),
        }
    )
    done, _ = run(root, "check")
    assert done.returncode == 1
    err = done.stderr
    for line in (
        "entries/a.md:3: a plan has no `confidence` (expected confidence: 1-10, how sure you "
        "are now that you can do it)",
        "entries/b.md:7: resolved 2026-06-02 is before planned 2026-06-03 10:00 (expected an "
        "outcome recorded after the plan was written)",
        "entries/c.md:6: planned is 'soon' (expected YYYY-MM-DD or an ISO 8601 date-time)",
        "entries/d.md:7: a plan cannot be resolved and still be a plan",
        "entries/e.md:3: a plan has no `planned:` time",
        "entries/f.md:5: follows `d0`, which is a plan (expected the id of an earlier setback)",
    ):
        assert line in err, err
    assert "6 errors found." in err


def test_stats_json_carries_both(make_journal):
    root = make_journal({**RESOLVED, **OPEN})
    done, _ = run(root, "stats", "--json", "--today", TODAY.isoformat())
    data = json.loads(done.stdout)
    for where in (data["domains"]["speaking"], data["overall"]):
        for part in ("preregistered", "retrospective"):
            assert set(where["calibration"][part]) >= {"rated", "congruence", "brier", "bins"}
    assert data["domains"]["speaking"]["calibration"]["preregistered"]["brier"] == 0.404


def test_sample_journal_has_open_and_resolved_plans():
    root = Path(__file__).resolve().parent.parent
    entries = load_journal(root).entries
    assert sum(e.is_plan for e in entries) >= 2
    assert sum(1 for e in entries if not e.is_plan and e.preregistered) >= 2
