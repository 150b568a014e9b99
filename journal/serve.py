"""`journal serve`: build, serve the site on 127.0.0.1, rebuild on save, reload the browser.

Standard-library HTTP server plus watchdog. Requests wait while a rebuild writes, so a
half-written site is never served; a failed rebuild keeps the last good site and shows
the error report on every open page. The reload script is added to HTML responses on
the fly and never written into the output folder. Only requests for a loopback name (or
--host) that come from the preview's own pages or the address bar are answered: no other
web page may re-bind a name to it, run its search files or read its pages or event stream.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import sys
import threading
import time
import warnings
import webbrowser
from collections.abc import Mapping
from dataclasses import replace
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from journal.build import Options
from journal.engine import LiveSite
from journal.errors import JournalError, report
from journal.lock import journal_lock
from journal.theme import template_dirs
from journal.write import CACHE_DIR, check_target

EVENTS_PATH = "/__journal/events"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Served while no build has worked yet: the reload script shows the errors over it.
NOTHING_YET = (
    b"<!doctype html><html><head><meta charset=utf-8><title>Not built yet</title></head>"
    b"<body><h1>The journal could not be built yet</h1><p>Fix what the report below says "
    b"and this page updates by itself.</p></body></html>"
)
WRITE_WAIT_SECONDS = 0.05  # how long a file modified but not closed is waited for
EXPLAIN = bool(os.environ.get("JOURNAL_EXPLAIN"))  # print why each page was made again
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part", ".crdownload")
IGNORED_NAMES = {"4913", ".DS_Store"}

RELOAD_SCRIPT = """<script>/* Evidence Journal preview: live reload, errors and warnings */
(function () {
  var build = "%(build)s", key = "journal-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) { sessionStorage.removeItem(key);
    addEventListener("load", function () { scrollTo(0, +saved); }); scrollTo(0, +saved); }
  var style = document.createElement("style");
  style.textContent = ".journal-preview-box{position:fixed;left:.5rem;right:.5rem;bottom:.5rem;" +
    "z-index:99999;max-height:40vh;overflow:auto;padding:.75rem 1rem;border-radius:.5rem;" +
    "font:14px/1.5 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.3);" +
    "background:#fff5f2;color:#5a1000;border:3px solid #a33a1c}" +
    ".journal-preview-box.warn{background:#fffbe6;color:#4a3700;border-color:#8a6d00}" +
    ".journal-preview-box pre{white-space:pre-wrap;margin:.5rem 0 0;font-size:13px}" +
    ".journal-preview-box p{margin:0;font-weight:700;padding-right:5.5rem}" +
    ".journal-preview-box button{position:absolute;top:.5rem;right:.5rem;font:inherit;" +
    "padding:.2rem .6rem;border-radius:.3rem;border:2px solid currentColor;" +
    "background:transparent;color:inherit;cursor:pointer}" +
    "@media (prefers-color-scheme: dark){.journal-preview-box{background:#2b130d;" +
    "color:#ffd9cf;border-color:#ff8a65}.journal-preview-box.warn{background:#2a2410;" +
    "color:#ffe9a3;border-color:#e0b400}}";
  document.head.appendChild(style);
  function box(id, cls, role, title, report) {
    var el = document.getElementById(id);
    if (!report || sessionStorage.getItem("journal-dismissed:" + id) === report) {
      if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement("div"); el.id = id; el.className = "journal-preview-box " + cls;
      el.setAttribute("role", role);
      var h = document.createElement("p"); h.textContent = title;
      var close = document.createElement("button"); close.type = "button";
      close.textContent = "Dismiss"; close.setAttribute("aria-label", "Dismiss: " + title);
      close.addEventListener("click", function () {
        sessionStorage.setItem("journal-dismissed:" + id, el.querySelector("pre").textContent);
        el.remove(); });
      var pre = document.createElement("pre");
      el.appendChild(h); el.appendChild(close); el.appendChild(pre); document.body.appendChild(el);
    }
    el.querySelector("pre").textContent = report;
  }
  var source = new EventSource("%(events)s");
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    box("journal-error-overlay", "error", "alert",
        "The last change could not be built. The page is the last good build; fix the file " +
        "and this updates by itself.", state.error);
    box("journal-warnings", "warn", "status", "Warnings (the site was built):",
        state.error ? null : state.warnings);
    if (!state.error && state.build !== build) {
      sessionStorage.setItem(key, String(scrollY)); source.close(); location.reload();
    }
  };
})();
</script>"""


def is_noise(path: str) -> bool:
    """Editors' swap, backup and temp files: never worth a rebuild on their own."""
    name = os.path.basename(path)
    return (
        name in IGNORED_NAMES
        or name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))  # Emacs auto-save; `#x.md` is an entry
        or name.endswith(IGNORED_SUFFIXES)
        or (name.startswith(".") and name.endswith(".md"))  # e.g. vim's .x.md.swp moved
    )


