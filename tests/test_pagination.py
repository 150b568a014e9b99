"""Every list that grows with the journal comes in pages (issue 23), every entry is a few
links from home, and month pages use month names.

A hand-made journal with `page_size = 3`, every page count and every page's entries
worked out by hand; then a generated journal of about 3,000 entries over years, at the
default page size, built today and a year after its last entry; then one pager in
Chromium on a phone, and in an encrypted publish after unlocking.
"""

from __future__ import annotations

import importlib.util
import posixpath
import re
import shutil
import subprocess
from collections import deque
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from journal.build import Options, build
from journal.config import load_config
from journal.publish import crypto
from journal.publish.site import publish
from tests.conftest import entry, write_journal
from tests.sitecheck import broken_links, link_texts, parse_links, text_of
from tests.test_differential import cold_copy, tree
from tests.test_publish import PASS
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture
from tests.test_webcheck import AXE, VNU, axe_violations, require

TODAY = date(2026, 11, 22)
YEAR_LATER = date(2027, 11, 22)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

CONFIG = 'title = "Paged"\npage_size = 3\n[domains.running]\nname = "Running"\n'


def e(day: str, kind: str, domain: str, title: str, **meta) -> str:
    return entry(day, kind, domain, title=title, body=f"{title} body.", **meta)


# Running: 7 entries, 3 setbacks; its three latest mastery wins (R6, R4, R2) are not its
# three hardest (R1 9, R6 7, R4 6). Public speaking: the three latest (S4, S3, S2) are also
# the three hardest (8, 6, 5). Cooking: 2 entries, 1 setback. Tag "club": R7, R6, R4, C1.
FILES = {
    "2025-09-01-s1.md": e("2025-09-01", "win", "public-speaking", "S1", difficulty=3),
    "2026-09-15-s2.md": e("2026-09-15", "win", "public-speaking", "S2", difficulty=5),
    "2026-09-20-s3.md": e("2026-09-20", "win", "public-speaking", "S3", difficulty=6),
    "2026-09-28-r1.md": e("2026-09-28", "win", "running", "R1", difficulty=9),
    "2026-10-02-c1.md": e("2026-10-02", "win", "cooking", "C1", difficulty=2, tags="[club]"),
    "2026-10-02-r2.md": e("2026-10-02", "win", "running", "R2", difficulty=4),
    "2026-10-05-r3.md": e("2026-10-05", "setback", "running", "R3", lesson="Sleep"),
    "2026-10-09-c2.md": e("2026-10-09", "setback", "cooking", "C2", lesson="Taste"),
    "2026-10-09-r4.md": e("2026-10-09", "win", "running", "R4", difficulty=6, tags="[club]"),
    "2026-10-12-r5.md": e("2026-10-12", "setback", "running", "R5", lesson="Pace"),
    "2026-10-20-r6.md": e("2026-10-20", "win", "running", "R6", difficulty=7, tags="[club]"),
    "2026-10-25-s4.md": e("2026-10-25", "win", "public-speaking", "S4", difficulty=8),
    "2026-11-03-r7.md": e("2026-11-03", "setback", "running", "R7", lesson="Eat", tags="[club]"),
}


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    root = write_journal(tmp_path_factory.mktemp("paged") / "j", FILES, CONFIG)
    build(root, root / "site", Options(today=TODAY))
    return root / "site"


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def titles(site: Path, rel: str) -> list[str]:
    """The titles of the entries a page lists (entry items and failure-log items)."""
    html = read(site, rel)
    found = re.findall(r'<li class="(?:win|setback)">.*?<a href="[^"]*">([^<]*)</a>', html, re.S)
    found += re.findall(r'<article class="setback-item"[^>]*>\s*<h3><a [^>]*>([^<]*)</a>', html)
    return found


def pager(html: str) -> dict[str, object]:
    """The pager's links: rel=prev and rel=next hrefs, numbered (text, href) pairs, and
    the text of the link marked aria-current."""
    nav = re.search(r'<nav class="pager" aria-label="([^"]*)">(.*?)</nav>', html, re.S)
    if nav is None:
        return {}
    body = nav.group(2)
    rel = dict(re.findall(r'<a rel="(prev|next)" href="([^"]*)"', body))
    numbers = re.findall(r'<a href="([^"]*)" aria-label="Page (\d+)"', body)
    current = re.findall(r'aria-label="Page (\d+)" aria-current="page"', body)
    return {
        "label": nav.group(1),
        "prev": rel.get("prev"),
        "next": rel.get("next"),
        "numbers": [(int(n), href) for href, n in numbers],
        "current": current,
    }


