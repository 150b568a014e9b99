"""journal serve, started for real on 127.0.0.1: the HTTP side, the watcher, and a real Chromium."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options
from journal.serve import PreviewServer, is_noise
from tests.conftest import entry

TODAY = date(2026, 11, 22)
LONG_BODY = "\n\n".join(
    f"Paragraph {i} of a long entry, to make the page scroll." for i in range(120)
)


def wait_for(condition, timeout: float = 15.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.fixture
def server(make_journal, tmp_path):
    root = make_journal(
        {
            "2026-11-01-talk.md": entry(
                "2026-11-01", "win", "speaking", title="The talk", body="Original text."
            ),
            "2026-11-02-long.md": entry(
                "2026-11-02", "win", "speaking", title="Long one", body=LONG_BODY
            ),
            "2026-11-03-other.md": entry(
                "2026-11-03", "setback", "speaking", title="Other", lesson="x", draft="true"
            ),
        }
    )
    srv = PreviewServer(root, port=0, options=Options(today=TODAY)).start()
    yield srv
    srv.stop()


def get(srv: PreviewServer, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    host, port = srv.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request(method, path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


def rewrite(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


# --- HTTP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        "/../journal.toml",
        "/%2e%2e/journal.toml",
        "/entries/..%2f..%2fjournal.toml",
        "/%2e%2e%2fjournal.toml",
        "//etc/passwd",
        "/..%5c..%5cjournal.toml",
        "/index.html%00.css",
    ],
)
def test_traversal_attempts_get_404(server, attempt):
    status, _, body = get(server, attempt)
    assert status == 404
    assert b"[streaks]" not in body and b"root:" not in body


def test_symlink_pointing_outside_gets_404(server, tmp_path):
    """The preview serves its site from memory: a link placed in the output folder or
    beside the entries is never read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve")
    server.out.mkdir(exist_ok=True)
    os.symlink(secret, server.out / "leak.txt")
    os.symlink(secret, server.preview.root / "entries" / "leak.txt")
    for path in ("/leak.txt", "/entries/leak.txt", "/site/leak.txt"):
        status, _, body = get(server, path)
        assert status == 404 and b"do not serve" not in body


def test_unknown_path_is_404_with_the_404_page(server):
    status, headers, body = get(server, "/no/such/page.html")
    assert status == 404
    assert b"There is no page here" in body
    assert headers["Cache-Control"] == "no-store"


