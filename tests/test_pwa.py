"""The published journal as an app on a phone (issue 26), in real headless Chromium over a real
HTTP server under a sub-path: installable, open with the network gone after one visit online,
nothing decrypted kept in any storage, a new publish brought to the device and an older one
refused, the same requests for every search, and file:// as before.

`PWA_SHOTS=/some/folder python3 -m pytest tests/test_pwa.py -k phone` also writes screenshots
of the offline journal on a phone, light and dark, into that folder.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import tempfile
import threading
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest

from journal.publish import crypto
from journal.publish.icons import png
from journal.publish.site import publish, read_published
from tests.chromium import CHROMIUM, FLAGS
from tests.conftest import entry, write_journal
from tests.test_publish import FILES, MARKERS, PASS, edit, files_of, keys_of
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture
from tests.test_publish_browser import NoStore, open_entry, unlock

TODAY = date(2026, 11, 22)
PHOTO_ENTRY = "2026/2026-04-05-kumquat-photo.md"
PHOTO_TAIL = b"kestrelsecretbytes"  # after the PNG's end: in the photo, never on the device
SECRETS = [*MARKERS, "kestrelalt", "kumquat", PHOTO_TAIL.decode()]
APP_FILES = {
    **FILES,
    PHOTO_ENTRY: entry(
        "2026-04-05",
        "win",
        "pangolin-dance",
        "![Kestrelalt at the line](line/kestrelphoto.png)",
        title="Zebracorn finish",
    ),
}


def photo(width: int, height: int, tail: bytes = PHOTO_TAIL) -> bytes:
    """A real PNG (a flat colour), with bytes of its own after its end."""
    return png(width, height, [bytes((200, 80, 40, 255)) * width] * height) + tail


def make_app(
    tmp_path: Path, config: str | None = None, files: dict[str, str] | None = None
) -> tuple[Path, Path, crypto.Keyring]:
    root = write_journal(tmp_path / "j", files or APP_FILES, config)
    (root / "entries/2026/line").mkdir(parents=True, exist_ok=True)
    (root / "entries/2026/line/kestrelphoto.png").write_bytes(photo(64, 40))
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    return root, out, ring


def republish(root: Path, out: Path, ring: crypto.Keyring) -> None:
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)


def publish_number(out: Path, ring: crypto.Keyring) -> int:
    sealed, _objects = read_published(out)
    return keys_of(ring).open_manifest(sealed)["publish"]


# --- a host: files on 127.0.0.1 that change under the browser, every request logged -----------


class Host:
    """A static host under a sub-path, as a person would run one; `log` holds every path asked."""

    def __init__(self, docroot: Path, address: str = "127.0.0.1") -> None:
        self.root = docroot
        docroot.mkdir(parents=True, exist_ok=True)
        self.log: list[str] = []
        log = self.log

        class Logged(NoStore):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                log.append(self.path)
                super().do_GET()

        handler = functools.partial(Logged, directory=str(docroot))
        self.server = http.server.ThreadingHTTPServer((address, 0), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, out: Path, folder: str = "journal") -> str:
        """Put a published folder at /<folder>/ (replacing what was there); its address."""
        shutil.rmtree(self.root / folder, ignore_errors=True)
        shutil.copytree(out, self.root / folder)
        return self.url(folder)

    def url(self, folder: str = "journal", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{quote(folder)}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="host")
def host_fixture(tmp_path):
    h = Host(tmp_path / "www")
    yield h
    h.close()


@pytest.fixture(name="context")
def context_fixture(browser):
    c = browser.new_context()
    c.set_default_timeout(15000)
    yield c
    c.close()


# --- what the page can see ----------------------------------------------------------------------

DEVICE = "t => (document.getElementById('journal-device') || {}).textContent?.includes(t)"
CACHED = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
      let bin = "";
      for (let i = 0; i < bytes.length; i += 8192) {
        bin += String.fromCharCode(...bytes.subarray(i, i + 8192));
      }
      out.push([name, request.url, btoa(bin)]);
    }
  }
  return out;
}"""
STORAGES = """async () => {
  const databases = [];
  for (const d of await indexedDB.databases()) {
    const db = await new Promise((ok, no) => {
      const r = indexedDB.open(d.name);
      r.onsuccess = () => ok(r.result);
      r.onerror = no;
    });
    const stores = {};
    for (const name of db.objectStoreNames) {
      stores[name] = await new Promise(ok => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => ok(JSON.stringify(r.result));
      });
    }
    db.close();
    databases.push([d.name, stores]);
  }
  const local = Object.entries(localStorage), session = Object.entries(sessionStorage);
  return { databases, local, session };
}"""


