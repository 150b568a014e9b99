"""The built sample site in a real Chromium: from file:// and from a sub-path over HTTP."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "site"
    build(REPO, out, Options(today=date(2026, 11, 22)))
    return out


def click_through(page, start: str) -> None:
    page.goto(start)
    assert page.title() == "Sam's evidence journal"
    # the stylesheet loaded: the header is laid out as flex by style.css
    assert page.eval_on_selector(".site-header", "e => getComputedStyle(e).display") == "flex"
    page.click("text=Running >> nth=0")
    assert page.inner_text("h1") == "Running"
    page.click("text=10k for the first time >> nth=0")
    assert page.inner_text("h1") == "10k for the first time"
    page.click("a[rel=prev]")
    assert page.inner_text("h1") != "10k for the first time"
    page.click("text=Failure log")
    assert page.inner_text("h1") == "Failure log"
    page.click("text=Archive")
    page.click("text=November 2026")
    assert page.inner_text("h1") == "November 2026"


def test_sample_site_from_file_url(sample_site, page):
    click_through(page, (sample_site / "index.html").as_uri())


def test_sample_site_from_a_sub_path(sample_site, page, tmp_path):
    docroot = tmp_path / "www"
    shutil.copytree(sample_site, docroot / "journal")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        click_through(page, f"http://127.0.0.1:{server.server_address[1]}/journal/")
    finally:
        server.shutdown()
        server.server_close()
    assert requests and all(u.startswith("http://127.0.0.1:") for u in requests)
    assert all("/journal/" in u for u in requests)
