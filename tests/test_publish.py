"""`journal publish`: the sealed site leaks nothing, opens in Chromium, and deploys with git."""

from __future__ import annotations

import base64
import functools
import http.server
import re
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest

from journal.cli import main
from journal.errors import JournalError
from journal.publish import crypto
from journal.publish.crypto import Keyring, SiteKeys, TamperedObject, WrongPassphrase
from journal.publish.site import publish
from tests.chromium import launch
from tests.conftest import entry, write_journal

PASS = "correct horse battery staple"
TODAY = "2026-11-22"

# Every word a host must never see. Ids, dates, domains and tags are checked as well.
MARKERS = {
    "zebracorn": "title",
    "quokkafish": "body",
    "wombatlesson": "lesson",
    "narwhalnext": "next",
    "axolotltag": "tag",
    "pangolin-dance": "domain",
}
FILES = {
    "2026/2026-03-14-kumquat-first.md": entry(
        "2026-03-14",
        "win",
        "pangolin-dance",
        "# Zebracorn triumph\n\nQuokkafish went well, see [next](2026-03-16-kumquat-setback.md).",
        tags="[axolotltag]",
        difficulty=6,
    ),
    "2026/2026-03-16-kumquat-setback.md": entry(
        "2026-03-16",
        "setback",
        "pangolin-dance",
        "Quokkafish went badly.",
        title="Zebracorn stumble",
        lesson="wombatlesson matters",
        next="narwhalnext time",
        tags="[axolotltag]",
    ),
    "2026/2026-04-02-kumquat-again.md": entry(
        "2026-04-02",
        "win",
        "pangolin-dance",
        "Quokkafish again.",
        title="Zebracorn again",
        follows="2026-03-16-kumquat-setback",
    ),
    "2026/2026-04-03-secretprivate.md": entry(
        "2026-04-03", "win", "pangolin-dance", "Privatemarker body.", private="true"
    ),
    "2026/2026-04-04-secretdraft.md": entry(
        "2026-04-04", "win", "pangolin-dance", "Draftmarker body.", draft="true"
    ),
}
IDS = ["2026-03-14-kumquat-first", "2026-03-16-kumquat-setback", "2026-04-02-kumquat-again"]


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    """A weak iteration count, allowed only through the test-only variable."""
    monkeypatch.setenv(crypto.TEST_ITERATIONS_ENV, "1000")


def make_site(tmp_path: Path) -> tuple[Path, Path, Keyring]:
    root = write_journal(tmp_path / "j", FILES)
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    return root, out, ring


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def payload(data: bytes) -> bytes:
    match = re.search(rb'id="journal-payload">([A-Za-z0-9+/=]+)</script>', data) or re.search(
        rb'\] = "([A-Za-z0-9+/=]+)";', data
    )
    assert match, "no payload"
    return base64.b64decode(match.group(1))


def opened(out: Path, ring: Keyring) -> dict[str, str]:
    keys = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    return {
        name: keys.open(name, payload(data)).decode()
        for name, data in files_of(out).items()
        if name.endswith(".html") and name != "404.html"
    }


# --- the cryptography, in Python -------------------------------------------------------------


def test_seal_and_open_round_trip_and_what_is_refused():
    ring = crypto.create_keyring(PASS)
    keys = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    blob = keys.seal("p/aaa.html", b"<p>hello</p>")
    assert keys.open("p/aaa.html", blob) == b"<p>hello</p>"
    tampered = bytearray(blob)
    tampered[20] ^= 1
    with pytest.raises(TamperedObject):
        keys.open("p/aaa.html", bytes(tampered))
    with pytest.raises(TamperedObject):  # moved to another page
        keys.open("p/bbb.html", blob)
    other = crypto.create_keyring(PASS)  # another site (build id and master)
    with pytest.raises(TamperedObject):
        SiteKeys.derive(crypto.unwrap(other, PASS), other.build).open("p/aaa.html", blob)
    with pytest.raises(WrongPassphrase):
        crypto.unwrap(ring, "correct horse battery stapler")
    # two seals of the same page differ (fresh nonces) and both open
    assert keys.seal("p/aaa.html", b"x") != keys.seal("p/aaa.html", b"x")


def test_passphrase_is_nfc_normalised():
    composed, decomposed = "caf\u00e9 sombre", "cafe\u0301 sombre"
    ring = crypto.create_keyring(composed)
    assert len(crypto.unwrap(ring, decomposed)) == 32