def site_path(files: Mapping[str, bytes], url_path: str) -> str | None:
    """The file of the site in memory that a URL names (a folder: its index.html), or None.
    Nothing on disk is read, so no URL can leave the site."""
    path = unquote(url_path)
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    name = "/".join(parts)
    if name in files and not (path.endswith("/") and name):
        return name
    index = f"{name}/index.html" if name else "index.html"
    return index if index in files else None


class Preview:
    """The state shared by the watcher, the builder and the request handlers: the site in
    memory (journal/engine.py LiveSite), swapped whole by each update."""

    def __init__(self, root: Path, out: Path, options: Options):
        self.root, self.out = root, out
        self.options = replace(options, preview=True, drafts=True)
        self.live = LiveSite(root, self.options)
        self.changed = threading.Condition()
        self.build_id = ""
        self.error: str | None = None
        self.warnings: str | None = None
        self.rebuilds = 0  # updates that worked
        self.shown = 0  # ...and that changed the site: each one reloads the pages open
        self.stopping = False
        self._started = f"{time.time_ns():x}"  # unique across restarts, even within a second

    @property
    def files(self) -> Mapping[str, bytes]:
        return self.live.files

    def rebuild(self, edited: set[str] | None = None, first: bool = False) -> bool:
        """Bring the site up to date; on failure the last good site stays. `edited`: the
        entry files (relative to the root) that are all that changed, when that is known."""
        before = self.live.files
        try:
            with journal_lock(self.root):
                outcome = self.live.bodies_changed(edited) if edited else None
                if outcome is None:
                    outcome = self.live.rebuild(first=first, edited=edited)
        except JournalError as exc:
            self._publish(error=str(exc))
            print(f"\n{exc}\n(serving the last good build)", flush=True)
            return False
        except OSError as exc:
            self._publish(error=f"{exc.filename or self.root}: {exc.strerror or exc}")
            print(f"\nbuild failed: {exc}", flush=True)
            return False
        except Exception as exc:  # noqa: BLE001 - the preview must survive any input
            self._publish(error=f"{type(exc).__name__}: {exc}")
            print(f"\nbuild failed: {type(exc).__name__}: {exc}", flush=True)
            return False
        self.rebuilds += 1
        warnings = report(outcome.warnings) if outcome.warnings else None
        if warnings:
            print(warnings, flush=True)
        changed = outcome.rendered > 0 or self.live.files.keys() != before.keys()
        if changed or not self.build_id:  # else the pages open stay as they are
            self.shown += 1
        self._publish(error=None, warnings=warnings, build=f"{self._started}-{self.shown}")
        print(
            f"Rebuilt {outcome.entries} entries: {outcome.rendered} pages rendered "
            f"in {outcome.seconds * 1000:.0f} ms.",
            flush=True,
        )
        if EXPLAIN:
            for path, why in outcome.why:
                print(f"  {path}: {why}", flush=True)
        return True

    def _publish(
        self, *, error: str | None, warnings: str | None = None, build: str | None = None
    ) -> None:
        with self.changed:
            self.error = error
            if error is None:
                self.warnings = warnings
            if build:
                self.build_id = build
            self.changed.notify_all()

    def state(self) -> str:
        return json.dumps({"build": self.build_id, "error": self.error, "warnings": self.warnings})


