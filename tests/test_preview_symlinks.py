"""The preview follows links: an entry, template, static file or journal.toml that is a
symbolic link to a file outside the journal changes when that file is edited, and the
preview must show it as a cold build would (a real server and watcher, real files)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date

from journal.build import Options
from journal.serve import PreviewServer
from tests.conftest import entry, write_journal
from tests.test_differential import cold_copy
from tests.test_preview import serve_process

TODAY = date(2026, 3, 1)


def settle(server: PreviewServer, truth_of, timeout: float = 20) -> dict[str, bytes]:
    """Wait until the preview's site equals a cold build of the journal as it is now."""
    deadline = time.monotonic() + timeout
    truth = truth_of()
    while time.monotonic() < deadline:
        if server.preview.files == truth:
            return truth
        time.sleep(0.05)
    missing = sorted(p for p in truth if server.preview.files.get(p) != truth[p])
    raise AssertionError(f"the preview differs from a cold build in {missing[:5]}")


def test_edits_to_the_targets_of_links_are_seen(tmp_path):
    root = tmp_path / "journal"
    elsewhere = tmp_path / "elsewhere"  # outside the journal, in folders nobody else watches
    (elsewhere / "notes").mkdir(parents=True)
    (elsewhere / "theme").mkdir()
    write_journal(
        root,
        {
            "2026-02-01-first.md": entry("2026-02-01", title="First"),
            "/static/.keep": "",
        },
        "title = 'Linked'\n",
    )
    target = elsewhere / "notes" / "linked.md"
    target.write_text(entry("2026-02-02", title="Linked entry", body="Original words."))
    os.symlink(target, root / "entries" / "2026-02-02-linked.md")
    asset = elsewhere / "theme" / "extra.txt"
    asset.write_text("first version\n")
    os.symlink(asset, root / "static" / "extra.txt")

    options = Options(today=TODAY)
    preview_options = Options(today=TODAY, preview=True, drafts=True)

    def truth() -> dict[str, bytes]:
        files = cold_copy(root, tmp_path / "cold", preview_options)
        files.pop(".journal-site", None)
        return files

    server = PreviewServer(root, port=0, options=options).start()
    try:
        site = settle(server, truth)
        page = next(p for p in site if "linked" in p and p.endswith(".html"))
        assert b"Original words." in site[page]
        assert site["extra.txt"] == b"first version\n"

        target.write_text(entry("2026-02-02", title="Linked entry", body="Edited elsewhere."))
        site = settle(server, truth)
        assert b"Edited elsewhere." in site[page] and b"Original words." not in site[page]

        target.write_text(entry("2026-02-02", title="Renamed elsewhere", body="Edited again."))
        site = settle(server, truth)
        assert b"Renamed elsewhere" in site[page]

        asset.write_text("second version\n")
        site = settle(server, truth)
        assert site["extra.txt"] == b"second version\n"

        # The link pointed somewhere else: the new target is followed, the old one is not.
        other = elsewhere / "other.md"
        other.write_text(entry("2026-02-02", title="Other target", body="Other words."))
        link = root / "entries" / "2026-02-02-linked.md"
        os.symlink(other, tmp_path / "new-link")
        os.replace(tmp_path / "new-link", link)
        site = settle(server, truth)
        assert b"Other words." in site[page]
        other.write_text(entry("2026-02-02", title="Other target", body="Other edited."))
        site = settle(server, truth)
        assert b"Other edited." in site[page]
    finally:
        server.stop()


def test_a_linked_journal_toml_is_followed(tmp_path):
    root = tmp_path / "journal"
    write_journal(root, {"2026-02-01-first.md": entry("2026-02-01", title="First")})
    config = tmp_path / "settings" / "journal.toml"
    config.parent.mkdir()
    config.write_text("title = 'Before the edit'\n")
    os.symlink(config, root / "journal.toml")
    options = Options(today=TODAY)
    preview_options = Options(today=TODAY, preview=True, drafts=True)

    def truth() -> dict[str, bytes]:
        files = cold_copy(root, tmp_path / "cold", preview_options)
        files.pop(".journal-site", None)
        return files

    server = PreviewServer(root, port=0, options=options).start()
    try:
        assert b"Before the edit" in settle(server, truth)["index.html"]
        config.write_text("title = 'After the edit'\n")
        assert b"After the edit" in settle(server, truth)["index.html"]
    finally:
        server.stop()


def test_other_files_beside_a_target_do_not_rebuild(tmp_path):
    """Only a link's target counts in its folder: a file written beside it is not the
    journal's and starts no update."""
    root = tmp_path / "journal"
    write_journal(root, {"2026-02-01-first.md": entry("2026-02-01", title="First")})
    target = tmp_path / "downloads" / "linked.md"
    target.parent.mkdir()
    target.write_text(entry("2026-02-02", title="Linked"))
    os.symlink(target, root / "entries" / "2026-02-02-linked.md")
    server = PreviewServer(root, port=0, options=Options(today=TODAY)).start()
    try:
        before = server.preview.rebuilds
        (target.parent / "unrelated.md").write_text("not an entry\n")
        time.sleep(1.0)
        assert server.preview.rebuilds == before
        target.write_text(entry("2026-02-02", title="Linked, edited"))
        deadline = time.monotonic() + 20
        while server.preview.rebuilds == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.preview.rebuilds == before + 1
    finally:
        server.stop()


def test_a_folder_moved_into_a_new_folder_is_still_watched(tmp_path):
    """Found by an attack: a folder moved into a folder made just before (`mkdir archive &&
    mv 2025 archive/`) was no longer watched by watchdog's inotify observer, so every later
    edit in it was missed until the preview restarted. `journal serve` as a user runs it."""
    root = tmp_path / "journal"
    write_journal(root, {"2025/2025-11-01-a.md": entry("2025-11-01", title="A", body="First.")})
    proc = serve_process(root, "--today", "2026-11-22")
    try:
        line = proc.stdout.readline()
        while "Serving" not in line and line:
            line = proc.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))

        def shows(words: str) -> bool:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/entries/2025-11-01-a.html"
                ) as r:
                    if words.encode() in r.read():
                        return True
                time.sleep(0.1)
            return False

        assert shows("First.")
        move = "import os, sys; os.mkdir(sys.argv[1]); os.rename(sys.argv[2], sys.argv[3])"
        folder, source = root / "entries" / "archive", root / "entries" / "2025"
        subprocess.run([sys.executable, "-c", move, folder, source, folder / "2025"], check=True)
        time.sleep(1)  # the update for the move
        moved = folder / "2025" / "2025-11-01-a.md"
        for words in ("Pelican sighted.", "Heron too."):
            with moved.open("a", encoding="utf-8") as fh:
                fh.write(f"\n{words}\n")
            assert shows(words), f"the preview missed an edit in the moved folder: {words}"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=15)
