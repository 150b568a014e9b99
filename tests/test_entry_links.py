"""Issue 24: links between entries as people write them elsewhere (MkDocs' relative `.md`
links, Obsidian's `[[wikilinks]]`), resolved into links to the entry's page that work from
file://, a sub-path over HTTP, the preview and an unlocked publish; backlinks; warnings like
MkDocs' and `--strict`; links leading outside entries/ kept as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.load.markdown import render
from journal.publish import crypto
from journal.publish.site import publish
from journal.serve import PreviewServer
from tests.conftest import entry, write_journal
from tests.test_preview import get, wait_for
from tests.test_publish import PASS
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture
from tests.test_publish_browser import http_root as http_root  # noqa: F401 - the fixture
from tests.test_publish_browser import unlock

TODAY = "2026-11-22"
TALK = "2025-12-01-talk"
LINKS = (
    "Forms: [path](../2025/2025-12-01-talk.md), [fragment](../2025/2025-12-01-talk.md#how), "
    "[bare](2025-12-01-talk.md), [[2025-12-01-talk]], [[2025-12-01-talk|by id, with text]], "
    "[[First talk]], [[first TALK|by title, any case]]."
)


def journal(tmp_path: Path) -> Path:
    return write_journal(
        tmp_path / "j",
        {
            f"2025/{TALK}.md": entry(
                "2025-12-01", "setback", "speaking", "## How\n\nIt went badly.",
                title="First talk", lesson="Rehearse",
            ),
            "2026/2026-01-05-meetup.md": entry(
                "2026-01-05", "win", "speaking", LINKS + "\n\nAnd [[Ocelot day]].",
                title="Meetup",
            ),
            "2026/2026-01-06-ocelot.md": entry(
                "2026-01-06", "win", "speaking", "Hidden.", title="Ocelot day", private="true"
            ),
        },
    )  # fmt: skip


def hrefs(html: str) -> list[str]:
    body = html[html.index('class="body"') : html.index("</div>", html.index('class="body"'))]
    return re.findall(r'<a (?:href="([^"]*)"|title="[^"]*")', body)


# --- parsing -------------------------------------------------------------------------------------


def test_links_are_found_with_their_lines_and_wikilinks_are_links():
    body = "First line.\n\nSee [[A talk|that]] and\n[x](../b.md#part) and [[ ]] and [y](c.txt)."
    rendered = render(body, "entries/2026/a.md", first_line=7)
    forms = [(link.form, link.key, link.fragment, link.line) for link in rendered.links]
    # the paragraph starts on file line 7 + 2; the second link is on the next line
    assert forms == [("wiki", "A talk", "", 9), ("path", "entries/b.md", "#part", 10)]
    assert rendered.html.count("<a ") == 3  # two entry links and the attachment link
    assert "[[ ]]" in rendered.html  # an empty wikilink stays text
    assert ">that</a>" in rendered.html


# --- the built site ------------------------------------------------------------------------------


def test_every_form_leads_to_the_entry_page_and_backlinks_show(tmp_path):
    root = journal(tmp_path)
    site = tmp_path / "site"
    build(root, site, Options(today=date(2026, 11, 22)))
    page = (site / "entries" / "2026-01-05-meetup.html").read_text()
    expected = [f"{TALK}.html", f"{TALK}.html#how", *[f"{TALK}.html"] * 5]
    assert hrefs(page)[:7] == expected
    assert hrefs(page)[7] == "2026-01-06-ocelot.html"  # private entries are in `build`
    talk = (site / "entries" / f"{TALK}.html").read_text()
    assert "Linked from" in talk and 'href="2026-01-05-meetup.html">Meetup</a>' in talk
    from tests.sitecheck import broken_links

    assert broken_links(site) == []


def test_a_link_to_an_entry_not_published_keeps_its_text_and_nothing_else(tmp_path):
    root = journal(tmp_path)
    out = tmp_path / "public"
    publish(root, out, ring=None, passphrase=None, today=date(2026, 11, 22))
    page = (out / "entries" / "2026-01-05-meetup.html").read_text()
    assert hrefs(page)[7] is None or hrefs(page)[7] == ""  # no address
    # `[[Ocelot day]]` written without text: neither the title nor the id shows
    assert "an entry not in this site" in page and "ocelot" not in page.lower()
    assert not any("ocelot" in p.read_text().lower() for p in out.rglob("*.*") if p.is_file())
    assert not (out / "entries" / "2026-01-06-ocelot.html").exists()


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "journal", *args, "--today", TODAY] if args[0] == "build"
        else [sys.executable, "-m", "journal", *args],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_broken_links_are_warnings_like_mkdocs_and_strict_fails(tmp_path):
    root = write_journal(
        tmp_path / "j",
        {
            "2025-12-01-talk.md": entry("2025-12-01", title="First talk"),
            "2026-01-05-a.md": entry(
                "2026-01-05",
                body="See [x](2025-12-01-tlak.md), [[First tlak]],\n"
                "[about](../about/) and [old](../about/index.md), [again](../about/).",
            ),
        },
    )
    done = run(root, "build")
    assert done.returncode == 0, done.stderr
    said = sorted(line for line in done.stderr.splitlines() if "[warning]" in line)
    # the body starts on line 7; the third and later links are on line 8
    assert said == [
        "entries/2026-01-05-a.md:7: link to 2025-12-01-tlak.md: no such entry "
        "(did you mean `2025-12-01-talk`?) [warning]",
        "entries/2026-01-05-a.md:7: link to [[First tlak]]: no such entry "
        "(did you mean `First talk`?) [warning]",
        "entries/2026-01-05-a.md:8: link to ../about/index.md leads outside entries/: kept as "
        "written [warning]",
        "entries/2026-01-05-a.md:8: link to `about` leads outside entries/: kept as written, "
        "never copied [warning]",
    ]
    page = (root / "site" / "entries" / "2026-01-05-a.html").read_text()
    assert 'href="../about/"' in page and 'href="../about/index.md"' in page  # as written
    assert not (root / "site" / "about").exists()  # never copied
    for command in ("build", "check"):
        strict = run(root, command, "--strict")
        assert strict.returncode == 1, command
        assert "4 errors found" in strict.stderr and "[warning]" not in strict.stderr
    assert (root / "site" / "entries" / "2026-01-05-a.html").read_text() == page  # not rebuilt


def test_an_outside_link_no_longer_stops_the_build(tmp_path):
    """Before: `[about](../about/)` was an error, and one such link built nothing."""
    root = write_journal(
        tmp_path / "j",
        {f"2026-01-0{i}-a.md": entry(f"2026-01-0{i}", body="[a](../x/)") for i in (1, 2)},
    )
    done = run(root, "build")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("leads outside entries/") == 1  # once per target


# --- in a browser: file://, a sub-path over HTTP, the preview, an unlocked publish --------------


def click_through(page, start: str) -> None:
    page.goto(start)
    for text in ("by title, any case", "fragment", "by id, with text"):
        page.click(f"text={text}")
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'First talk'")
        page.go_back()
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Meetup'")


def test_links_work_from_file_and_a_sub_path(tmp_path, page, http_root):
    root = journal(tmp_path)
    site = tmp_path / "site"
    build(root, site, Options(today=date(2026, 11, 22)))
    click_through(page, (site / "entries" / "2026-01-05-meetup.html").as_uri())
    folder, port = http_root
    shutil.copytree(site, folder / "journal")
    click_through(page, f"http://127.0.0.1:{port}/journal/entries/2026-01-05-meetup.html")


def test_links_work_in_the_preview(tmp_path, page):
    root = journal(tmp_path)
    srv = PreviewServer(root, port=0, options=Options(today=date(2026, 11, 22))).start()
    try:
        assert wait_for(lambda: get(srv, "/entries/2026-01-05-meetup.html")[0] == 200)
        host, port = srv.httpd.server_address[:2]
        click_through(page, f"http://{host}:{port}/entries/2026-01-05-meetup.html")
    finally:
        srv.stop()


def test_links_work_in_an_unlocked_publish(tmp_path, page):
    root = journal(tmp_path)
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    page.goto((out / "index.html").as_uri())
    unlock(page)
    page.wait_for_selector("#journal-lock")
    page.click("a >> text=Meetup >> nth=0")
    page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Meetup'")
    for text in ("by title, any case", "by id, with text"):
        page.click(f"text={text}")
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'First talk'")
        page.go_back()
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Meetup'")
    # the private entry's link: no address, and neither its title nor its id
    # a #fragment lands on its heading there too (ids carry the sanitiser's prefix)
    page.click("text=fragment")
    page.wait_for_function("() => document.querySelector('h1')?.textContent === 'First talk'")
    assert "user-content-how" in page.evaluate("location.hash")
    assert page.evaluate("document.getElementById('user-content-how')?.textContent") == "How"
    page.go_back()
    page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Meetup'")
    hidden = page.locator("a >> text=an entry not in this site")
    assert hidden.get_attribute("href") is None
    assert "Ocelot" not in page.inner_text("main") and "ocelot" not in page.content()


def test_linkchecker_finds_no_broken_link_in_a_journal_full_of_links(tmp_path, http_root):
    if shutil.which("linkchecker") is None:
        pytest.skip("linkchecker is not installed (apt-get install linkchecker; .ci/run does)")
    files = {
        f"2026/2026-02-{d:02}-day.md": entry(
            f"2026-02-{d:02}",
            body=f"Back to [[2026-02-{d - 1:02}-day]], [the first](2026-02-01-day.md), "
            f"[[Day {d - 1}|the day before]] and [a part](../2026/2026-02-01-day.md#notes).",
            title=f"Day {d}",
        )
        for d in range(2, 21)
    }
    files["2026/2026-02-01-day.md"] = entry("2026-02-01", title="Day 1", body="## Notes\n\nx")
    root = write_journal(tmp_path / "j", files)
    folder, port = http_root
    build(root, folder / "journal", Options(today=date(2026, 11, 22)))
    done = subprocess.run(
        ["linkchecker", "--no-status", "--check-extern", f"http://127.0.0.1:{port}/journal/"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\b0 errors found", done.stdout), done.stdout[-2000:]


def test_with_a_title_a_leading_heading_stays_in_the_body_with_its_links(tmp_path):
    root = write_journal(
        tmp_path / "j",
        {
            f"{TALK}.md": entry("2025-12-01", title="First talk"),
            "2026-01-05-a.md": entry(
                "2026-01-05", title="Given title", body="# About [[2025-12-01-talk]]\n\nText."
            ),
            "2026-01-06-b.md": entry("2026-01-06", body="# Heading as title\n\nText."),
        },
    )
    site = tmp_path / "site"
    build(root, site, Options(today=date(2026, 11, 22)))
    page = (site / "entries" / "2026-01-05-a.html").read_text()
    assert '<h1 id="about">About <a href="2025-12-01-talk.html">First talk</a></h1>' in page
    assert "Linked from" in (site / "entries" / f"{TALK}.html").read_text()
    other = (site / "entries" / "2026-01-06-b.html").read_text()
    assert "<h1>Heading as title</h1>" in other and other.count("Heading as title</h1>") == 1