class Watcher:
    """Turns bursts of file events into one rebuild, ignoring editors' noise.

    Watches the journal's root (journal.toml, and folders created later), entries/ (also
    when it is a symlink), static/ and the template folders."""

    WATCHED = ("entries", "static", "templates")

    def __init__(self, preview: Preview, poll: bool = False):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self.preview = preview
        self.root = os.path.realpath(preview.root)
        self.pending = threading.Event()
        self.lock = threading.Lock()
        self.edited: set[str] = set()  # entry files changed since the last update
        self.everything = False  # something else changed: list the whole site again
        self.writing: dict[str, float] = {}  # files modified and not yet closed: until when
        self.rewatch = False  # a folder inside a watched one was made, moved or removed
        self.polling = poll
        entries = preview.root / "entries"
        self.entry_tops = {os.path.abspath(entries), os.path.realpath(entries)}
        self.thread = threading.Thread(target=self._loop, name="journal-rebuild", daemon=True)
        self.observer = PollingObserver(timeout=0.2) if poll else Observer()
        self.scheduled: dict[str, object] = {}
        self.links: dict[str, set[str]] = {}  # a link's target -> the journal's links to it
        self.ignored = [str(preview.out.resolve()), str((preview.root / CACHE_DIR).resolve())]
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):  # noqa: ANN001
                if event.event_type in ("opened", "closed_no_write"):
                    return
                paths = [os.fsdecode(p) for p in (getattr(event, "dest_path", ""), event.src_path)]
                if event.is_directory and any(
                    os.path.dirname(os.path.abspath(p)) == watcher.root for p in paths if p
                ):
                    watcher.schedule()  # e.g. templates/ made after the preview started
                elif event.is_directory and event.event_type in ("created", "moved", "deleted"):
                    watcher.rewatch = True  # see rewatch()
                relevant = [p for p in paths if p and watcher.relevant(p)]
                relevant += watcher.linked([p for p in paths if p])
                if relevant:
                    watcher.saw(relevant, event.is_directory, event.event_type)

        from watchdog.events import (
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
            FileClosedEvent,
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
        )

        # Only changes: reads are events too, and a folder's own "modified" event
        # comes with every file event inside it.
        self.events = [
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
            FileClosedEvent,
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
        ]
        self.handler = Handler()
        self.schedule()

    def follow_links(self) -> None:
        """Watch where linked files lead: an entry, static file or template that is a
        symbolic link to a file elsewhere changes when that file does, and no event for it
        comes from the journal's folders. Called before every update that may have added or
        moved a link; each link's target folder is watched, not recursively."""
        links: dict[str, set[str]] = {}
        for folder, _ in self._folders()[1:]:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
                for name in filenames:
                    path = os.path.join(dirpath, name)
                    if os.path.islink(path):
                        links.setdefault(os.path.realpath(path), set()).add(path)
        toml = os.path.join(self.root, "journal.toml")
        if os.path.islink(toml):
            links.setdefault(os.path.realpath(toml), set()).add(toml)
        with self.lock:
            self.links = links
        for target in links:
            folder = os.path.dirname(target)
            if folder not in self.scheduled and os.path.isdir(folder):
                try:
                    self.scheduled[folder] = self.observer.schedule(
                        self.handler, folder, recursive=False, event_filter=self.events
                    )
                except OSError:  # gone, or not ours to watch: the next update says so
                    continue

    def linked(self, paths: list[str]) -> list[str]:
        """The journal's own paths for `paths`, where they are the targets of links."""
        with self.lock:
            return [link for p in paths for link in self.links.get(os.path.abspath(p), ())]

    def _folders(self) -> list[tuple[str, bool]]:
        root = self.preview.root
        folders = [(self.root, False)]
        for name in self.WATCHED:
            if (root / name).is_dir():
                folders.append((os.path.realpath(root / name), True))
        folders += [(os.path.realpath(d), True) for d in template_dirs(root)]
        return folders

    def watch_again(self) -> None:
        """Watch the folders watched recursively afresh. After a folder is moved into one
        made just before, watchdog's inotify observer can take the move for a deletion
        and stop watching the moved folder: every later edit in it was missed until the
        preview restarted. The update that follows reads every file, so nothing written
        before the new watches is missed either."""
        if self.polling:
            return
        # watchdog warns that a watch it still holds for a moved folder is replaced: it is
        warnings.filterwarnings("ignore", "Callback with id", RuntimeWarning, "watchdog")
        for folder, recursive in self._folders():
            watch = self.scheduled.get(folder) if recursive else None
            if watch is not None:
                with contextlib.suppress(KeyError, OSError):
                    self.observer.unschedule(watch)  # type: ignore[arg-type]
                del self.scheduled[folder]
        with contextlib.suppress(OSError):  # a folder gone meanwhile: the update says so
            self.schedule()

    def schedule(self) -> None:
        """Watch every folder that exists now; called again when one appears."""
        for folder, recursive in self._folders():
            if folder not in self.scheduled:
                self.scheduled[folder] = self.observer.schedule(
                    self.handler, folder, recursive=recursive, event_filter=self.events
                )

    def relevant(self, path: str) -> bool:
        full = os.path.abspath(path)
        if any(full == p or full.startswith(p + os.sep) for p in self.ignored):
            return False
        if is_noise(full):
            return False
        if os.path.dirname(full) == self.root:
            return os.path.basename(full) in ("journal.toml", *self.WATCHED)
        # Not a folder watched only for a link's target: there, just the target counts.
        return any(full.startswith(folder + os.sep) for folder, _ in self._folders()[1:])

    def start(self) -> None:
        self.observer.start()
        self.thread.start()

    def saw(self, paths: list[str], folder: bool, kind: str = "modified") -> None:
        """Note changed paths: entry files by their path from the root, anything else (a
        folder, a template, journal.toml...) as a change that needs the whole site listed.
        A file being written (modified, not yet closed) is waited for, briefly: an update
        that read half a save would show an error for nothing."""
        now = time.monotonic()
        with self.lock:
            for path in paths:
                rel = None if folder else self.entry_file(path)
                if rel is None:
                    self.everything = True
                else:
                    self.edited.add(rel)
                if kind == "closed":
                    self.writing.pop(path, None)
                elif kind == "modified" and not folder:
                    self.writing[path] = now + WRITE_WAIT_SECONDS
        self.pending.set()

    def entry_file(self, path: str) -> str | None:
        """`entries/...md` for a Markdown file under entries/, else None."""
        full = os.path.abspath(path)
        if not full.endswith(".md"):
            return None
        for top in self.entry_tops:
            if full.startswith(top + os.sep):
                return "entries/" + full[len(top) + 1 :].replace(os.sep, "/")
        return None

    def _loop(self) -> None:
        """A save starts an update at once; saves made while one runs are taken together
        by the next one, so the site served is never older than the last update."""
        while not self.preview.stopping:
            if not self.pending.wait(0.2):
                continue
            while True:  # until every file being written is closed, or its wait is over
                with self.lock:
                    now = time.monotonic()
                    self.writing = {p: t for p, t in self.writing.items() if t > now}
                    left = max(self.writing.values(), default=now) - now
                if left <= 0 or self.preview.stopping:
                    break
                self.pending.clear()
                self.pending.wait(left)
            with self.lock:
                self.pending.clear()
                edited, everything = self.edited, self.everything
                self.edited, self.everything = set(), False
                rewatch, self.rewatch = self.rewatch, False
            if rewatch and not self.preview.stopping:
                self.watch_again()  # before the update, which reads every file
            if not self.preview.stopping:
                # Links are followed before the update reads their targets: a target
                # written once the update is served is then always seen.
                if everything or any(os.path.islink(self.preview.root / r) for r in edited):
                    self.follow_links()
                self.preview.rebuild(None if everything else edited)

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
        self.thread.join(timeout=5)