def cached(page) -> list[tuple[str, str, bytes]]:
    """Every (cache, address, body) in the origin's Cache Storage, read by the page."""
    return [(n, u, base64.b64decode(b)) for n, u, b in page.evaluate(CACHED)]


def wait_device(page, text: str) -> str:
    page.wait_for_function(DEVICE, arg=text)
    return page.inner_text("#journal-device")


def visit_and_keep(context, url: str):
    """One visit online: unlock, and wait until the worker says the journal is on the device."""
    page = context.new_page()
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-lock")
    wait_device(page, "Kept on this device")
    return page


def home_then_entry_then_search_then_photo(page) -> None:
    """Unlocked: the home page, an entry, a search result (with its snippet) and a photo."""
    page.wait_for_selector("#journal-lock")
    assert "Zebracorn again" in page.inner_text("main")
    open_entry(page, "Zebracorn stumble")
    assert "wombatlesson matters" in page.inner_text("main")
    page.fill("#site-search-q", "wombatlesson")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li .snippet mark")
    found = page.eval_on_selector_all("#search-results li > a", "a => a.map(e => e.textContent)")
    assert found == ["Zebracorn stumble"]
    page.click("#search-results li > a >> text=Zebracorn stumble")
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Zebracorn stumble'")
    page.click("main a >> text=Pangolin dance >> nth=0")  # the domain page
    page.wait_for_function("() => document.querySelector('h1')?.textContent === 'Pangolin dance'")
    open_entry(page, "Zebracorn finish")
    shown = "() => (i => i?.complete && i.naturalWidth)(document.querySelector('main img'))"
    assert page.wait_for_function(shown).json_value() == 64
    assert page.get_attribute("main img", "alt") == "Kestrelalt at the line"
    assert page.get_attribute("main img", "src").startswith("blob:")


# --- installable --------------------------------------------------------------------------------


def installability(playwright, url: str) -> tuple[list[str], str]:
    """Chromium's own verdict (DevTools: Page.getInstallabilityErrors), and the manifest it
    found, in a profile on disk: an incognito context is never installable."""
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        try:
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            cdp = context.new_cdp_session(page)
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            manifest = cdp.send("Page.getAppManifest")
            assert manifest["errors"] == []
            return [e["errorId"] for e in errors], manifest["url"]
        finally:
            context.close()


def test_installable_under_a_sub_path(tmp_path, host, playwright_instance):
    _root, out, _ring = make_app(tmp_path)
    url = host.serve(out)
    assert installability(playwright_instance, url) == ([], url + "manifest.webmanifest")
    # the check can fail: the same site with a shell that does not link its manifest
    shell = (out / "index.html").read_text()
    (out / "index.html").write_text(shell.replace('<link rel="manifest"', '<link rel="x-none"'))
    errors, manifest = installability(playwright_instance, host.serve(out, "unlinked"))
    assert "no-manifest" in errors and manifest == ""


# --- offline ------------------------------------------------------------------------------------


def test_after_one_visit_online_it_opens_with_the_network_gone(tmp_path, host, context):
    _root, out, _ring = make_app(tmp_path)
    url = host.serve(out)
    page = visit_and_keep(context, url)
    context.set_offline(True)
    host.log.clear()
    page.reload()  # a fresh start: the key is gone, the form is back
    assert "Offline: this is the copy kept on this device" in wait_device(page, "Offline")
    unlock(page)
    home_then_entry_then_search_then_photo(page)
    other = context.new_page()  # a new tab, as when the app is opened from the home screen
    other.goto(url)
    unlock(other)
    other.wait_for_selector("#journal-lock")
    assert "Zebracorn again" in other.inner_text("main")
    assert host.log == []  # nothing reached the host: it was all on the device


