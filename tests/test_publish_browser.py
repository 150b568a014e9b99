"""The published site in real headless Chromium: the key stays in memory, old or mixed
pages are refused, and "remember" is the only thing that stores anything."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import re
import shutil
import threading
import time
from datetime import date

import pytest

from journal.cli import main
from journal.pages.search_index import MAIN
from journal.publish import crypto
from journal.publish.site import SEARCH_TEXTS, publish
from tests.chromium import launch
from tests.test_publish import AGAIN, FILES, NEW_PASS, PASS, TODAY, edit, keys_of, make_site
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture

# What another page of the same origin can see: every storage the issue names.
STORAGE = """async () => ({
  session: Object.entries(sessionStorage),
  local: Object.entries(localStorage),
  databases: (await indexedDB.databases()).map(d => d.name),
  cookies: document.cookie,
})"""
PLAIN = b"<!DOCTYPE html><title>Another site</title><p>Same origin, another page.</p>"


class NoStore(http.server.SimpleHTTPRequestHandler):
    """A host whose files change under the browser: nothing may come from its cache."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_root(tmp_path):
    """Serve a folder over HTTP on 127.0.0.1; yields (folder, port)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(NoStore, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, server.server_address[1]
    server.shutdown()
    server.server_close()


def unlock(page, passphrase: str = PASS, remember: bool = False) -> None:
    page.fill("#journal-passphrase", passphrase)
    if remember:
        page.check("#journal-remember")
    page.click("text=Unlock")


def open_entry(page, title: str) -> None:
    page.click(f"a >> text={title} >> nth=0")
    shown = f"() => document.querySelector('h1')?.textContent === {json.dumps(title)}"
    page.wait_for_function(shown)


def listeners(page) -> dict[str, int]:
    """How many listeners of each kind the document has, as Chromium's DevTools count them."""
    cdp = page.context.new_cdp_session(page)
    doc = cdp.send("Runtime.evaluate", {"expression": "document"})["result"]["objectId"]
    found = cdp.send("DOMDebugger.getEventListeners", {"objectId": doc})["listeners"]
    cdp.detach()
    counts: dict[str, int] = {}
    for listener in found:
        counts[listener["type"]] = counts.get(listener["type"], 0) + 1
    return {t: counts.get(t, 0) for t in ("keydown", "click")}


def test_unlocks_navigates_searches_and_locks_from_file(tmp_path, page):
    _root, out, _ring = make_site(tmp_path)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "index.html").as_uri())
    search_js = (out / "assets" / "search.js").as_uri()
    assert page.title() == "Private journal"
    unlock(page)
    page.wait_for_selector("#journal-lock")
    assert "Zebracorn again" in page.inner_text("main")
    # the charts came along: the home page's heatmap, drawn with the site's stylesheet
    assert page.eval_on_selector_all("svg.chart rect", "r => r.length") > 300
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).display") == "flex"
    open_entry(page, "Zebracorn stumble")  # opened by the shell, nothing asked
    assert "wombatlesson matters" in page.inner_text("main")
    assert re.search(r"/index\.html#/[0-9a-f]{24}$", page.url)
    page.click("a[rel=next]")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Zebracorn again'")
    page.go_back()  # history works inside the shell
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Zebracorn stumble'")
    # search: the sealed index is opened in memory, the results lead to sealed pages
    page.fill("#site-search-q", "wombatlesson")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    found = page.eval_on_selector_all("#search-results li > a", "a => a.map(e => e.textContent)")
    assert found == ["Zebracorn stumble"]
    page.wait_for_selector("#search-results li .snippet mark")  # the texts object is in
    assert "wombatlesson" in page.inner_text("#search-results li .snippet mark").lower()
    page.fill("#search-q", "quokkafish")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length === 3")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results .snippet mark').length === 3"
    )
    snippets = page.eval_on_selector_all(".snippet", "p => p.map(e => e.textContent)")
    assert "Quokkafish went well, see next ." in snippets
    assert page.evaluate("journalSearch('privatemarker')") == []
    page.click("#search-results li > a >> text=Zebracorn again")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Zebracorn again'")
    # the search page again, from another page: it works, and search.js was run once, so
    # "/" and the copy buttons have one listener each however many pages were visited
    page.fill("#site-search-q", "quokkafish")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results .snippet mark').length === 3"
    )
    open_entry(page, "Zebracorn stumble")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    assert [r for r in requests if r.endswith("/assets/search.js")] == [search_js]
    assert listeners(page) == {"keydown": 1, "click": 2}  # "/"; copy buttons and the shell's
    assert page.evaluate(STORAGE)["session"] == []
    page.click("#journal-lock")
    page.wait_for_selector("#journal-passphrase")
    assert all(r.startswith("file://") for r in requests)


