"""Another origin against the preview, in a real Chromium (issue 22).

An attacker page is served for real from another port of 127.0.0.1 (the same site: ports do
not make sites) and from evil.test (another site, mapped to 127.0.0.1). It loads the preview's
search files as classic scripts, fetches them with and without CORS, embeds an image and a
page, and opens the event stream. It must read nothing; the preview itself, opened at
127.0.0.1 and localhost, must keep working: styles, search of a private entry, live reload.
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import journal.serve as serve
from journal.build import Options
from journal.serve import PreviewServer
from tests.chromium import launch
from tests.conftest import entry

TODAY = date(2026, 11, 22)
SECRET = "Secret zebra plan"
ATTACKER_HOST = "evil.test"


def png(width: int, height: int) -> bytes:
    """A blank PNG: an image whose size a page on another origin could read, were it let in."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def requests_seen(monkeypatch) -> list[tuple[str, int, str | None]]:
    """(path, status, Sec-Fetch-Site) of every response the preview sends: what reached it."""
    seen: list[tuple[str, int, str | None]] = []
    make_handler = serve.make_handler

    def recording(*args, **kwargs):
        class Recording(make_handler(*args, **kwargs)):
            def log_request(self, code="-", size="-"):  # noqa: ANN001
                seen.append((self.path, int(code), self.headers.get("Sec-Fetch-Site")))

        return Recording

    monkeypatch.setattr(serve, "make_handler", recording)
    return seen


@pytest.fixture
def preview(make_journal, requests_seen):
    root = make_journal(
        {
            "2026-11-01-plan.md": entry(
                "2026-11-01", title=SECRET, private="true", body="Hidden quokka words."
            ),
            "2026-11-02-draft.md": entry("2026-11-02", title="Unfinished draft", draft="true"),
        }
    )
    (root / "static").mkdir()
    (root / "static" / "photo.png").write_bytes(png(37, 23))
    srv = PreviewServer(root, port=0, options=Options(today=TODAY)).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def chromium(playwright_instance):
    """Chromium that resolves evil.test to 127.0.0.1, so a page of another site is real."""
    browser = launch(playwright_instance, [f"--host-resolver-rules=MAP {ATTACKER_HOST} 127.0.0.1"])
    yield browser
    browser.close()


ATTACK = """<!doctype html><meta charset="utf-8"><title>Attacker</title>
<script>
const P = %(target)s, FILES = %(files)s;
const within = (p) => Promise.race([p, new Promise(r => setTimeout(() => r("timeout"), 10000))]);
function script(path) {
  return within(new Promise(r => { const s = document.createElement("script");
    s.onload = () => r("load"); s.onerror = () => r("error"); s.src = P + path;
    document.head.appendChild(s); }));
}
function image(path) {
  return within(new Promise(r => { const i = new Image();
    i.onload = () => r("load " + i.naturalWidth + "x" + i.naturalHeight);
    i.onerror = () => r("error"); i.src = P + path; document.body.appendChild(i); }));
}
function frame(path) {
  return within(new Promise(r => { const f = document.createElement("iframe");
    f.onload = () => r("load"); f.src = P + path; document.body.appendChild(f); }));
}
function read(path, mode) {
  return within(fetch(P + path, {mode: mode}).then(
    resp => resp.text().then(t => resp.type + " " + resp.status + " " + t),
    err => "error " + err.name));
}
function events() {
  return within(new Promise(r => { const es = new EventSource(P + "__journal/events");
    es.onmessage = e => { es.close(); r("message " + e.data); };
    es.onerror = () => { es.close(); r("error"); }; }));
}
window.done = (async () => {
  const out = {};
  for (const f of FILES) out["script " + f] = await script(f);
  out["no-cors fetch"] = await read("search-index.js", "no-cors");
  out["cors fetch"] = await read("search-index.js", "cors");
  out["cors fetch of a page"] = await read("entries/2026-11-01-plan.html", "cors");
  out.image = await image("photo.png");
  out.iframe = await frame("entries/2026-11-01-plan.html");
  out.events = await events();
  out.global = typeof window.__journalSearch === "undefined"
    ? "undefined" : JSON.stringify(window.__journalSearch);
  return out;
})();
</script>
"""


class Attacker:
    """Another origin, served for real on its own port of 127.0.0.1: one page, at /."""

    def __init__(self, page: bytes):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Attacker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def search_files(srv: PreviewServer) -> list[str]:
    """The search files of the site the preview serves (from memory), by their names."""
    names = [p for p in srv.preview.files if p.startswith("search/") and p.endswith(".js")]
    assert any(n.startswith("search/d-") for n in names) and any("/w-" in n for n in names)
    return ["search-index.js", *sorted(names)]