def test_nothing_decrypted_is_kept_in_any_storage(tmp_path, host, context):
    _root, out, _ring = make_app(tmp_path)
    url = host.serve(out)
    page = visit_and_keep(context, url)
    home_then_entry_then_search_then_photo(page)  # online: every kind of page opened once
    context.set_offline(True)
    page.goto(url)
    unlock(page)
    home_then_entry_then_search_then_photo(page)  # and offline
    everything = cached(page)
    published = files_of(out)
    objects = [body for _n, u, body in everything if "/p/" in u]
    assert len(objects) == len(list((out / "p").glob("*.js")))  # every sealed object...
    for name, address, body in everything:
        for word in SECRETS:  # ...and not one word of an entry, or the photo's own bytes
            assert word.encode() not in body.lower(), f"{word!r} in {address} ({name})"
        relative = address.removeprefix(url)
        path = relative.split("?")[0]
        if path in published:  # byte for byte what the host serves: sealed, or public
            assert body == published[path], address
        else:  # the worker's own note: numbers and addresses only
            assert relative == "?evidence-journal-offline-state", address
            assert set(json.loads(body)) == {"current", "seen", "kept"}
    seen = page.evaluate(STORAGES)
    assert seen["databases"] == [] and seen["session"] == []  # the key: this tab's memory only
    assert [k for k, _v in seen["local"]] == ["evidence-journal:newest-publish:/journal/"]
    assert re.fullmatch(r"\d{13}", seen["local"][0][1])


# --- updates ------------------------------------------------------------------------------------


def test_a_new_publish_reaches_the_device_on_the_next_visit_online(tmp_path, host, context):
    root, out, ring = make_app(tmp_path)
    url = host.serve(out)
    first = publish_number(out, ring)
    visit_and_keep(context, url).close()
    edit(root, "Quokkafish again.", "Quokkafish again, and a heronword.")
    republish(root, out, ring)
    second = publish_number(out, ring)
    assert second > first
    host.serve(out)
    page = context.new_page()
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-lock")
    said = wait_device(page, "Updated")
    found = re.fullmatch(
        r"Updated: this device now holds the journal as published (\S+ [\d:.]+) UTC "
        r"\(it held the publish of (\S+ [\d:.]+) UTC\), for reading offline too\.",
        said,
    )
    # the two times never read the same: to the second when they share a minute, to the
    # millisecond when they share a second (a publish after one edit can take less)
    assert found and found[1] != found[2]
    open_entry(page, "Zebracorn again")
    assert "heronword" in page.inner_text("main")
    assert not page.query_selector("#journal-device")  # news is said once, then goes
    # with the network gone: the new publish, whole
    context.set_offline(True)
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-lock")
    open_entry(page, "Zebracorn again")
    assert "heronword" in page.inner_text("main")
    kinds = {name.split(" ", 2)[2] for name, _u, _b in cached(page)}
    assert kinds == {"objects", "state", f"publish {second}"}  # one copy kept, the newest
    state = next(json.loads(b) for _n, u, b in cached(page) if u.endswith("offline-state"))
    assert state == {"current": second, "seen": second, "kept": {}}


def test_an_older_publish_served_back_is_refused_with_a_message(tmp_path, host, context):
    root, out, ring = make_app(tmp_path)
    older = tmp_path / "older"
    shutil.copytree(out, older)
    edit(root, "Quokkafish again.", "Quokkafish again, and a heronword.")
    republish(root, out, ring)
    url = host.serve(out)
    visit_and_keep(context, url).close()
    host.serve(older)  # the host goes back to the previous publish
    host.log.clear()
    page = context.new_page()
    page.goto(url)
    said = wait_device(page, "Refused")
    assert said.startswith("Refused an older copy of the journal: the host is serving the publish")
    assert "This device's copy is shown instead" in said
    assert "/journal/index.html" in host.log  # it did ask the host, and was given the older one
    unlock(page)
    page.wait_for_selector("#journal-lock")
    assert page.is_visible("#journal-device")  # an alert stays on every page
    open_entry(page, "Zebracorn again")
    assert "heronword" in page.inner_text("main")  # the newer publish, from the device
    assert "Refused an older copy" in page.inner_text("#journal-device")
    assert not page.query_selector("#journal-notice")  # what is shown is not older than seen


# --- what the host learns -----------------------------------------------------------------------


def searched(context, url: str, host: Host, query: str) -> list[str]:
    """A fresh tab: unlock, then search; what the host was asked from the search on."""
    page = context.new_page()
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-lock")
    page.wait_for_function("() => typeof journalSearchPage === 'function'")
    page.wait_for_timeout(300)
    host.log.clear()
    page.fill("#site-search-q", query)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('search-status')?.textContent !== ''"
        " && window.__journalSearchReady !== undefined"
    )
    page.wait_for_timeout(500)  # anything else it would ask for
    page.close()
    # the tab's icon is asked for once per tab, at an idle moment, whatever is searched
    return [re.sub(r"\?v=.*", "", p) for p in host.log if p != "/favicon.ico"]