# --- the setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0", "0"), ('"20"', "'20'"), ("true", "True"), ("2.5", "2.5"), ("1001", "1001")],
)
def test_a_bad_page_size_is_reported_at_its_line(tmp_path, value, shown):
    (tmp_path / "journal.toml").write_text(f'title = "T"\n\npage_size = {value}\n')
    config, problems = load_config(tmp_path)
    assert [str(p) for p in problems] == [
        f"journal.toml:3: page_size is {shown} "
        "(expected a whole number of entries per list page, 1 to 1000)"
    ]
    assert config.page_size == 50  # the default stands


def test_page_size_is_read_and_a_misspelling_warns(tmp_path):
    (tmp_path / "journal.toml").write_text("page_size = 20\npage_sise = 3\n")
    config, problems = load_config(tmp_path)
    assert config.page_size == 20
    assert [str(p) for p in problems] == [
        "journal.toml:2: unknown key `page_sise` in the top level is ignored; "
        "did you mean `page_size`? [warning]"
    ]


# --- the hand-made journal -------------------------------------------------------------------


def test_each_list_is_cut_into_pages_of_three(paged):
    # running, newest first: R7 R6 R5 | R4 R3 R2 | R1
    assert titles(paged, "domains/running.html") == ["R7", "R6", "R5"]
    assert titles(paged, "domains/running/page/2.html") == ["R4", "R3", "R2"]
    assert titles(paged, "domains/running/page/3.html") == ["R1"]
    assert not (paged / "domains/running/page/4.html").exists()
    # cooking has two entries: one page, no pager
    assert titles(paged, "domains/cooking.html") == ["C2", "C1"]
    assert not (paged / "domains/cooking").exists()
    assert pager(read(paged, "domains/cooking.html")) == {}
    # tag "club": R7 (3 Nov) R6 (20 Oct) R4 (9 Oct) | C1 (2 Oct)
    assert titles(paged, "tags/club.html") == ["R7", "R6", "R4"]
    assert titles(paged, "tags/club/page/2.html") == ["C1"]
    # October: S4 R6 R5 | R4 C2 R3 | R2 C1 (same day: by id, newest first: r4 > c2, r2 > c1)
    assert titles(paged, "archive/2026-10.html") == ["S4", "R6", "R5"]
    assert titles(paged, "archive/2026-10/page/2.html") == ["R4", "C2", "R3"]
    assert titles(paged, "archive/2026-10/page/3.html") == ["R2", "C1"]
    # September 2026: R1 S3 S2, one page
    assert titles(paged, "archive/2026-09.html") == ["R1", "S3", "S2"]
    assert not (paged / "archive/2026-09").exists()
    # the failure log, every domain: R7 R5 C2 | R3; each domain's on its own pages
    assert titles(paged, "lessons.html") == ["R7", "R5", "C2"]
    assert titles(paged, "lessons/page/2.html") == ["R3"]
    assert titles(paged, "lessons/running.html") == ["R7", "R5", "R3"]
    assert titles(paged, "lessons/cooking.html") == ["C2"]
    assert not (paged / "lessons/public-speaking.html").exists()  # no setback there


def test_pagers_link_previous_next_and_numbers(paged):
    middle = pager(read(paged, "domains/running/page/2.html"))
    # from domains/running/page/2.html every link climbs to the root and down again,
    # except to a page in the same folder
    assert middle == {
        "label": "Pages of Running entries",
        "prev": "../../../domains/running.html",
        "next": "3.html",
        "numbers": [(1, "../../../domains/running.html"), (2, "2.html"), (3, "3.html")],
        "current": ["2"],
    }
    first = pager(read(paged, "domains/running.html"))
    assert first["prev"] is None and first["next"] == "../domains/running/page/2.html"
    assert first["current"] == ["1"]
    last = pager(read(paged, "domains/running/page/3.html"))
    assert last["next"] is None and last["prev"] == "2.html" and last["current"] == ["3"]
    log = pager(read(paged, "lessons/page/2.html"))
    assert log["prev"] == "../../lessons.html" and log["next"] is None
    assert pager(read(paged, "lessons/running.html")) == {}  # three setbacks: one page
    assert broken_links(paged) == []


