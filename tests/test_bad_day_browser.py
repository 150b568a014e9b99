"""The bad-day answer in Chromium, as a person sees it: phone (390x844) and desktop
(1280x800), light and dark.

`SCREENSHOTS=1 python3 -m pytest tests/test_bad_day_browser.py` also writes the
screenshots shown in README into docs/.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from journal.analyse.analytics import analyse
from journal.analyse.case import cases
from journal.build import Options, build
from journal.load.journal import load_journal

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
SCHEMES = ("light", "dark")
YEAR_LATER = date(2027, 11, 22)  # a year after the sample's last entry


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, today in (("now", date(2026, 11, 22)), ("later", YEAR_LATER)):
        site = tmp_path_factory.mktemp(name) / "site"
        build(REPO, site, Options(today=today))
        out[name] = site
    return out


def hardest_titles(today: date) -> dict[str, str]:
    journal = load_journal(REPO).select()
    return {c.name: c.hardest.title for c in cases(analyse(journal.entries, journal.config, today))}


def open_page(browser, site: Path, rel: str, viewport: str, scheme: str):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto((site / rel).as_uri())
    return context, page


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_first_screen_shows_every_domains_hardest_win(sites, browser, viewport, scheme):
    titles = hardest_titles(date(2026, 11, 22))
    assert len(titles) == 6
    context, page = open_page(browser, sites["now"], "index.html", viewport, scheme)
    try:
        height = VIEWPORTS[viewport][1]
        for name, title in titles.items():
            link = page.locator(".case .hardest a", has_text=title).first
            box = link.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, (name, box)
            assert link.is_visible()
        # setbacks come after the evidence, as lessons waiting to be used
        lessons = page.locator("#open-h").bounding_box()
        assert lessons["y"] > page.locator(".cases").bounding_box()["y"]
    finally:
        context.close()


@pytest.mark.parametrize(
    "rel", ["index.html", "domains/running.html", "domains/public-speaking.html"]
)
def test_a_year_later_no_figure_reads_zero(sites, browser, rel):
    context, page = open_page(browser, sites["later"], rel, "desktop", "light")
    try:
        figures = page.eval_on_selector_all(
            ".case, .facts dd, .belief-lead", "els => els.map(e => e.innerText)"
        )
        assert figures
        for text in figures:
            assert not re.search(r"(?<![\d.,])0(?![\d.,])", text), text
        text = page.inner_text("main")
        assert "best" in text and "last mastery win" in text
        assert not re.search(r"(?<![\d/])0(/100)? now", text)
    finally:
        context.close()


@pytest.mark.parametrize("rel", ["index.html", "domains/running.html", "streaks.html"])
def test_chart_text_is_at_least_11_px_on_a_phone(sites, browser, rel):
    context, page = open_page(browser, sites["now"], rel, "phone", "light")
    try:
        sizes = page.eval_on_selector_all(
            "svg.chart text",
            "els => els.map(e => e.getBoundingClientRect().height"
            " && parseFloat(getComputedStyle(e).fontSize)"
            " * e.getScreenCTM().a)",
        )
        assert sizes and min(sizes) >= 11, min(sizes)
        # nothing wider than the screen but the chart and table scrollers
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390
    finally:
        context.close()


def luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_heatmap_wins_stand_out_from_empty_days(sites, browser, scheme):
    context, page = open_page(browser, sites["now"], "index.html", "desktop", scheme)
    try:
        fill = "sel => getComputedStyle(document.querySelector(sel)).fill"
        empty = page.evaluate(f"({fill})('svg.heat rect.empty')")
        for level in range(1, 5):
            colour = page.evaluate(f"({fill})('svg.heat .legend rect.level-{level}')")
            assert contrast(colour, empty) >= 3, (level, colour, empty)
        # a setback-only day is a thin stroke, not a filled cell
        mark = page.evaluate(
            "getComputedStyle(document.querySelector('svg.heat path.mark')).stroke"
        )
        assert contrast(mark, empty) >= 3
        assert page.evaluate(f"({fill})('svg.heat path.mark')") == "none"
        # each day with entries links to them
        href = page.get_attribute("svg.heat a", "href")
        assert href.startswith(("entries/", "archive/"))
    finally:
        context.close()


def test_month_period_and_target_on_the_page(sites, browser):
    # Python programming: month periods, target 2 mastery wins. Its mastery wins: Apr 2,
    # Jun 24, Aug 19 and Nov 18 2026, one a month: no month meets the target, so the streak
    # names the last one; longest run 0 is never printed.
    context, page = open_page(
        browser, sites["now"], "domains/python-programming.html", "desktop", "light"
    )
    try:
        streak = page.inner_text(".lately .mastery-streak")
        assert streak == "last mastery win 18 Nov 2026", streak
        assert "2 wins each" in page.inner_text(".lately")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots(sites, browser, viewport, scheme):
    """Home, a domain page and its printed card; written to docs/ with SCREENSHOTS=1."""
    site = sites["later"]
    for rel, name in (("index.html", "home"), ("domains/running.html", "domain")):
        context, page = open_page(browser, site, rel, viewport, scheme)
        try:
            if os.environ.get("SCREENSHOTS"):
                DOCS.mkdir(exist_ok=True)
                page.screenshot(path=str(DOCS / f"{name}-{viewport}-{scheme}.png"))
            if name == "domain":
                page.emulate_media(media="print")
                assert page.locator(".site-header").is_hidden()
                assert page.locator("#charts-h").is_hidden()
                assert page.locator(".belief").is_visible()
                if os.environ.get("SCREENSHOTS"):
                    page.screenshot(
                        path=str(DOCS / f"card-{viewport}-{scheme}.png"), full_page=True
                    )
                pdf = page.pdf(format="A4") if scheme == "light" else None
                if pdf is not None:
                    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
        finally:
            context.close()
