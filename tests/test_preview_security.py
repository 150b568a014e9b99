"""The preview against a hostile web: other Host names, requests from other web pages
(Sec-Fetch-Site, Origin, the headers on every response), idle and half-sent connections,
clients that leave mid-response, bursts of connections. A real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import journal.serve as serve
from journal.build import Options
from journal.serve import PreviewServer, host_name
from tests.chromium import launch
from tests.conftest import entry


@pytest.fixture
def server(make_journal, monkeypatch):
    monkeypatch.setattr(serve, "REQUEST_TIMEOUT", 1.0)  # the real one is 5 s; same code path
    big = "Long body. " * 20000  # a page of ~250 KB, to leave in the middle of
    root = make_journal({"a.md": entry("2026-11-01", body=big, title="Secret setback")})
    srv = PreviewServer(root, port=0, options=Options()).start()
    yield srv
    srv.stop()


def request(srv, path: str, host: str | None) -> tuple[int, bytes]:
    port = srv.httpd.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read(2000)
    conn.close()
    return resp.status, body


@pytest.mark.parametrize("path", ["/", "/entries/a.html", "/__journal/events"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_another_host_name_is_refused_for_pages_and_events(server, path, host):
    status, body = request(server, path, host)
    assert status == 403
    assert b"Secret setback" not in body and b"data:" not in body
    assert body.count(b"\n") == 1 and b"answers only requests for" in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]:9", None])
def test_loopback_names_are_answered_and_a_missing_host_is_not(server, host):
    port = server.httpd.server_address[1]
    status, body = request(
        server, "/entries/a.html", f"{host}:{port}" if host == "127.0.0.1" else host
    )
    if host is None:
        assert status == 403
    else:
        assert status == 200 and b"Secret setback" in body


def test_host_names_are_parsed_strictly():
    assert host_name("Localhost:8000") == "localhost"
    assert host_name("[::1]:8000") == "[::1]"
    assert host_name("127.0.0.1:x") is None and host_name("") is None and host_name("[::1") is None
    # only `:port` may follow a bracketed address
    assert host_name("[::1]evil.test") is None and host_name("[::1].evil.test:80") is None
    assert host_name("[::1]:") is None and host_name("[::1]:80x") is None


def exchange(
    srv, path: str, headers: dict[str, str], method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request with these headers (Host: 127.0.0.1:PORT unless given); of an event stream
    only its first line is read."""
    port = srv.httpd.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=True)
    for name, value in {"Host": f"127.0.0.1:{port}", **headers}.items():
        conn.putheader(name, value)
    conn.endheaders()
    resp = conn.getresponse()
    streaming = resp.getheader("Content-Type") == "text/event-stream"
    body = resp.readline() if streaming else resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), body


FILES = ["/", "/entries/a.html", "/search-index.js", "/search/d-0.js", "/__journal/events"]


@pytest.mark.parametrize("site", ["cross-site", "same-site", "Cross-Site", "bogus"])
def test_a_request_from_another_web_page_is_refused(server, site):
    """Sec-Fetch-Site same-site is refused too: a page on another port of 127.0.0.1 is one."""
    for path in FILES:
        status, headers, body = exchange(server, path, {"Sec-Fetch-Site": site})
        assert status == 403 and headers["Content-Type"] == "text/plain; charset=utf-8", path
        assert b"Secret setback" not in body and b"__journalSearch" not in body
        assert body.count(b"\n") == 1 and f"Sec-Fetch-Site: {site} was refused".encode() in body
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("site", ["same-origin", "none", None])
def test_the_preview_s_own_pages_and_typed_addresses_are_answered(server, site):
    for path in FILES:
        status, headers, body = exchange(server, path, {"Sec-Fetch-Site": site} if site else {})
        assert status == 200, path
        assert b"Secret setback" in body or b"__journalSearch" in body or body == b"retry: 500\n"
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_an_origin_other_than_the_preview_s_own_is_refused(server):
    port = server.httpd.server_address[1]
    for origin in (
        f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}",  # another port
        "null",  # a sandboxed frame, a file:// page
        f"http://localhost:{port}",  # the request went to 127.0.0.1
        f"https://127.0.0.1:{port}",
        "http://127.0.0.1",
        "http://evil.example",
    ):
        for path in ("/search-index.js", "/__journal/events"):
            status, headers, body = exchange(server, path, {"Origin": origin})
            assert status == 403, (origin, path)
            assert f"Origin: {origin} was refused".encode() in body
            assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    # its own origin, as the request names it, is fine, also with Sec-Fetch-Site
    status, _, _ = exchange(server, "/search-index.js", {"Origin": f"http://127.0.0.1:{port}"})
    assert status == 200
    own = {"Host": f"LocalHost:{port}", "Origin": f"http://localhost:{port}"}
    status, _, _ = exchange(server, "/", {**own, "Sec-Fetch-Site": "same-origin"})
    assert status == 200