def test_sizes_are_padded_to_buckets():
    ring = crypto.create_keyring(PASS)
    keys = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    # 1 + 12 + 16 bytes of framing around a 1 KiB bucket, whatever the short text
    assert len(keys.seal("x", b"a")) == len(keys.seal("x", b"b" * 700)) == 1024 + 29
    assert crypto.bucket(1) == 1024 and crypto.bucket(1025) == 2048
    # large objects: steps of an eighth of the next power of two (64 KiB -> 8 KiB steps)
    assert crypto.bucket(40_000) == 40_960 and crypto.bucket(60_000) == 65_536


def test_rewrap_keeps_the_site_keys_and_refuses_the_old_passphrase():
    ring = crypto.create_keyring(PASS)
    new = crypto.rewrap(ring, PASS, "six random words are better")
    assert new.build == ring.build and new.salt != ring.salt
    before = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    after = SiteKeys.derive(crypto.unwrap(new, "six random words are better"), new.build)
    assert before == after
    with pytest.raises(WrongPassphrase):
        crypto.unwrap(new, PASS)
    with pytest.raises(WrongPassphrase):
        crypto.rewrap(ring, "not it", "whatever")


def test_iteration_floor(monkeypatch, tmp_path):
    monkeypatch.delenv(crypto.TEST_ITERATIONS_ENV)
    assert crypto.default_iterations() == 1_000_000
    with pytest.raises(JournalError, match="below the floor"):
        crypto.create_keyring(PASS, iterations=100_000)
    weak = Keyring(1000, b"s" * 16, b"b" * 16, b"w" * 60)
    assert Keyring.from_json(weak.to_json()) == weak  # it parses...
    crypto.write_keyring(tmp_path, weak)
    with pytest.raises(JournalError, match="below the floor"):
        crypto.read_keyring(tmp_path)  # ...but is refused when used


# --- what the published folder reveals -------------------------------------------------------


def test_nothing_leaks_into_the_published_folder(tmp_path):
    _root, out, ring = make_site(tmp_path)
    files = files_of(out)
    forbidden = [*MARKERS, *IDS, "kumquat", "2026-03", "2026-04", "privatemarker", "draftmarker"]
    forbidden += ["Pangolin dance", "pangolin", "secretprivate", "secretdraft", "Zebracorn"]
    for name, data in files.items():
        text = (name + "\n" + data.decode("utf-8", "replace")).lower()
        for word in forbidden:
            assert word.lower() not in text, f"{word!r} leaks in {name}"
    # only generic files besides the opaque pages
    assert {n for n in files if not n.startswith("p/")} == {
        "index.html",
        "404.html",
        "robots.txt",
        ".nojekyll",
        ".journal-site",
        "assets/style.css",
        "assets/unlock.js",
        "assets/search.js",
    }
    pages = [n for n in files if n.startswith("p/") and n.endswith(".html")]
    assert pages and all(re.fullmatch(r"p/[0-9a-f]{24}\.html", n) for n in pages)
    # the search index: one sealed object, no plain index, feed or sitemap
    sealed = [n for n in files if n.startswith("p/") and not n.endswith(".html")]
    assert len(sealed) == 1 and re.fullmatch(r"p/[0-9a-f]{24}\.js", sealed[0])
    assert files["robots.txt"] == b"User-agent: *\nDisallow: /\n"
    titles = {
        re.search(rb"<title>(.*?)</title>", files[n]).group(1) for n in [*pages, "index.html"]
    }
    assert titles == {b"Private journal"}
    for n in [*pages, "index.html"]:
        assert b'name="robots" content="noindex' in files[n]
        assert b'name="referrer" content="no-referrer"' in files[n]
        assert b'name="description"' not in files[n] and b"og:" not in files[n]


def test_sealed_pages_hold_the_site_without_private_and_draft_entries(tmp_path):
    _root, out, ring = make_site(tmp_path)
    pages = opened(out, ring)
    everything = "\n".join(pages.values())
    assert "Quokkafish went well" in everything and "wombatlesson matters" in everything
    assert "Privatemarker" not in everything and "Draftmarker" not in everything
    home = pages["index.html"]
    assert "Zebracorn again" in home and 'id="journal-lock"' in home
    # links inside a sealed page point at other sealed pages, relative to it
    links = set(re.findall(r'href="(p/[0-9a-f]{24}\.html)"', home))
    assert links and all(link in pages for link in links)