def searched_after_unlocking(
    browser, out, texts: str, query: str, again: str
) -> tuple[list[str], list]:
    """A fresh tab: unlock, search `query` from the header's box, then `again` on the search
    page. (Every URL the page requested from the search on, the results shown.)"""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto((out / "index.html").as_uri())
        unlock(page)
        page.wait_for_selector("#journal-lock")
        page.wait_for_function(
            "() => typeof journalSearchPage === 'function'"
        )  # the "/" key is ready
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.fill("#site-search-q", query)
        page.keyboard.press("Enter")
        page.wait_for_function("() => window.__journalSearchReady !== undefined")
        deadline = time.monotonic() + 10
        while not any(texts in r for r in requests) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        page.wait_for_timeout(300)  # anything else it would ask for
        shown = page.eval_on_selector_all(
            "#search-results li",
            "li => li.map(e => [e.querySelector('a').textContent,"
            " e.querySelector('.snippet').textContent])",
        )
        page.fill("#search-q", again)  # another query, over what is open: nothing more to load
        page.wait_for_function(
            "q => document.getElementById('search-status').textContent !== ''"
            " && new URLSearchParams(location.hash.split('?')[1]).get('q') === q",
            arg=again,
        )
        page.wait_for_timeout(300)
        return requests, shown
    finally:
        context.close()


def test_every_search_opens_the_same_objects_in_the_same_order(tmp_path, browser):
    _root, out, ring = make_site(tmp_path)
    keys = keys_of(ring)
    ids = {name: keys.opaque_name(name) for name in ("search.html", MAIN, SEARCH_TEXTS)}
    # different words (other shards, other entries, in a plain site other files), and a
    # query that matches nothing
    queries = {"wombatlesson": "narwhalnext", "zebracorn": "axolotltag", "nothingmatches": "x"}
    runs = {
        query: searched_after_unlocking(browser, out, ids[SEARCH_TEXTS], query, again)
        for query, again in queries.items()
    }
    # search works after unlocking: ranked results, then their snippets from the texts
    assert runs["wombatlesson"][1] == [["Zebracorn stumble", "wombatlesson matters"]]
    assert [t for t, _s in runs["zebracorn"][1]] == [
        "Zebracorn again",
        "Zebracorn stumble",
        "Zebracorn triumph",
    ]
    assert all(snippet for _t, snippet in runs["zebracorn"][1])
    assert runs["nothingmatches"][1] == []
    # what the host sees: the same requests, in the same order, whatever was searched
    requested = {query: requests for query, (requests, _shown) in runs.items()}
    assert requested["wombatlesson"] == requested["zebracorn"] == requested["nothingmatches"]
    opened = [re.search(r"/p/([0-9a-f]{24})\.js\?v=", r).group(1) for r in requested["zebracorn"]]
    assert opened == [ids["search.html"], ids[MAIN], ids[SEARCH_TEXTS]]  # page, index, texts


def test_wrong_passphrase_stores_nothing(tmp_path, page):
    _root, out, _ring = make_site(tmp_path)
    page.goto((out / "index.html").as_uri())
    unlock(page, "not the passphrase")
    page.wait_for_function(
        "() => document.getElementById('journal-message').textContent.includes('Wrong passphrase')"
    )
    assert page.is_visible("#journal-passphrase")
    assert page.evaluate(STORAGE) == {"session": [], "local": [], "databases": [], "cookies": ""}