def test_every_response_carries_the_cross_origin_headers(server):
    """Pages, scripts, HEAD, 404, each kind of 403, the event stream, an unsupported method."""
    for path, headers, method, expected in [
        ("/entries/a.html", {}, "GET", 200),
        ("/search-index.js", {}, "HEAD", 200),
        ("/no/such/page.html", {}, "GET", 404),
        ("/", {"Host": "evil.example"}, "GET", 403),
        ("/", {"Sec-Fetch-Site": "cross-site"}, "HEAD", 403),
        ("/", {"Origin": "null"}, "GET", 403),
        ("/__journal/events", {}, "GET", 200),
        ("/__journal/events", {"Sec-Fetch-Site": "same-site"}, "GET", 403),
        ("/", {}, "POST", 501),
    ]:
        status, got, _ = exchange(server, path, headers, method)
        assert status == expected, (path, headers, method)
        assert got["Cross-Origin-Resource-Policy"] == "same-origin", (path, headers, method)
        assert got["X-Content-Type-Options"] == "nosniff"
        assert got["Content-Security-Policy"] == "frame-ancestors 'self'"


def connection_closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


@pytest.mark.parametrize("sent", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
def test_idle_and_half_sent_connections_are_closed(server, sent):
    sock = socket.create_connection(server.httpd.server_address[:2])
    sock.sendall(sent)
    started = time.monotonic()
    assert connection_closed_within(sock, 10), "the server kept a silent connection open"
    assert time.monotonic() - started < 5
    sock.close()


def test_a_client_leaving_mid_response_prints_no_traceback(server, capfd):
    for _ in range(5):
        sock = socket.create_connection(server.httpd.server_address[:2])
        sock.sendall(b"GET /entries/a.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.recv(100)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # a reset, mid-page
    time.sleep(0.5)
    status, _ = request(server, "/", "127.0.0.1")
    assert status == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err


def test_a_burst_of_connections_is_answered(server):
    def fetch(_: int) -> int:
        return request(server, "/", "localhost")[0]

    with ThreadPoolExecutor(60) as pool:
        statuses = list(pool.map(fetch, range(120)))
    assert statuses == [200] * 120


def test_a_rebound_host_name_gets_nothing_in_chromium(server, playwright_instance):
    """DNS rebinding as a browser does it: a page of evil.test, its name now resolving to
    127.0.0.1, loads the preview and tries to read it and its event stream."""
    port = server.httpd.server_address[1]
    browser = launch(playwright_instance, ["--host-resolver-rules=MAP evil.test 127.0.0.1"])
    try:
        page = browser.new_page()
        response = page.goto(f"http://evil.test:{port}/entries/a.html")
        assert response.status == 403
        assert "Secret setback" not in page.content()
        status = page.evaluate("""() => fetch("/__journal/events").then(r => r.status)""")
        assert status == 403
        page.goto(f"http://127.0.0.1:{port}/entries/a.html")  # the real address still works
        assert "Secret setback" in page.content()
    finally:
        browser.close()


def test_dot_files_in_static_are_never_copied(make_journal, tmp_path):
    """static/.git/ (a user versioning their static folder) must not reach a site."""
    from journal.cli import main

    root = make_journal({"a.md": entry("2026-11-01")})
    (root / "static" / ".git").mkdir(parents=True)
    (root / "static" / ".git" / "config").write_text("[remote]\nurl = secret\n")
    (root / "static" / ".hidden.txt").write_text("secret")
    (root / "static" / "kept.txt").write_text("kept")
    assert main(["build", "--root", str(root)]) == 0
    assert main(["publish", "--root", str(root), "--public"]) == 0
    for out in (root / "site", root / "public"):
        names = {p.relative_to(out).as_posix() for p in out.rglob("*")}
        assert "kept.txt" in names
        assert not [n for n in names if ".git" in n or "hidden" in n], (out, names)