def test_the_failure_log_filters_by_domain_without_javascript(paged):
    for rel, current in (
        ("lessons.html", "All domains (4)"),
        ("lessons/page/2.html", "All domains (4)"),
        ("lessons/running.html", "Running (3)"),
        ("lessons/cooking.html", "Cooking (1)"),
    ):
        html = read(paged, rel)
        nav = re.search(r'<nav class="log-filter".*?</nav>', html, re.S).group(0)
        assert link_texts(nav) == ["All domains (4)", "Cooking (1)", "Running (3)"]
        marked = re.findall(r'aria-current="(?:page|true)"><strong>([^<]*)</strong>', nav)
        assert marked == [current], rel
    # only that domain's setbacks, with its own figures: 3 setbacks, none explained
    running = text_of(read(paged, "lessons/running.html"))
    assert "Failure log: Running" in running and "Lessons applied: 0 of 3" in running
    assert "C2" not in titles(paged, "lessons/running.html")
    # the whole log names each setback's domain; a domain's log does not repeat it
    assert "3 Nov 2026 · Running · attribution" in text_of(read(paged, "lessons.html"))
    assert "3 Nov 2026 · attribution" in running
    # a domain page shows its latest setbacks and links to its whole log
    domain = read(paged, "domains/running.html")
    assert 'href="../lessons/running.html">Running in the failure log</a>' in domain


def test_one_domain_with_setbacks_needs_no_filter(tmp_path):
    files = {k: v for k, v in FILES.items() if "-c2" not in k}  # only Running's setbacks
    root = write_journal(tmp_path / "j", files, CONFIG)
    build(root, root / "site", Options(today=TODAY))
    site = root / "site"
    assert "log-filter" not in read(site, "lessons.html")
    assert not (site / "lessons" / "running.html").exists()
    assert 'href="../lessons.html">Running in the failure log</a>' in read(
        site, "domains/running.html"
    )


def test_later_domain_pages_carry_only_the_list(paged):
    first = text_of(read(paged, "domains/running.html"))
    later = text_of(read(paged, "domains/running/page/2.html"))
    assert "When belief runs low" in first and "When belief runs low" not in later
    assert "Charts" in first and "Charts" not in later
    assert "7 entries: 4–6 here, page 2 of 3; the evidence for Running is on page 1." in later
    assert "<title>Running · entries, page 2 of 3 · Paged</title>" in read(
        paged, "domains/running/page/2.html"
    )


def every_entry_within(site: Path, start: str = "index.html") -> dict[str, int]:
    """Breadth first from `start` through the site's list pages: the fewest clicks to each
    entry. Entry pages are not followed (their previous/next links would reach anything),
    so this is what the lists alone make reachable."""
    depth = {start: 0}
    found: dict[str, int] = {}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for _tag, attr, value in parse_links(read(site, here)).links:
            path = urlsplit(value).path
            if attr != "href" or not path.endswith(".html") or "://" in value:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(path)))
            if target.startswith("entries/"):
                found.setdefault(target, depth[here] + 1)
            elif target not in depth:
                depth[target] = depth[here] + 1
                queue.append(target)
    return found


def test_every_entry_is_a_few_clicks_from_home(paged):
    found = every_entry_within(paged)
    assert len(found) == len(FILES)
    # the 12 newest are in home's recent entries (and its calendar); S1, a year older, is
    # not: home -> Public speaking (its case) -> page 2 of its entries -> S1, or home ->
    # archive -> September 2025 -> S1
    assert {k: v for k, v in found.items() if v != 1} == {"entries/2025-09-01-s1.html": 3}
    home = read(paged, "index.html")
    assert 'href="archive/index.html">Every entry, month by month</a>: all 13 entries' in home