def test_republishing_changes_only_what_changed(tmp_path):
    root, out, ring = make_site(tmp_path)
    before = files_of(out)
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    assert files_of(out) == before  # same journal: byte-identical, nonces and all
    path = root / "entries" / "2026" / "2026-04-02-kumquat-again.md"
    path.write_text(path.read_text().replace("Quokkafish again.", "Quokkafish once more."))
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    after = files_of(out)
    changed = {n for n in after if after[n] != before.get(n)}
    # the entry's own page plus the lists showing its snippet... but not every page
    assert changed and len(changed) < len([n for n in after if n.endswith(".html")]) - 1
    keys = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    shown = [n for n in changed if b"once more" in keys.open(n, payload(after[n]))]
    assert shown, "the edited text is in a changed page"


def test_cli_wrong_passphrase_is_refused_and_leaves_the_site(tmp_path, monkeypatch, capsys):
    root, out, _ring = make_site(tmp_path)
    before = files_of(out)
    monkeypatch.setenv("JOURNAL_PASSPHRASE", "not the passphrase")
    assert main(["publish", "--root", str(root), "--out", str(out), "--today", TODAY]) == 1
    assert "wrong passphrase" in capsys.readouterr().err
    assert files_of(out) == before


def test_cli_creates_a_keyring_once_and_passphrase_rewraps_it(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES)
    out = tmp_path / "public"
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    args = ["publish", "--root", str(root), "--out", str(out), "--today", TODAY]
    assert main(args) == 0
    assert "created" in capsys.readouterr().out
    ring = Keyring.from_json((root / "journal.keyring.json").read_text())
    names = sorted(n for n in files_of(out) if n.startswith("p/"))
    monkeypatch.setenv("JOURNAL_NEW_PASSPHRASE", "six random words are better")
    assert main(["passphrase", "--root", str(root)]) == 0
    assert main(args) == 1  # the old passphrase no longer opens the keyring
    monkeypatch.setenv("JOURNAL_PASSPHRASE", "six random words are better")
    assert main(args) == 0
    assert sorted(n for n in files_of(out) if n.startswith("p/")) == names  # same names
    new = Keyring.from_json((root / "journal.keyring.json").read_text())
    assert new.build == ring.build and new.wrapped != ring.wrapped
    keys = SiteKeys.derive(crypto.unwrap(new, "six random words are better"), new.build)
    home = keys.open("index.html", payload((out / "index.html").read_bytes())).decode()
    assert "Zebracorn again" in home


def test_cli_public_warns_and_leaves_out_private_entries(tmp_path, capsys):
    root = write_journal(tmp_path / "j", FILES)
    out = tmp_path / "public"
    assert main(["publish", "--public", "--root", str(root), "--out", str(out)]) == 0
    assert "WITHOUT encryption" in capsys.readouterr().err
    text = "\n".join(d.decode() for n, d in files_of(out).items() if n.endswith(".html"))
    assert "Quokkafish went well" in text
    assert "Privatemarker" not in text and "Draftmarker" not in text