def test_after_three_pages_a_plain_page_of_the_origin_finds_no_key(tmp_path, page, http_root):
    _root, out, _ring = make_site(tmp_path)
    folder, port = http_root
    shutil.copytree(out, folder, dirs_exist_ok=True)  # at the root of its origin
    (folder / "plain.html").write_bytes(PLAIN)
    page.goto(f"http://127.0.0.1:{port}/")
    assert not page.is_visible("#journal-remember-warning")
    unlock(page)
    page.wait_for_selector("#journal-lock")
    for title in ("Zebracorn again", "Zebracorn stumble", "Zebracorn triumph"):
        open_entry(page, title)
    assert page.url.startswith(f"http://127.0.0.1:{port}/#/")
    page.goto(f"http://127.0.0.1:{port}/plain.html")  # same tab, same origin
    seen = page.evaluate(STORAGE)
    # only the newest publish number this browser opened: a number, not a key
    assert seen["session"] == [] and seen["databases"] == [] and seen["cookies"] == ""
    assert [k for k, _v in seen["local"]] == ["evidence-journal:newest-publish:/"]
    assert re.fullmatch(r"\d{13}", seen["local"][0][1])
    page.go_back()  # reloading the shell asks again
    page.wait_for_selector("#journal-passphrase")


def test_remember_on_a_sub_path_warns_and_stores_the_key(tmp_path, browser, http_root):
    _root, out, _ring = make_site(tmp_path)
    folder, port = http_root
    shutil.copytree(out, folder / "journal")
    (folder / "plain.html").write_bytes(PLAIN)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"http://127.0.0.1:{port}/journal/")
    warning = page.inner_text("#journal-remember-warning")
    assert "sits at /journal/ on 127.0.0.1" in warning and "domain of its own" in warning
    assert "stored in this browser" in page.inner_text("#journal-remember-help")
    unlock(page, remember=True)
    page.wait_for_selector("#journal-lock")
    page.goto(f"http://127.0.0.1:{port}/plain.html")
    assert page.evaluate(STORAGE)["databases"] == ["evidence-journal"]  # what remember means
    other = context.new_page()  # a new tab opens without asking
    other.goto(f"http://127.0.0.1:{port}/journal/index.html")
    other.wait_for_selector("#journal-lock")
    assert "Zebracorn again" in other.inner_text("main")
    other.click("#journal-lock")
    other.wait_for_selector("#journal-passphrase")
    # Lock forgets it everywhere (deleting a database completes after the form is back)
    other.wait_for_function(
        "async () => (await indexedDB.databases()).length === 0", polling=100, timeout=10000
    )
    assert other.evaluate(STORAGE)["databases"] == []
    context.close()


def test_a_new_shell_with_the_old_keyring_does_not_open(tmp_path, page, monkeypatch):
    root = tmp_path / "j"
    from tests.conftest import write_journal

    write_journal(root, FILES)
    out = tmp_path / "public"
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    args = ["publish", "--root", str(root), "--out", str(out), "--today", TODAY]
    assert main(args) == 0
    old_ring = json.loads((root / "journal.keyring.json").read_text())
    monkeypatch.setenv("JOURNAL_NEW_PASSPHRASE", NEW_PASS)
    assert main(["passphrase", "--root", str(root)]) == 0
    monkeypatch.setenv("JOURNAL_PASSPHRASE", NEW_PASS)
    assert main(args) == 0
    shell = (out / "index.html").read_text()
    new_ring = re.search(r'id="journal-keyring">([^<]+)<', shell).group(1)
    forged = shell.replace(new_ring, json.dumps(old_ring, separators=(",", ":")))
    (out / "old-keyring.html").write_text(forged)
    page.goto((out / "old-keyring.html").as_uri())
    unlock(page, PASS)
    page.wait_for_function(
        "() => document.getElementById('journal-message').textContent"
        ".includes('could not be opened')"
    )
    assert not page.query_selector("#journal-lock")
    assert "Zebracorn" not in page.inner_text("body")
    page.goto((out / "index.html").as_uri())  # the real shell opens with the new one only
    unlock(page, NEW_PASS)
    page.wait_for_selector("#journal-lock")