REQUEST_TIMEOUT = 5.0  # seconds an idle or half-sent connection is kept
BACKLOG = 128  # a browser opens many connections at once


def host_name(header: str | None) -> str | None:
    """`Host: [::1]:8000` -> `[::1]`, `Localhost:8000` -> `localhost`; None if malformed."""
    if not header:
        return None
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1 :] if end > 0 else ""
        if end <= 0 or (rest and not (rest[0] == ":" and rest[1:].isdigit())):
            return None  # only `:port` may follow the address: `[::1].evil.test` is no host
        return header[: end + 1]
    name, _, port = header.partition(":")
    if port and not port.isdigit():
        return None
    return name or None


def allowed_hosts(host: str) -> set[str]:
    """The loopback names, any port, and the address given with --host. Anything else is a
    web page that re-bound its own name to this machine (DNS rebinding)."""
    given = host.lower()
    return {"127.0.0.1", "localhost", "[::1]", f"[{given}]" if ":" in given else given}


# Sec-Fetch-Site values of the requests the preview answers: its own pages ("same-origin")
# and what the user opens ("none": an address typed, a bookmark, a reload).
OWN_FETCH_SITES = {"same-origin", "none"}


def fetch_site_ok(value: str | None) -> bool:
    """Sec-Fetch-Site, set by the browser and beyond a page's reach, says who asked. A page
    of another site ("cross-site") must not read the journal, and neither may one on another
    port of 127.0.0.1 or localhost ("same-site": ports don't make sites). Without the header
    (curl, older browsers) there is nothing to judge: the Origin check and CORP decide."""
    return value is None or value.strip().lower() in OWN_FETCH_SITES


