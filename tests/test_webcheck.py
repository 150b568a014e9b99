"""The web's own checkers on every page type: axe-core in Chromium, and the Nu Html Checker.

Both are npm packages installed by .ci/run into tests/webcheck/node_modules; vnu.jar runs
with Debian's Java. On a developer machine without them these tests skip; in CI they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.publish import crypto
from journal.publish.crypto import SiteKeys
from journal.publish.site import publish, read_published

REPO = Path(__file__).resolve().parent.parent
MODULES = REPO / "tests" / "webcheck" / "node_modules"
AXE = MODULES / "axe-core" / "axe.min.js"
VNU = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
TODAY = date(2026, 11, 22)
PASS = "correct horse battery staple"

# one page of every type in the sample journal
PAGE_TYPES = {
    "home": "index.html",
    "entry": "entries/2026-09-24-hostile-question.html",
    "domain": "domains/running.html",
    "tag": "tags/milestone.html",
    "month": "archive/2026-10.html",
    "archive": "archive/index.html",
    "streaks": "streaks.html",
    "failure log": "lessons.html",
    "search results": "search.html?q=run",
    "not found": "404.html",
}


def require(path: Path) -> None:
    if not path.exists():
        message = f"{path} is missing (bash .ci/run installs it: npm ci in tests/webcheck)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "site"
    build(REPO, out, Options(today=TODAY))
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, SiteKeys]:
    """The sample journal published encrypted (a weak KDF count, set in this process only)."""
    saved = crypto.MIN_ITERATIONS
    crypto.MIN_ITERATIONS = 1000
    try:
        root = tmp_path_factory.mktemp("pub") / "j"
        shutil.copytree(REPO / "entries", root / "entries")
        shutil.copy(REPO / "journal.toml", root / "journal.toml")
        ring = crypto.create_keyring(PASS, iterations=1000)
        out = root / "public"
        publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
        return out, SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    finally:
        crypto.MIN_ITERATIONS = saved


def axe_violations(page) -> list[dict]:
    # by address, not inline: the encrypted shell's policy refuses inline script, and from
    # file:// Chromium counts axe's file: URL as 'self'
    page.add_script_tag(url=AXE.as_uri())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_page_type(sample_site, browser, scheme):
    require(AXE)
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = {}
    try:
        for kind, path in PAGE_TYPES.items():
            file, _, query = path.partition("?")
            page.goto((sample_site / file).as_uri() + (f"?{query}" if query else ""))
            if kind == "search results":
                page.wait_for_selector("#search-results li")
            violations = axe_violations(page)
            if violations:
                found[kind] = violations
    finally:
        context.close()
    assert not found, json.dumps(found, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_the_unlock_form_and_an_unlocked_page(published, browser, scheme):
    require(AXE)
    out, _keys = published
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        page.wait_for_selector("#journal-passphrase")
        assert axe_violations(page) == []
        page.fill("#journal-passphrase", "wrong")  # with the error message showing
        page.click("text=Unlock")
        page.wait_for_selector("text=Wrong passphrase")
        assert axe_violations(page) == []
        page.fill("#journal-passphrase", PASS)
        page.click("text=Unlock")
        page.wait_for_selector("#journal-lock")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_keyboard_reaches_the_content_with_visible_focus(sample_site, page):
    page.goto((sample_site / "index.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {cls: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                visible: r.width > 1 && r.height > 1 && r.top >= 0}; }"""
    )
    assert focused == {"cls": "skip", "outline": "solid", "width": 3.0, "visible": True}
    page.keyboard.press("Enter")  # the skip link moves on to the content
    assert page.evaluate("location.hash") == "#main"
    # every link and control can be reached by Tab, each showing a focus outline
    page.goto((sample_site / "index.html").as_uri())
    outlines = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        outlines.add(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))
    assert outlines == {"solid"}


def test_nu_html_checker_finds_no_errors(sample_site, published, tmp_path):
    """Every page of the sample site, the locked shells, and the pages they unlock into."""
    require(VNU)
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI"):
            pytest.fail("no java (bash .ci/run installs default-jre-headless)")
        pytest.skip("no java")
    out, keys = published
    opened = tmp_path / "opened"
    opened.mkdir()
    _manifest, objects = read_published(out)
    for object_id, blob in sorted(objects.items())[:40]:
        page = keys.open(object_id, blob)
        if page.startswith(b"<!DOCTYPE"):  # not the search index
            (opened / f"{object_id}.html").write_bytes(page)
    shells = [out / "index.html"]
    files = [*sorted(sample_site.rglob("*.html")), *shells[:5], *sorted(opened.iterdir())]
    done = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[:4000]
    assert len(files) > 100