def test_month_pages_use_month_names_and_each_date_once(paged):
    october = read(paged, "archive/2026-10/page/2.html")
    text = text_of(october)
    assert "<h1>October 2026</h1>" in october
    assert "8 entries, newest first: 4–6 on page 2 of 3." in text
    # 9 Oct holds R4 and C2 but its date shows once, as their heading
    assert text.count("9 Oct 2026") == 1 and text.count("5 Oct 2026") == 1
    assert "← September 2026" in text and "November 2026 →" in text
    assert "2026-09" not in text and "2026-11" not in text
    # the days of the month, each linking to the page it starts on; a day on another page
    # carries its id here, so archive/2026-10.html#d-2026-10-05 (a chart's link) exists
    days = re.search(r'<nav class="month-days".*?</nav>', october, re.S).group(0)
    assert re.findall(r'<a (?:id="([^"]*)" )?href="([^"]*)">(\d+)</a>', days) == [
        ("d-2026-10-02", "3.html#d-2026-10-02", "2"),
        ("", "#d-2026-10-05", "5"),
        ("", "#d-2026-10-09", "9"),
        ("d-2026-10-12", "../../../archive/2026-10.html#d-2026-10-12", "12"),
        ("d-2026-10-20", "../../../archive/2026-10.html#d-2026-10-20", "20"),
        ("d-2026-10-25", "../../../archive/2026-10.html#d-2026-10-25", "25"),
    ]
    assert 'id="d-2026-10-05"' in read(paged, "archive/2026-10.html")
    assert "month-days" not in read(paged, "archive/2026-11.html")  # one page: no index
    archive = text_of(read(paged, "archive/index.html"))
    assert (
        "2026 November 2026 (1) October 2026 (8) September 2026 (3) 2025 September 2025 (1)"
        in archive
    )


def test_the_card_merges_latest_and_hardest_when_they_are_the_same(paged):
    speaking = text_of(read(paged, "domains/public-speaking.html"))
    assert re.search(
        r"The three latest mastery wins, also the three hardest\s+S4 difficulty 8 .* "
        r"S3 difficulty 6 .* S2 difficulty 5",
        speaking,
    )
    assert "The three hardest mastery wins" not in speaking
    running = text_of(read(paged, "domains/running.html"))
    assert re.search(r"The three latest mastery wins\s+R6 .* R4 .* R2 ", running)
    assert re.search(r"The three hardest mastery wins\s+R1 .* R6 .* R4 ", running)
    assert "also the" not in running


def test_paged_builds_warm_equal_cold(tmp_path):
    """Adding an entry shifts every later page; the memo must follow."""
    root = write_journal(tmp_path / "j", FILES, CONFIG)
    options = Options(today=TODAY)
    build(root, root / "site", options)
    (root / "entries" / "2026-11-04-r8.md").write_text(
        e("2026-11-04", "win", "running", "R8", tags="[club]")
    )
    build(root, root / "site", options)
    assert tree(root / "site") == cold_copy(root, tmp_path, options)
    assert titles(root / "site", "domains/running/page/3.html") == ["R2", "R1"]
    assert titles(root / "site", "tags/club/page/2.html") == ["R4", "C1"]
    # and back to fewer pages: the pages no longer needed are gone
    (root / "entries" / "2026-11-04-r8.md").unlink()
    (root / "entries" / "2026-11-03-r7.md").unlink()
    build(root, root / "site", options)
    assert tree(root / "site") == cold_copy(root, tmp_path, options)
    assert not (root / "site" / "domains/running/page/3.html").exists()
    assert not (root / "site" / "tags/club").exists()


# --- a generated journal of years ----------------------------------------------------------

_spec = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).resolve().parent.parent / "bench" / "generate.py"
)
generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_module)
GENERATED = 3000


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("gen") / "j"
    generate_module.generate(root, GENERATED, seed=1)
    sites = {}
    for name, today in (("now", TODAY), ("later", YEAR_LATER)):
        sites[name] = tmp_path_factory.mktemp(name) / "site"
        build(root, sites[name], Options(today=today))
    return sites


LIST_PAGES = ("domains/", "tags/", "archive/", "lessons")


def test_no_list_page_holds_more_than_a_page(generated):
    site = generated["now"]
    listed: dict[str, int] = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(LIST_PAGES):
            items = titles(site, rel)
            assert len(items) <= 50, rel
            listed[rel] = len(items)
    # every entry is on exactly one of its domain's pages and one of its month's pages
    entries = len(list((site / "entries").glob("*.html")))
    assert entries > 2900
    assert sum(n for rel, n in listed.items() if rel.startswith("domains/")) == entries
    months = [rel for rel in listed if re.match(r"archive/\d{4}-\d{2}", rel)]
    assert sum(listed[rel] for rel in months) == entries
    assert any("/page/" in rel for rel in months)  # long months are cut too
    assert max(int(m.group(1)) for m in map(re.compile(r"/page/(\d+)").search, listed) if m) > 9


