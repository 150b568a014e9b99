"""Finding and reading: search in Chromium, the Atom feed, on-this-day, and the brag export."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import feedparser
import pytest

from journal.analyse.recall import months_back
from journal.build import Options, build
from journal.cli import main
from journal.serve import PreviewServer
from tests.conftest import entry

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "site"
    build(REPO, out, Options(today=TODAY))
    return out


# --- search, in the browser -------------------------------------------------------------------


def results(page) -> list[str]:
    return page.eval_on_selector_all("#search-results li > a", "els => els.map(e => e.textContent)")


def test_search_finds_body_and_lesson_words_from_file_url(sample_site, page):
    base = (sample_site / "search.html").as_uri()
    # a word only in one entry's body
    page.goto(base + "?q=headwind")
    page.wait_for_selector("#search-results .snippet mark")  # snippets follow the titles
    assert results(page) == ["Tempo 2 x 15 minutes"]
    assert page.inner_text("#search-results mark") == "headwind"
    assert "headwind" in page.inner_text("#search-results .snippet")
    # a word only in a setback's lesson; the snippet then comes from the lesson
    page.goto(base + "?q=concessions")
    page.wait_for_selector("#search-results .snippet mark")
    assert results(page) == ["Gave away the payment terms too early"]
    assert "Trade concessions" in page.inner_text("#search-results .snippet")


def test_search_ranks_title_matches_first_and_filters(sample_site, page):
    page.goto((sample_site / "search.html").as_uri())
    page.wait_for_function("window.__journalSearchReady !== undefined")
    page.fill("#search-q", "toast")
    page.wait_for_selector("#search-results li")
    found = results(page)
    # "toast" is in one title ("Gave a toast…"); any body-only match ranks below it
    assert found[0] == "Gave a toast at Marta's wedding"
    # filters: kind and domain, from the form
    page.fill("#search-q", "the")
    page.select_option("#search-domain", "spanish")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    metas = page.eval_on_selector_all(
        "#search-results li .meta", "els => els.map(e => e.textContent)"
    )
    assert metas and all(m.endswith("Spanish") for m in metas)
    page.select_option("#search-kind", "setback")
    page.wait_for_function(
        "[...document.querySelectorAll('#search-results li')]"
        ".every(e => e.querySelector('.badge.setback'))"
    )
    rows = page.evaluate("journalSearch('the', 'setback', 'spanish')")
    assert rows and all(r[1] == "setback" and r[2] == "spanish" for r in rows)
    # the URL keeps the query, so a result list can be bookmarked
    assert "domain=spanish" in page.url and "kind=setback" in page.url


def test_slash_focuses_search_and_the_header_box_submits(sample_site, page):
    page.goto((sample_site / "entries" / "2026-11-17-tempo-2-x-15-minutes.html").as_uri())
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("croissants")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert "search.html?q=croissants" in page.url
    assert "Croissants: flat and greasy" in results(page)
    page.click("#search-results li > a >> nth=0")
    assert page.inner_text("h1") == "Croissants: flat and greasy"


def test_search_in_the_preview(tmp_path, page):
    root = tmp_path / "j"
    shutil.copytree(REPO / "entries", root / "entries")
    shutil.copy(REPO / "journal.toml", root / "journal.toml")
    srv = PreviewServer(root, port=0, options=Options(today=TODAY, preview=True)).start()
    try:
        page.goto(srv.url + "search.html?q=headwind")
        page.wait_for_selector("#search-results li")
        assert results(page) == ["Tempo 2 x 15 minutes"]
    finally:
        srv.stop()


# --- feed -------------------------------------------------------------------------------------


def test_feed_is_valid_atom_with_the_latest_50_and_stable_ids(sample_site, tmp_path):
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 50
    dates = [e.updated for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    # the newest entry of the sample that is not a draft (2026-11-21 is one) nor an open
    # plan (2026-11-26 and 2026-11-28 are)
    assert feed.entries[0].title == "Called the gestoría about the tax form"
    assert all(e.id.startswith("urn:uuid:") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 50
    for e in feed.entries[:5]:
        assert (sample_site / e.link).is_file()
    # ids survive a rebuild elsewhere and a new entry
    root = tmp_path / "j"
    shutil.copytree(REPO / "entries", root / "entries")
    shutil.copy(REPO / "journal.toml", root / "journal.toml")
    (root / "entries" / "new.md").write_text(entry("2026-11-22", title="Brand new"))
    build(root, tmp_path / "other", Options(today=TODAY))
    again = feedparser.parse((tmp_path / "other" / "feed.xml").read_bytes())
    assert again.entries[0].title == "Brand new"
    old = {e.title: e.id for e in feed.entries}
    assert all(old[e.title] == e.id for e in again.entries if e.title in old)


def test_feed_with_base_url_has_absolute_links(make_journal, tmp_path):
    root = make_journal(
        {"a.md": entry("2026-11-01", title="First")},
        config='base_url = "https://example.org/journal/"\n',
    )
    build(root, tmp_path / "site", Options(today=TODAY))
    feed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].link == "https://example.org/journal/entries/a.html"


# --- on this day ------------------------------------------------------------------------------


def test_months_back_clamps_to_the_end_of_the_month():
    assert months_back(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_back(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_back(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert months_back(date(2026, 5, 10), 12) == date(2025, 5, 10)


def test_home_shows_on_this_day_and_looking_back(make_journal, tmp_path):
    root = make_journal(
        {
            "a.md": entry("2024-05-10", title="Two years ago"),
            "b.md": entry("2025-05-10", "setback", title="One year ago", lesson="x"),
            "c.md": entry("2025-05-11", title="Not the same day"),
            "d.md": entry("2026-04-10", title="One month ago"),
            "e.md": entry("2026-05-10", title="Today itself"),
        }
    )
    build(root, tmp_path / "site", Options(today=date(2026, 5, 10)))
    home = (tmp_path / "site" / "index.html").read_text()
    section = home.split('id="otd-h"', 1)[1].split("</section>", 1)[0]
    on_day = re.findall(r'<li class="(?:win|setback)"><a [^>]*>([^<]+)</a>', section)
    assert on_day == ["One year ago", "Two years ago"]  # newest first; not this year's
    back = re.findall(r"<li>(A \w+ ago) \(.*?\): <a [^>]*>([^<]+)</a>", section)
    # a year ago is this day last year: listed once, under "on this day"
    assert back == [("A month ago", "One month ago")]
    # nothing to recall: no section at all
    build(root, tmp_path / "site2", Options(today=date(2026, 8, 3)))
    assert 'id="otd-h"' not in (tmp_path / "site2" / "index.html").read_text()


# --- export -----------------------------------------------------------------------------------

EXPORT_FILES = {
    "a.md": entry(
        "2026-01-10",
        "win",
        "Public speaking",
        "Ten minutes on testing. Nobody left.",
        title="Spoke at meetup",
        difficulty=6,
        tags="[talks]",
    ),
    "b.md": entry(
        "2026-02-01",
        "win",
        "Public speaking",
        "Kept it to time.",
        title="Chaired the meeting",
        source="vicarious",
        follows="c",
    ),
    "c.md": entry(
        "2026-01-20",
        "setback",
        "Public speaking",
        "Dropped them on the train.",
        title="Lost my notes",
        lesson="Carry a printed copy.",
    ),
    "d.md": entry("2026-02-05", "win", "running", "Felt easy.", title="5k under 30", difficulty=4),
    "e.md": entry("2026-03-01", "win", "running", "Secret.", title="Private one", private="true"),
    "f.md": entry("2025-12-01", "win", "running", "Long ago.", title="Old win"),
}


def test_export_markdown_matches_a_hand_written_document(make_journal, capsys):
    root = make_journal(EXPORT_FILES)
    assert main(["export", "--root", str(root), "--since", "2026-01-01", "--lessons"]) == 0
    assert capsys.readouterr().out == (
        "# Wins: Evidence journal\n"
        "\n"
        "3 wins in 2 domains, 2026-01-10 to 2026-02-05.\n"
        "\n"
        "## Public speaking (2 wins)\n"
        "\n"
        "- 2026-02-01: **Chaired the meeting** (vicarious)\n"
        "  Kept it to time.\n"
        "- 2026-01-10: **Spoke at meetup** (difficulty 6/10; tags: talks)\n"
        "  Ten minutes on testing. Nobody left.\n"
        "\n"
        "### Lessons\n"
        "\n"
        "- 2026-01-20, Lost my notes: Carry a printed copy. Applied: Chaired the meeting.\n"
        "\n"
        "## Running (1 win)\n"
        "\n"
        "- 2026-02-05: **5k under 30** (difficulty 4/10)\n"
        "  Felt easy.\n"
    )


def test_export_json_for_one_domain(make_journal, tmp_path, capsys):
    root = make_journal(EXPORT_FILES)
    out = tmp_path / "brag.json"
    args = ["export", "--root", str(root), "--format", "json", "--domain", "Running"]
    assert main([*args, "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == {
        "journal": "Evidence journal",
        "domains": [
            {
                "slug": "running",
                "name": "Running",
                "wins": [
                    {
                        "id": "d",
                        "date": "2026-02-05",
                        "title": "5k under 30",
                        "difficulty": 4,
                        "confidence": None,
                        "source": "mastery",
                        "tags": [],
                        "summary": "Felt easy.",
                    },
                    {
                        "id": "f",
                        "date": "2025-12-01",
                        "title": "Old win",
                        "difficulty": None,
                        "confidence": None,
                        "source": "mastery",
                        "tags": [],
                        "summary": "Long ago.",
                    },
                ],
            }
        ],
    }
    # --private brings the private win back
    assert main([*args, "--private"]) == 0
    assert "Private one" in capsys.readouterr().out