def test_rolled_back_pages_and_publishes_are_refused_or_flagged(tmp_path, browser, http_root):
    root, out, ring = make_site(tmp_path)
    first = tmp_path / "first"
    shutil.copytree(out, first)
    edit(root, "Quokkafish again.", "Quokkafish once more.")
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    folder, port = http_root
    shutil.copytree(out, folder, dirs_exist_ok=True)
    # the entry's page file, replaced by its version from the previous publish
    changed = [
        p.name
        for p in (out / "p").iterdir()
        if (first / "p" / p.name).exists() and (first / "p" / p.name).read_bytes() != p.read_bytes()
    ]
    assert changed
    for name in changed:
        shutil.copy(first / "p" / name, folder / "p" / name)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"http://127.0.0.1:{port}/")
    unlock(page)
    page.wait_for_selector("#journal-refused, #journal-lock")
    if page.query_selector("#journal-lock"):  # the home page itself was not among them
        page.click("a >> text=Zebracorn again >> nth=0")
    page.wait_for_selector("#journal-refused")
    message = page.inner_text("#journal-refused")
    assert "not the version this publish" in message and "It was not shown" in message
    assert "once more" not in page.inner_text("body") and "Quokkafish again" not in page.inner_text(
        "body"
    )
    # the whole older publish, served later: opened, but flagged
    shutil.rmtree(folder)
    shutil.copytree(first, folder)
    page.goto(f"http://127.0.0.1:{port}/")
    unlock(page)
    page.wait_for_selector("#journal-notice")
    assert "older copy of the journal" in page.inner_text("#journal-notice")
    open_entry(page, "Zebracorn stumble")
    assert page.is_visible("#journal-notice")  # on every page, not only the first
    context.close()


def test_tampered_and_moved_objects_are_refused(tmp_path, page):
    _root, out, _ring = make_site(tmp_path)
    objects = sorted((out / "p").glob("*.js"))
    blob = re.search(rb'","([^"]+)"', objects[0].read_bytes()).group(1)
    raw = bytearray(base64.b64decode(blob))
    raw[40] ^= 1
    for path in objects:  # every page tampered: whichever is asked for first is refused
        data = path.read_bytes()
        own = re.search(rb'","([^"]+)"', data).group(1)
        path.write_bytes(data.replace(own, base64.b64encode(bytes(raw))))
    page.goto((out / "index.html").as_uri())
    unlock(page)
    page.wait_for_selector("#journal-refused")
    assert "It was not shown" in page.inner_text("#journal-refused")


def test_on_plain_http_says_https_is_needed(tmp_path, playwright_instance, http_root):
    _root, out, _ring = make_site(tmp_path)
    folder, port = http_root
    shutil.copytree(out, folder / "journal")
    browser = launch(playwright_instance, ["--host-resolver-rules=MAP journal.test 127.0.0.1"])
    try:
        page = browser.new_page()
        page.goto(f"http://journal.test:{port}/journal/")
        page.wait_for_selector("#journal-insecure:not([hidden])")
        assert "HTTPS" in page.inner_text("#journal-insecure")
        assert not page.is_visible("#journal-passphrase")
    finally:
        browser.close()


def test_the_keyring_iterations_are_the_ones_published(tmp_path):
    """The browser derives with the count in the keyring: the shell carries the real one."""
    root, out, ring = make_site(tmp_path)
    shell = (out / "index.html").read_text()
    published = json.loads(re.search(r'id="journal-keyring">([^<]+)<', shell).group(1))
    assert published["iterations"] == ring.iterations == crypto.DEFAULT_ITERATIONS
    assert AGAIN in {str(p.relative_to(root / "entries")) for p in (root / "entries").rglob("*.md")}