def origin_ok(origin: str | None, host: str | None) -> bool:
    """An Origin header, when sent, must be the preview's own origin, the one the request
    is addressed to: http:// and its Host (already checked), port included. Another port of
    127.0.0.1 is another origin; `null` (sandboxed frames, file:// pages) is refused too."""
    if origin is None:
        return True
    return host is not None and origin.strip().lower() == f"http://{host.strip().lower()}"


def shown(value: str | None) -> str:
    """A header value as a 403 quotes it: on one line, at most 80 characters."""
    return " ".join(str(value).split())[:80]


def refusal(headers: Message, hosts: set[str]) -> str | None:
    """Why the preview refuses a request, in one line, or None to answer it. The Host check
    stops DNS rebinding; Sec-Fetch-Site and Origin stop a page of another origin from
    reading a file (a search file is a classic script: any page could run it and read the
    global it sets) or the event stream."""
    host = headers.get("Host")
    if host_name(host) not in hosts:
        return (
            f"this preview answers only requests for {', '.join(sorted(hosts))}"
            f" (Host: {shown(host)} was refused; see journal serve --host)"
        )
    own = "this preview answers only its own pages and addresses typed into the browser"
    site = headers.get("Sec-Fetch-Site")
    if not fetch_site_ok(site):
        return f"{own} (Sec-Fetch-Site: {shown(site)} was refused: another web page asked)"
    origin = headers.get("Origin")
    if not origin_ok(origin, host):
        return f"{own} (Origin: {shown(origin)} was refused: another web page asked)"
    return None