def test_content_types_head_and_no_store(server):
    status, headers, body = get(server, "/index.html")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    status, headers, body = get(server, "/assets/style.css")
    assert headers["Content-Type"] == "text/css; charset=utf-8" and body
    status, headers, body = get(server, "/index.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert get(server, "/")[2] == get(server, "/index.html")[2]  # a folder serves its index


def test_reload_script_is_served_but_never_written(server):
    """The site is held in memory: served with the reload script, kept without it, and
    nothing is written where `journal build` puts its site."""
    _, _, served = get(server, "/entries/2026-11-01-talk.html")
    kept = server.preview.files["entries/2026-11-01-talk.html"]
    assert b"/__journal/events" in served
    assert b"/__journal/events" not in kept and b"Original text." in kept
    assert not server.out.exists()


def test_drafts_are_shown_and_marked(server):
    _, _, body = get(server, "/entries/2026-11-03-other.html")
    assert b'<span class="badge draft">Draft</span>' in body


def test_a_burst_of_writes_ends_with_the_last_one_served(server):
    """A save starts an update at once; saves made during one are taken by the next, so
    a burst costs fewer updates than saves and the last save is what is served."""
    entries = server.preview.root / "entries"
    before = server.preview.rebuilds
    names = ("2026-11-01-talk.md", "2026-11-02-long.md", "2026-11-03-other.md")
    for i in range(5):
        for name in names:
            (entries / name).write_text((entries / name).read_text() + f"\nEdit {i}.\n")
    for name in names:
        page = "/entries/" + name.replace(".md", ".html")
        assert wait_for(lambda page=page: b"Edit 4." in get(server, page)[2])
    time.sleep(0.5)
    assert before < server.preview.rebuilds <= before + 15
    assert server.preview.error is None


def test_swap_and_backup_files_alone_trigger_nothing(server):
    entries = server.preview.root / "entries"
    before = server.preview.rebuilds
    for name in (".2026-11-01-talk.md.swp", "2026-11-01-talk.md~", "4913", ".#talk.md"):
        (entries / name).write_text("scratch")
    time.sleep(1.5)
    assert server.preview.rebuilds == before
    assert is_noise("x.md.swp") and is_noise("x.md~") and not is_noise("x.md")


# --- in a real browser -----------------------------------------------------------------------


def test_live_reload_overlay_and_atomic_save_in_chromium(server, page):
    entry_file = server.preview.root / "entries" / "2026-11-01-talk.md"
    page.goto(server.url + "entries/2026-11-01-talk.html")
    page.wait_for_selector("text=Original text.")

    # 1. change the text on disk: the open page shows it without any action
    rewrite(entry_file, "Original text.", "Edited on disk.")
    page.wait_for_selector("text=Edited on disk.")

    # 2. break the frontmatter: the overlay shows the path and line
    good = entry_file.read_text()
    entry_file.write_text(good.replace("kind: win", "kind: victory"))
    overlay = page.wait_for_selector("#journal-error-overlay")
    assert "entries/2026-11-01-talk.md:3: kind is 'victory' (expected win or setback)" in (
        overlay.inner_text()
    )
    assert page.is_visible("text=Edited on disk.")  # the last good page is still there

    # a page opened while the error stands shows the overlay too
    other = page.context.new_page()
    other.goto(server.url + "index.html")
    other.wait_for_selector("#journal-error-overlay")
    other.close()

    # 3. fix it: the overlay goes and the fixed page shows
    entry_file.write_text(good.replace("Edited on disk.", "Fixed again."))
    page.wait_for_selector("text=Fixed again.")
    page.wait_for_selector("#journal-error-overlay", state="detached")

    # 4. save through a temp file and a rename, as many editors do
    tmp = entry_file.with_name(".2026-11-01-talk.md.swp")
    tmp.write_text(good.replace("Edited on disk.", "Saved atomically."))
    os.replace(tmp, entry_file)
    page.wait_for_selector("text=Saved atomically.")


def test_reload_keeps_scroll_position(server, page):
    entry_file = server.preview.root / "entries" / "2026-11-02-long.md"
    page.goto(server.url + "entries/2026-11-02-long.html")
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_function("window.scrollY >= 1400")
    rewrite(entry_file, "Paragraph 119", "Paragraph one-hundred-nineteen")
    page.wait_for_selector("text=one-hundred-nineteen")
    page.wait_for_function("window.scrollY >= 1400")


def test_page_reconnects_after_a_server_restart(make_journal, page):
    root = make_journal({"a.md": entry("2026-11-01", title="Before restart", body="One.")})
    first = PreviewServer(root, port=0, options=Options(today=TODAY)).start()
    port = first.httpd.server_address[1]
    page.goto(first.url + "entries/a.html")
    page.wait_for_selector("text=One.")
    first.stop()
    rewrite(root / "entries" / "a.md", "One.", "Two.")
    second = PreviewServer(root, port=port, options=Options(today=TODAY)).start()
    try:
        page.wait_for_selector("text=Two.")  # reconnected, saw a new build, reloaded
    finally:
        second.stop()


def serve_process(root: Path, *args: str) -> subprocess.Popen:
    """`journal serve` as a user runs it, in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "journal", "serve", "--port", "0", "--root", str(root), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_ctrl_c_stops_cleanly(make_journal):
    proc = serve_process(make_journal({"a.md": entry("2026-11-01")}), "--today", "2026-11-22")
    try:
        line = proc.stdout.readline()
        while "Serving" not in line and line:
            line = proc.stdout.readline()
        assert "Serving" in line and "127.0.0.1" in line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err and "Stopped the preview." in out


def test_other_host_prints_a_warning(make_journal):
    proc = serve_process(make_journal({"a.md": entry("2026-11-01")}), "--host", "0.0.0.0")
    try:
        first = proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert first.startswith("WARNING: serving on 0.0.0.0")


# --- what the watcher sees ---------------------------------------------------------------------


def test_an_entry_whose_name_starts_with_hash_is_watched(server):
    before = server.preview.rebuilds
    (server.preview.root / "entries" / "#1-first.md").write_text(
        entry("2026-11-04", "win", "speaking", title="Hash named")
    )
    assert wait_for(lambda: server.preview.rebuilds > before)
    status, _, body = get(server, "/entries/%231-first.html")
    assert status == 200 and b"Hash named" in body


def test_entries_as_a_symlink_are_watched(make_journal, tmp_path):
    elsewhere = tmp_path / "synced" / "entries"
    elsewhere.mkdir(parents=True)
    (elsewhere / "a.md").write_text(entry("2026-11-01", title="Linked in"))
    root = tmp_path / "linked"
    root.mkdir()
    (root / "entries").symlink_to(elsewhere, target_is_directory=True)
    srv = PreviewServer(root, port=0, options=Options(today=TODAY)).start()
    try:
        before = srv.preview.rebuilds
        (elsewhere / "a.md").write_text(entry("2026-11-01", title="Changed far away"))
        assert wait_for(lambda: srv.preview.rebuilds > before)
        assert b"Changed far away" in get(srv, "/entries/a.html")[2]
    finally:
        srv.stop()


def test_warnings_print_on_every_rebuild_that_has_them(server, capsys):
    entries = server.preview.root / "entries"
    before = server.preview.rebuilds
    (entries / "2026-11-05-typo.md").write_text(entry("2026-11-05", "win", "speaking", confidnce=5))
    assert wait_for(lambda: server.preview.rebuilds > before)
    out = capsys.readouterr().out
    assert "entries/2026-11-05-typo.md:5: unknown key `confidnce`" in out
    assert "did you mean `confidence`?" in out
    assert "confidnce" in server.preview.state()  # and the browser is told


def test_warning_banner_and_dismissible_overlay_in_chromium(server, page):
    entry_file = server.preview.root / "entries" / "2026-11-01-talk.md"
    page.goto(server.url + "entries/2026-11-01-talk.html")
    page.wait_for_selector("text=Original text.")
    # a typo'd key: the site builds, and the page says so in a banner
    good = entry_file.read_text()
    entry_file.write_text(good.replace("kind: win", "kind: win\nconfidnce: 4"))
    banner = page.wait_for_selector("#journal-warnings")
    assert "unknown key `confidnce`" in banner.inner_text()
    assert "did you mean `confidence`?" in banner.inner_text()
    page.click("#journal-warnings button")
    page.wait_for_selector("#journal-warnings", state="detached")
    page.reload()  # dismissed stays dismissed while the warning is the same
    page.wait_for_selector("text=Original text.")
    page.wait_for_timeout(300)
    assert page.query_selector("#journal-warnings") is None
    # an error: the overlay shows it over the last good page, which stays readable
    entry_file.write_text(good.replace("kind: win", "kind: victory"))
    overlay = page.wait_for_selector("#journal-error-overlay")
    assert "kind is 'victory'" in overlay.inner_text()
    box = overlay.bounding_box()
    viewport = page.viewport_size
    assert box["height"] < viewport["height"] / 2  # the page beneath is not hidden
    assert page.is_visible("text=The talk")
    page.click("#journal-error-overlay button")
    page.wait_for_selector("#journal-error-overlay", state="detached")
    entry_file.write_text(good)
    page.wait_for_selector("text=Original text.")


def test_overlay_follows_the_colour_scheme(server, browser):
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        entry_file = server.preview.root / "entries" / "2026-11-01-talk.md"
        good = entry_file.read_text()
        page.goto(server.url + "entries/2026-11-01-talk.html")
        page.wait_for_selector("text=Original text.")
        entry_file.write_text(good.replace("kind: win", "kind: victory"))
        page.wait_for_selector("#journal-error-overlay")
        background = page.eval_on_selector(
            "#journal-error-overlay", "el => getComputedStyle(el).backgroundColor"
        )
        red, green, blue = (int(x) for x in background[4:-1].split(",")[:3])
        assert red + green + blue < 3 * 80, background  # dark, not the light box
        entry_file.write_text(good)
    finally:
        context.close()