def test_every_generated_entry_is_four_clicks_from_home(generated):
    site = generated["now"]
    found = every_entry_within(site)
    assert len(found) == len(list((site / "entries").glob("*.html")))
    assert max(found.values()) <= 4  # home -> archive -> month -> its page -> entry
    assert broken_links(site) == []


@pytest.mark.parametrize("when", ["now", "later"])
def test_no_page_is_taller_than_thirty_phone_screens(generated, browser, when):
    site = generated[when]
    tallest: dict[str, str] = {}  # per kind of page, the largest file
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        kind = rel.split("/")[0] + ("/page" if "/page/" in rel else "")
        if kind not in tallest or path.stat().st_size > (site / tallest[kind]).stat().st_size:
            tallest[kind] = rel
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        heights = {}
        for rel in sorted(tallest.values()):
            page.goto((site / rel).as_uri())
            heights[rel] = page.evaluate("document.documentElement.scrollHeight") / 844
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, rel
    finally:
        context.close()
    assert {"index.html", "lessons.html", "lessons/page", "domains", "domains/page"} <= set(tallest)
    assert max(heights.values()) <= 30, heights


# --- in a browser ----------------------------------------------------------------------------


def test_a_pager_on_a_phone(paged, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto((paged / "domains/running/page/2.html").as_uri())
        nav = page.locator("nav.pager")
        box = nav.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # every link whole on screen, and apart enough to tap: a 24 px circle on each
        # link's centre meets no other (WCAG 2.2's target spacing)
        centres = []
        for link in nav.locator("a").all():
            b = link.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 390
            centres.append((b["x"] + b["width"] / 2, b["y"] + b["height"] / 2))
        assert len(centres) == 5  # newer, 1, 2, 3, older
        for i, (x, y) in enumerate(centres):
            for x2, y2 in centres[i + 1 :]:
                assert ((x - x2) ** 2 + (y - y2) ** 2) ** 0.5 >= 24, centres
        page.tap("nav.pager a[rel=next]")
        page.wait_for_url("**/domains/running/page/3.html")
        assert page.get_attribute("nav.pager [aria-current=page]", "aria-label") == "Page 3"
        page.tap("nav.pager a[aria-label='Page 1']")
        page.wait_for_url("**/domains/running.html")
        assert page.is_visible("text=When belief runs low")
    finally:
        context.close()


def test_pager_links_work_in_an_encrypted_publish(tmp_path, browser):
    root = write_journal(tmp_path / "j", FILES, CONFIG)
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        page.fill("#journal-passphrase", PASS)
        page.click("text=Unlock")
        page.wait_for_selector("#journal-lock")
        page.click(".case a >> text=Running")
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Running'")
        for number, expected in ((2, ["R4", "R3", "R2"]), (3, ["R1"])):
            page.click("nav.pager a[rel=next]")
            page.wait_for_function(
                "n => document.querySelector('nav.pager [aria-current=page]')?.textContent"
                " === String(n)",
                arg=number,
            )
            shown = page.eval_on_selector_all(
                "#all-h ~ ul.entry-list li > a", "a => a.map(e => e.textContent)"
            )
            assert shown == expected
        page.click("nav.pager a[rel=prev]")
        page.wait_for_function(
            "() => document.querySelector('nav.pager [aria-current=page]')?.textContent === '2'"
        )
        assert not any(p.suffix == ".html" and "page" in p.parts for p in out.rglob("*"))
    finally:
        context.close()
    shutil.rmtree(out)


PAGED_TYPES = [
    "domains/running.html",
    "domains/running/page/2.html",
    "tags/club/page/2.html",
    "archive/2026-10/page/2.html",
    "archive/index.html",
    "lessons.html",
    "lessons/page/2.html",
    "lessons/running.html",
    "index.html",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_paged_pages(paged, browser, scheme):
    require(AXE)
    context = browser.new_context(color_scheme=scheme)  # as tests/test_webcheck.py does
    page = context.new_page()
    found = {}
    try:
        for rel in PAGED_TYPES:
            page.goto((paged / rel).as_uri())
            violations = axe_violations(page)
            if violations:
                found[rel] = violations
    finally:
        context.close()
    assert not found, found


def test_nu_html_checker_finds_no_errors_on_paged_pages(paged):
    require(VNU)
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java")
    files = [str(paged / rel) for rel in PAGED_TYPES]
    done = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[:4000]