def make_handler(preview: Preview, hosts: set[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "EvidenceJournalPreview"
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: without this, a kept-alive connection
        # waits ~40 ms on each response for the client's delayed ACK (Nagle)
        disable_nagle_algorithm = True
        timeout = REQUEST_TIMEOUT

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the terminal is for build reports

        def end_headers(self) -> None:
            """On every response (pages, 403, 404, errors, the event stream), for browsers
            that send no Sec-Fetch-Site too: no other origin's `<script>`, `<img>` or no-cors
            fetch gets it (CORP), no other origin's page shows it in a frame, and nothing
            runs as a type it is not labelled with."""
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
            self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def _allowed(self) -> bool:
            """Answer the request, or refuse it with a short text/plain 403 that says why."""
            reason = refusal(self.headers, hosts)
            if reason is None:
                return True
            text = f"403 Forbidden: {reason}\n".encode()
            self.send_response(HTTPStatus.FORBIDDEN)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(text)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(text)
            return False

        def do_HEAD(self) -> None:  # noqa: N802
            if self._allowed():
                self._serve(body=False)

        def do_GET(self) -> None:  # noqa: N802
            if not self._allowed():
                return
            if urlsplit(self.path).path == EVENTS_PATH:
                self._events()
            else:
                self._serve(body=True)

        def _serve(self, body: bool) -> None:
            url_path = urlsplit(self.path).path
            files = preview.files  # one whole site for the whole request
            name = site_path(files, url_path)
            status = HTTPStatus.OK
            if name is None:
                status = HTTPStatus.NOT_FOUND
                name = "404.html" if "404.html" in files else None
            data = files[name] if name else NOTHING_YET if not files else b"<h1>Not found</h1>"
            ctype = mimetypes.guess_type(name or "x.html")[0] or "application/octet-stream"
            if ctype == "text/html":
                if status == HTTPStatus.NOT_FOUND:  # its relative links assume the site root
                    data = data.replace(b"<head>", b'<head>\n<base href="/">', 1)
                script = RELOAD_SCRIPT % {"build": preview.build_id, "events": EVENTS_PATH}
                data = data.replace(b"</body>", script.encode() + b"\n</body>", 1)
            if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
                ctype += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _events(self) -> None:
            """Server-Sent Events: the current state at once, then every change."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b"retry: 500\n\n")
                sent = None
                while not preview.stopping:
                    state = preview.state()
                    if state != sent:
                        self.wfile.write(f"data: {state}\n\n".encode())
                        self.wfile.flush()
                        sent = state
                    with preview.changed:
                        if preview.state() == sent and not preview.stopping:
                            preview.changed.wait(15)
                    if preview.state() == sent:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away (or timed out) mid-request is not worth a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class PreviewServer:
    """The whole preview, startable on port 0 in tests and stoppable cleanly."""

    def __init__(
        self,
        root: Path,
        out: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        options: Options | None = None,
        poll: bool = False,
    ):
        self.out = out or root / "site"
        check_target(self.out, root)
        self.preview = Preview(root, self.out, options or Options())
        self.httpd = _Server((host, port), make_handler(self.preview, allowed_hosts(host)))
        self.poll = poll
        self.watcher: Watcher | None = None
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name="journal-http", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in str(host) else host}:{port}/"

    def start(self) -> PreviewServer:
        self.preview.rebuild(first=True)  # before any thread exists: may use all cores
        self.watcher = Watcher(self.preview, poll=self.poll)
        self.watcher.follow_links()
        self.watcher.start()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.preview.stopping = True
        with self.preview.changed:
            self.preview.changed.notify_all()
        if self.watcher is not None:
            self.watcher.stop()
        self.preview.live.close()
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.thread.join(timeout=5)
        self.httpd.server_close()


def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    options: Options | None = None,
    open_browser: bool = False,
    out: Path | None = None,
    poll: bool = False,
) -> None:
    """Run until Ctrl-C."""
    if host not in LOCAL_HOSTS:
        print(
            f"WARNING: serving on {host}: anyone who can reach this machine on the network "
            "can read your journal, drafts and private entries included.",
            flush=True,
        )
    try:
        server = PreviewServer(root, out, host=host, port=port, options=options, poll=poll)
    except OSError as exc:
        raise JournalError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    try:  # from here on, Ctrl-C at any moment stops cleanly
        server.start()
        print(f"Serving {root} at {server.url} — Ctrl-C to stop.", flush=True)
        if open_browser:
            webbrowser.open(server.url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print("Stopped the preview.", flush=True)