def test_every_search_asks_the_host_the_same(tmp_path, host, browser):
    # nothing kept on the device (a budget of 0): every search goes to the host
    _root, out, ring = make_app(tmp_path, "offline_budget_mb = 0\n")
    url = host.serve(out)
    queries = ["wombatlesson", "zebracorn", "nothingmatches"]
    context = browser.new_context()
    try:
        first = context.new_page()  # the worker in charge before anything is searched
        first.goto(url)
        first.wait_for_function("() => navigator.serviceWorker.controller !== null")
        first.close()
        asked = {q: searched(context, url, host, q) for q in queries}
        assert context.pages == [] and cached_in(context, url) == []
    finally:
        context.close()
    keys = keys_of(ring)
    from journal.pages.search_index import MAIN
    from journal.publish.site import SEARCH_TEXTS

    ids = [keys.opaque_name(n) for n in ("search.html", MAIN, SEARCH_TEXTS)]
    assert asked["wombatlesson"] == [f"/journal/p/{i}.js" for i in ids]  # page, index, texts
    assert asked["wombatlesson"] == asked["zebracorn"] == asked["nothingmatches"]
    # the whole journal on the device: no search asks the host anything
    context = browser.new_context()
    try:
        visit_and_keep(context, host.serve(make_app(tmp_path / "kept")[1], "kept")).close()
        url = host.url("kept")
        assert [searched(context, url, host, q) for q in queries] == [[], [], []]
    finally:
        context.close()


def cached_in(context, url: str) -> list:
    page = context.new_page()
    page.goto(url + "robots.txt")
    try:
        return page.evaluate("async () => await caches.keys()")
    finally:
        page.close()


# --- file:// ------------------------------------------------------------------------------------


def test_from_file_nothing_changes(tmp_path, page):
    _root, out, _ring = make_app(tmp_path)
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((out / "index.html").as_uri())
    unlock(page)
    page.wait_for_selector("#journal-lock")
    open_entry(page, "Zebracorn finish")
    page.wait_for_function("() => document.querySelector('main img')?.naturalWidth === 64")
    assert page.evaluate("navigator.serviceWorker?.controller ?? null") is None
    assert not page.query_selector("#journal-device")
    assert [r for r in requests if not r.startswith(("file://", "blob:null/"))] == []
    names = {r.rsplit("/", 1)[-1].split("?")[0] for r in requests}
    assert not names & {"sw.js", "offline.json", "manifest.webmanifest"}
    assert problems == []


# --- on a phone ---------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_offline_journal_on_a_phone(tmp_path, host, browser, scheme):
    """The sample journal, kept on a phone and opened with no network: nothing runs off the
    screen, and the device's message sits in the page."""
    sample = Path(__file__).resolve().parent.parent
    root = tmp_path / "sample"
    shutil.copytree(sample / "entries", root / "entries")
    shutil.copy(sample / "journal.toml", root / "journal.toml")
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    publish(root, tmp_path / "public", ring=ring, passphrase=PASS, today=TODAY)
    url = host.serve(tmp_path / "public")
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, color_scheme=scheme
    )
    context.set_default_timeout(15000)
    shots = os.environ.get("PWA_SHOTS")
    try:
        visit_and_keep(context, url).close()
        context.set_offline(True)
        page = context.new_page()
        page.goto(url)
        wait_device(page, "Offline")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/unlock-phone-{scheme}.png")
        unlock(page)
        page.wait_for_selector("#journal-lock")
        wide = "() => document.documentElement.scrollWidth"
        assert page.evaluate(wide) <= PHONE["width"]
        assert page.is_visible("#journal-device")
        if shots:
            page.screenshot(path=f"{shots}/home-phone-{scheme}.png")
        open_entry(page, "Gave a toast at Marta's wedding")
        assert not page.query_selector("#journal-device")  # said once, on the first page
        assert page.evaluate(wide) <= PHONE["width"]
        if shots:
            page.screenshot(path=f"{shots}/entry-phone-{scheme}.png")
    finally:
        context.close()