def test_git_deploy_to_a_local_bare_repository(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES)
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", str(bare)], check=True)
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    args = ["publish", "--root", str(root), "--out", str(root / "public"), "--today", TODAY]
    assert main([*args, "--git", "gh-pages"]) == 0
    assert "pushed it to origin" in capsys.readouterr().out
    listed = subprocess.run(
        ["git", "-C", str(bare), "ls-tree", "-r", "--name-only", "gh-pages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    published = sorted(n for n in files_of(root / "public") if n != ".journal-site")
    assert sorted(listed) == published  # the published folder is the branch's only content
    # the user's own branch and index are untouched
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True
    ).stdout
    assert "public/" in status or "?? " in status  # still untracked, nothing staged
    assert not subprocess.run(
        ["git", "-C", str(root), "diff", "--cached", "--name-only"], capture_output=True, text=True
    ).stdout.strip()
    # publishing the same journal again adds no commit
    assert main([*args, "--git", "gh-pages"]) == 0
    count = subprocess.run(
        ["git", "-C", str(bare), "rev-list", "--count", "gh-pages"], capture_output=True, text=True
    ).stdout.strip()
    assert count == "1"


# --- in the browser ---------------------------------------------------------------------------


@pytest.fixture
def http_root(tmp_path):
    """Serve a folder over HTTP on 127.0.0.1; yields (folder, base URL)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, server.server_address[1]
    server.shutdown()
    server.server_close()


def unlock(page, passphrase: str = PASS) -> None:
    page.fill("#journal-passphrase", passphrase)
    page.click("text=Unlock")


def test_browser_unlocks_navigates_and_locks(tmp_path, page):
    _root, out, _ring = make_site(tmp_path)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "index.html").as_uri())
    assert page.title() == "Private journal"
    unlock(page)
    page.wait_for_selector("#journal-lock")
    assert "Zebracorn again" in page.inner_text("main")
    # the charts came along: the home page's heatmap, drawn with the site's stylesheet
    assert page.eval_on_selector_all("svg.chart rect", "r => r.length") > 300
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).display") == "flex"
    stored = page.evaluate("Object.keys(sessionStorage)")
    assert len(stored) == 1 and stored[0].startswith("evidence-journal:")
    assert PASS not in page.evaluate("JSON.stringify(sessionStorage)")
    page.click("text=Zebracorn stumble >> nth=0")
    page.wait_for_selector("#journal-lock")  # a new shell, opened without asking
    assert page.inner_text("h1") == "Zebracorn stumble"
    assert "wombatlesson matters" in page.inner_text("main")
    assert re.search(r"/p/[0-9a-f]{24}\.html$", page.url)
    page.click("a[rel=next]")
    page.wait_for_selector("#journal-lock")
    assert page.inner_text("h1") == "Zebracorn again"
    # search: the sealed index is opened in memory, the results link to sealed pages
    page.fill("#site-search-q", "wombatlesson")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    found = page.eval_on_selector_all("#search-results li > a", "a => a.map(e => e.textContent)")
    assert found == ["Zebracorn stumble"]
    page.fill("#search-q", "quokkafish")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 3")
    assert page.evaluate("journalSearch('body')") == []  # the private entry's word
    assert page.evaluate("journalSearch('privatemarker')") == []
    page.click("#search-results li > a >> text=Zebracorn again")
    page.wait_for_selector("#journal-lock")
    assert page.inner_text("h1") == "Zebracorn again"
    page.click("#journal-lock")
    page.wait_for_selector("#journal-passphrase")
    assert page.evaluate("Object.keys(sessionStorage).length") == 0
    assert all(r.startswith("file://") for r in requests)


def test_browser_wrong_passphrase_stores_nothing(tmp_path, page):
    _root, out, _ring = make_site(tmp_path)
    page.goto((out / "index.html").as_uri())
    unlock(page, "not the passphrase")
    page.wait_for_function(
        "document.getElementById('journal-message').textContent.includes('Wrong passphrase')"
    )
    assert page.evaluate("sessionStorage.length") == 0
    assert page.is_visible("#journal-passphrase")


def test_browser_over_http_remembers_on_this_device(tmp_path, browser, http_root):
    _root, out, _ring = make_site(tmp_path)
    folder, port = http_root
    import shutil

    shutil.copytree(out, folder / "journal")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{port}/journal/")
    page.fill("#journal-passphrase", PASS)
    page.check("#journal-remember")
    page.click("text=Unlock")
    page.wait_for_selector("#journal-lock")
    # a new tab has an empty sessionStorage: only the device key (IndexedDB) can open it
    other = context.new_page()
    other.goto(f"http://127.0.0.1:{port}/journal/index.html")
    other.wait_for_selector("#journal-lock")
    assert "Zebracorn again" in other.inner_text("main")
    other.click("#journal-lock")
    other.wait_for_selector("#journal-passphrase")
    third = context.new_page()
    third.goto(f"http://127.0.0.1:{port}/journal/")
    third.wait_for_selector("#journal-passphrase")  # forgotten everywhere
    context.close()


def test_browser_refuses_tampered_and_moved_blobs(tmp_path, page):
    _root, out, _ring = make_site(tmp_path)
    pages = sorted(n for n in files_of(out) if n.startswith("p/") and n.endswith(".html"))
    a, b = out / pages[0], out / pages[1]
    blob_a = re.search(rb'id="journal-payload">([^<]+)<', a.read_bytes()).group(1)
    blob_b = re.search(rb'id="journal-payload">([^<]+)<', b.read_bytes()).group(1)
    b.write_bytes(b.read_bytes().replace(blob_b, blob_a))  # a's blob moved into b's shell
    raw = bytearray(base64.b64decode(blob_a))
    raw[40] ^= 1
    a.write_bytes(a.read_bytes().replace(blob_a, base64.b64encode(bytes(raw))))
    page.goto((out / "index.html").as_uri())
    unlock(page)
    page.wait_for_selector("#journal-lock")
    for shell in (a, b):
        page.goto(shell.as_uri())
        page.wait_for_selector("#journal-insecure:not([hidden])")
        assert "could not be decrypted" in page.inner_text("#journal-insecure")


def test_browser_on_plain_http_says_https_is_needed(tmp_path, playwright_instance, http_root):
    _root, out, _ring = make_site(tmp_path)
    folder, port = http_root
    import shutil

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
