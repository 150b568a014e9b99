"""The evidence pages show the figures (read from the HTML), every chart has a text alternative,
and `journal stats --json` agrees with the site."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.cli import main
from tests.conftest import entry
from tests.sitecheck import text_of

TODAY = date(2026, 11, 22)  # a Sunday; Monday weeks start 11-02, 11-09, 11-16

# Running: mastery wins in the weeks of 11-02, 11-09, 11-16 (current 3), and earlier a run of
# 10-05, 10-12 broken by the empty week of 10-19 and 10-26.
# Speaking: a setback with an open lesson, one applied later, one put down to ability.
FILES = {
    "r1.md": entry("2026-10-06", "win", "running", title="R one", difficulty=3, confidence=4),
    "r2.md": entry("2026-10-13", "win", "running", title="R two", difficulty=5, confidence=5),
    "r3.md": entry("2026-11-03", "win", "running", title="R three", difficulty=4, confidence=4),
    "r4.md": entry("2026-11-10", "win", "running", title="R four", difficulty=6, confidence=5),
    "r5.md": entry("2026-11-17", "win", "running", title="R five", difficulty=7, confidence=6),
    "r6.md": entry(
        "2026-11-18",
        "setback",
        "running",
        title="R six",
        difficulty=8,
        confidence=6,
        lesson="Sleep more",
        attribution="effort",
    ),
    "s1.md": entry(
        "2026-10-01",
        "setback",
        "public-speaking",
        title="Froze",
        difficulty=5,
        lesson="Rehearse with a timer",
        attribution="ability",
    ),
    "s2.md": entry(
        "2026-10-20", "win", "public-speaking", title="Timed talk", difficulty=6, follows="s1"
    ),
    "s3.md": entry(
        "2026-11-05",
        "setback",
        "public-speaking",
        title="Hostile question",
        difficulty=7,
        lesson="Repeat the question back",
        attribution="strategy",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    from tests.conftest import write_journal

    root = write_journal(
        tmp_path_factory.mktemp("ev") / "j", FILES, '[domains.running]\nname = "Running"\n'
    )
    out = root / "site"
    build(root, out, Options(today=TODAY))
    return root, out


def page(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_domain_page_shows_its_figures(site):
    _, out = site
    html = page(out, "domains/running.html")
    text = text_of(html)
    # 5 wins, 1 setback -> 5/6 = 83%; first 10 = all 6 entries -> same; 3 weeks now, longest 3
    assert "Win rate (all time) 83%" in text
    # 6 entries: too few for both an early and a recent window, so neither is shown
    assert "First 10 → latest 10" not in text
    assert (
        "Mastery streak (weeks) 3 weeks running · longest run 3 weeks (3 Nov 2026 – 17 Nov 2026)"
        in text
    )
    # rated 6: c>=6 expected success: r5 (win, match), r6 (setback, miss); c<6 not expected:
    # r1..r4 all wins (4 misses) -> congruence 1/6 = 17%.
    assert "expectation matched the outcome 17% of the time" in text
    # Brier: (.4-1)^2+(.5-1)^2+(.4-1)^2+(.5-1)^2+(.6-1)^2+(.6-0)^2 = .36+.25+.36+.25+.16+.36=1.74
    # 1.74 / 6 = 0.290
    assert "Brier score 0.290" in text
    # all six ratings are 4-6: five wins of six (5/6 = 83% > 60% stated) -> underestimated
    assert (
        "When you rated your confidence 4–6 you succeeded in 5 of 6 attempts. "
        "You underestimated yourself." in text
    )
    # the audit: three most recent wins, and the three hardest (7, 6, 5)
    assert re.search(r"The three latest mastery wins\s+R five .* R four .* R three", text)
    assert re.search(r"The three hardest mastery wins\s+R five .* R four .* R two", text)
    # "when belief runs low" comes first, before the recency figures
    assert text.index("When belief runs low") < text.index("Mastery streak")
    assert "Hardest win ever R five difficulty 7" in text


def test_strength_on_the_page_follows_the_formula(site):
    _, out = site
    m = 0.5 ** (1 / 5)
    # running periods from the week of 10-05 to the week of 11-16 (7 weeks):
    # v = 1,1,0,0,1,1,1 (weeks 10-05, 10-12, 10-19, 10-26, 11-02, 11-09, 11-16)
    s = 0.0
    for v in (1, 1, 0, 0, 1, 1, 1):
        s = m * s + (1 - m) * v
    expected = round(100 * s)
    assert f"Evidence strength {expected}/100 now · best {expected}/100" in text_of(
        page(out, "domains/running.html")
    )


def test_failure_log_lists_setbacks_with_lessons_and_reframe(site):
    _, out = site
    text = text_of(page(out, "lessons.html"))
    # 3 setbacks: effort + strategy controllable, ability 1
    assert (
        "Controllable (effort, strategy, preparation): 2 · external (circumstances, luck): 0"
        " · ability: 1 · unrecorded: 0." in text
    )
    assert "Lessons applied: 1 of 3 (33%)" in text
    speaking = text[text.index("Public speaking (") :]
    assert speaking.index("Hostile question") < speaking.index("Froze")  # newest first
    assert "Applied in Timed talk." in text
    assert "Put down to ability. What could be done differently next time?" in text
    assert text.count("Not applied yet.") == 2


def test_setback_page_shows_counter_evidence(site):
    _, out = site
    text = text_of(page(out, "entries/r6.html"))
    # difficulty 8, no earlier win at >= 8: the nearest below, hardest first: R five (7), R four (6)
    counter = text[text.index("Evidence against the doubt") :]
    assert counter.index("R five") < counter.index("R four") < counter.index("R two")


def test_home_dashboard(site):
    _, out = site
    text = text_of(page(out, "index.html"))
    # overall: weeks with any mastery win: 10-05, 10-12, 10-19 (s2), 11-02, 11-09, 11-16 -> 3 now
    assert "Mastery streak (weeks) 3 weeks running · longest run 3 weeks" in text
    assert "Lessons waiting to be used" in text and "Sleep more" in text
    # the cases lead: each domain's hardest win before any streak or lesson
    assert text.index("Hardest: R five") < text.index("Mastery streak")
    assert text.index("Hardest:") < text.index("Lessons waiting to be used")


def test_streaks_page_has_every_domain(site):
    _, out = site
    text = text_of(page(out, "streaks.html"))
    assert "Running week 3 weeks running · longest run 3 weeks (3 Nov 2026 – 17 Nov 2026)" in text
    assert (
        "Public speaking week last mastery win 20 Oct 2026 · longest run 1 week "
        "(20 Oct 2026 – 20 Oct 2026)" in text
    )


def test_every_chart_has_a_text_alternative(site):
    _, out = site
    charts = 0
    for html_file in out.rglob("*.html"):
        for svg_text in re.findall(r"<svg.*?</svg>", html_file.read_text(), flags=re.S):
            svg = ET.fromstring(svg_text)
            ns = "{http://www.w3.org/2000/svg}"
            title, desc = svg.find(f"{ns}title"), svg.find(f"{ns}desc")
            assert title is not None and title.text and desc is not None and desc.text
            assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
            # the calendar is a group of day links; every other chart is one image
            assert svg.get("role") == ("group" if "heat" in svg.get("class") else "img")
            charts += 1
    # home: heatmap; 2 domain pages x 6 (with a sparkline); streaks: 3 strips; failure log: 1
    assert charts == 1 + 12 + 3 + 1


def test_stats_json_matches_the_site(site, capsys):
    root, out = site
    assert main(["stats", "--json", "--today", "2026-11-22", "--root", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    running = data["domains"]["running"]
    assert running["mastery_streak"] == {
        "current": 3,
        "longest": 3,
        "longest_start": "2026-11-03",
        "longest_end": "2026-11-17",
    }
    assert running["wins"] == 5 and running["setbacks"] == 1
    assert running["calibration"]["congruence"] == round(1 / 6, 4)
    text = text_of(page(out, "domains/running.html"))
    assert f"Evidence strength {running['strength']}/100" in text
    assert f"Win rate (all time) {round(100 * running['win_rate'])}%" in text
    assert running["target"] == 1 and running["period"] == "week"
    speaking = data["domains"]["public-speaking"]
    assert speaking["lessons"] == {"with_lesson": 2, "applied": 1, "open": 1}
    assert speaking["attribution"] == {
        "controllable": 1,
        "external": 0,
        "ability": 1,
        "unrecorded": 0,
    }
    assert speaking["calibration"]["congruence"] is None  # nothing rated
    assert [b["range"] for b in speaking["calibration"]["bins"]] == ["1-3", "4-6", "7-8", "9-10"]


def test_stats_table(site, capsys):
    root, _ = site
    assert main(["stats", "--today", "2026-11-22", "--root", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    running = next(line for line in lines if line.startswith("Running"))
    assert running.split()[:6] == ["Running", "week", "5", "1", "3/3", "3/3"]