def attack(chromium, srv: PreviewServer, attacker_host: str) -> tuple[dict, str]:
    """Run the attacker page; what it could read, and all the text of it and its frames."""
    files = search_files(srv)
    target = f"http://127.0.0.1:{srv.httpd.server_address[1]}/"
    html = ATTACK % {"target": json.dumps(target), "files": json.dumps(files)}
    with Attacker(html.encode()) as attacker:
        context = chromium.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(f"http://{attacker_host}:{attacker.port}/")
            out = page.evaluate("window.done")
            seen = "\n".join(frame.content() for frame in page.frames)
        finally:
            context.close()
    assert len(out) == len(files) + 7, out
    return out, seen


@pytest.mark.parametrize("attacker_host", ["127.0.0.1", ATTACKER_HOST])
def test_a_page_of_another_origin_reads_nothing(chromium, preview, requests_seen, attacker_host):
    out, seen = attack(chromium, preview, attacker_host)
    everything = json.dumps(out) + seen
    assert SECRET not in everything and "quokka" not in everything
    assert "Unfinished draft" not in everything
    assert out["global"] == "undefined"  # the search scripts never ran
    assert [k for k, v in out.items() if k.startswith("script ") and v != "error"] == []
    # no-cors: the response is refused outright, not even an opaque one comes back
    assert out["no-cors fetch"] == "error TypeError"
    assert out["cors fetch"] == "error TypeError"
    assert out["cors fetch of a page"] == "error TypeError"
    assert out["image"] == "error"  # not even its size
    assert out["iframe"] == "load"  # a frame, but an empty one (checked in `seen` above)
    assert out["events"] == "error"
    # and every request that reached the preview (all from that page) was refused
    expected_site = "same-site" if attacker_host == "127.0.0.1" else "cross-site"
    assert {site for _, _, site in requests_seen} == {expected_site}
    assert len(requests_seen) >= len(out) - 1, requests_seen  # one per probe at least
    assert {status for _, status, _ in requests_seen} == {403}, requests_seen
    paths = {path for path, _, _ in requests_seen}
    assert {"/photo.png", "/entries/2026-11-01-plan.html", "/__journal/events"} <= paths


def test_without_fetch_metadata_the_response_headers_keep_everything_out(
    chromium, preview, requests_seen, monkeypatch
):
    """As in a browser that sends no Sec-Fetch-Site: the preview answers the script, image
    and frame requests (they carry no Origin either); Cross-Origin-Resource-Policy:
    same-origin is what stops Chromium from running the scripts or showing the image, and
    frame-ancestors 'self' from showing the entry inside the other page."""
    monkeypatch.setattr(serve, "fetch_site_ok", lambda value: True, raising=False)
    out, seen = attack(chromium, preview, "127.0.0.1")
    assert SECRET not in json.dumps(out) + seen and "quokka" not in seen
    assert out["global"] == "undefined"
    assert [k for k, v in out.items() if k.startswith("script ") and v != "error"] == []
    assert out["no-cors fetch"] == "error TypeError" and out["image"] == "error"
    answered = {path for path, status, _ in requests_seen if status == 200}
    assert {"/search-index.js", "/photo.png", "/entries/2026-11-01-plan.html"} <= answered


def stream_message(page) -> str:
    """The first message of the event stream, opened from the page: the stream connects."""
    return page.evaluate(
        """() => new Promise(resolve => {
          const es = new EventSource("/__journal/events");
          const timer = setTimeout(() => { es.close(); resolve("timeout"); }, 10000);
          es.onmessage = e => { clearTimeout(timer); es.close(); resolve(e.data); };
        })"""
    )


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_the_preview_still_works_at_its_own_addresses(chromium, preview, name):
    port = preview.httpd.server_address[1]
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"http://{name}:{port}/search.html?q=zebra")  # typed: Sec-Fetch-Site none
        page.wait_for_selector("#search-results li")
        titles = page.eval_on_selector_all(
            "#search-results li > a", "e => e.map(a => a.textContent)"
        )
        assert titles == [SECRET]
        accent = "getComputedStyle(document.documentElement).getPropertyValue('--accent')"
        assert page.evaluate(accent).strip()  # the stylesheet loaded and applies
        assert json.loads(stream_message(page))["build"] == preview.preview.build_id
        # a click inside the preview, then live reload through the page's own event stream
        page.click("#search-results li > a")
        page.wait_for_selector("text=Hidden quokka words.")
        entry_file = preview.preview.root / "entries" / "2026-11-01-plan.md"
        text = entry_file.read_text(encoding="utf-8")
        entry_file.write_text(text.replace("Hidden quokka", "Reloaded quokka"), encoding="utf-8")
        page.wait_for_selector("text=Reloaded quokka words.")
        assert page.url == f"http://{name}:{port}/entries/2026-11-01-plan.html"
    finally:
        context.close()
