"""Attachments: the files an entry shows or links to are checked, copied (only those) next
to its page, sealed like pages in a publish, and shown from file://, a sub-path and after
unlocking."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.errors import ProblemsError
from journal.load.markdown import render
from journal.publish import crypto
from journal.publish.site import publish, read_published
from tests.conftest import entry, write_journal
from tests.test_import import FIXTURES, PHOTO
from tests.test_publish import APP_FILES, PASS, files_of, keys_of
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture

PNG = (FIXTURES / "dayone" / "photos" / PHOTO).read_bytes()  # 320 x 200, red
SECRET_PNG = PNG + b"ocelot trailing bytes"  # other bytes, the same picture
TODAY = date(2026, 11, 22)


def journal_with_photos(tmp_path: Path) -> Path:
    root = write_journal(
        tmp_path / "j",
        {
            "2026/2026-05-03-finish.md": entry(
                "2026-05-03",
                title="Crossed the finish",
                body="![Finish line, arms up](finish/kestrelphoto.png)\n\n"
                "Notes: [the certificate](finish/kestrelcert.pdf).",
            ),
            "2026/finish/kestrelphoto.png": "",
            "2026/finish/kestrelcert.pdf": "",
            "2026-06-01-hidden.md": entry(
                "2026-06-01", title="Hidden", body="![x](ocelotprivate.png)", private="true"
            ),
            "ocelotprivate.png": "",
            "2026/finish/unreferenced.png": "",
        },
    )
    (root / "entries/2026/finish/kestrelphoto.png").write_bytes(PNG)
    (root / "entries/2026/finish/kestrelcert.pdf").write_bytes(b"%PDF-1.4 kestrelpdfbody\n")
    (root / "entries/ocelotprivate.png").write_bytes(SECRET_PNG)
    (root / "entries/2026/finish/unreferenced.png").write_bytes(b"not referenced")
    return root


# --- the renderer and the loader ----------------------------------------------------------------


def test_local_references_are_found_with_their_lines_and_linked_from_the_page():
    body = "Text\n![A](a%20b.jpg)\n\n[doc](sub/d.pdf#page=2) [e](other.md) [w](https://x.org)\n"
    rendered = render(body, "entries/2026/2026-01-01-x.md", 6)
    assert rendered.attachments == (
        ("entries/2026/a b.jpg", 7),
        ("entries/2026/sub/d.pdf", 9),
    )
    assert '<img src="2026/a%20b.jpg" alt="A" />' in rendered.html  # from entries/<id>.html
    assert 'href="2026/sub/d.pdf#page=2"' in rendered.html
    assert 'href="https://x.org"' in rendered.html
    # a link to another entry's file is an entry link (issue 24), never an attachment
    assert [link.key for link in rendered.links] == ["entries/2026/other.md"]


def test_missing_outside_and_escaping_references_are_path_line_errors(tmp_path):
    root = write_journal(
        tmp_path / "j",
        {
            "2026/2026-01-01-x.md": entry(
                "2026-01-01", body="![gone](gone.png)\n\n![up](../../journal.toml)\n\n![l](l.png)"
            ),
            "/journal.toml": "",
        },
    )
    (root / "entries/2026/l.png").symlink_to(root / "journal.toml")
    with pytest.raises(ProblemsError) as caught:
        build(root, tmp_path / "site", Options(today=TODAY))
    text = str(caught.value)
    # issue 24: a missing file and a link outside entries/ are warnings (kept as written,
    # never copied); a link inside entries/ that leads out through a symlink stays an error
    assert (
        "entries/2026/2026-01-01-x.md:7: `entries/2026/gone.png` is missing, so it is never "
        "copied [warning]"
    ) in text
    assert (
        "entries/2026/2026-01-01-x.md:9: link to `journal.toml` leads outside entries/: kept as "
        "written, never copied [warning]"
    ) in text
    assert "entries/2026/2026-01-01-x.md:11: `entries/2026/l.png` leads outside entries/" in text
    assert "(expected a file next to the entry or in a folder beside it" in text
    assert "1 error found" in text
    assert not (tmp_path / "site").exists()


def test_build_copies_only_referenced_files_of_shown_entries(tmp_path):
    root = journal_with_photos(tmp_path)
    out = tmp_path / "site"
    build(root, out, Options(today=TODAY))
    assert (out / "entries/2026/finish/kestrelphoto.png").read_bytes() == PNG
    assert (out / "entries/2026/finish/kestrelcert.pdf").is_file()
    assert not (out / "entries/2026/finish/unreferenced.png").exists()
    assert (out / "entries/ocelotprivate.png").exists()  # private: built locally
    page = (out / "entries/2026-05-03-finish.html").read_text()
    assert '<img src="2026/finish/kestrelphoto.png" alt="Finish line, arms up" />' in page


def test_a_changed_photo_is_copied_again_when_no_entry_changed(tmp_path):
    root = journal_with_photos(tmp_path)
    out = tmp_path / "site"
    build(root, out, Options(today=TODAY))
    (root / "entries/2026/finish/kestrelphoto.png").write_bytes(SECRET_PNG)
    build(root, out, Options(today=TODAY))
    assert (out / "entries/2026/finish/kestrelphoto.png").read_bytes() == SECRET_PNG


# --- publish ------------------------------------------------------------------------------------


def published(tmp_path: Path) -> tuple[Path, Path, crypto.Keyring]:
    root = journal_with_photos(tmp_path)
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    return root, out, ring


def test_the_published_folder_holds_no_attachment_name_or_content(tmp_path):
    _root, out, ring = published(tmp_path)
    files = files_of(out)
    words = ["kestrel", "ocelot", "finish", "unreferenced", ".png", ".pdf", "image/png"]
    for name, data in files.items():
        if name in APP_FILES:  # the app's own icons and worker, in every publish (issue 26)
            continue
        text = (name + "\n" + data.decode("latin-1")).lower()
        for app_file in APP_FILES:  # linked from the shell, listed in offline.json
            text = text.replace(app_file, "")
        for word in words:
            assert word not in text, f"{word!r} leaks in {name}"
        assert PNG[16:64] not in data and b"IHDR" not in data
    keys = keys_of(ring)
    sealed, objects = read_published(out)
    manifest = keys.open_manifest(sealed)
    assert sorted(manifest["files"].values()) == ["application/pdf", "image/png"]
    opened = {i: keys.open(i, blob) for i, blob in objects.items()}
    assert PNG in opened.values()  # the photo, sealed
    assert SECRET_PNG not in opened.values()  # the private entry's photo: never published
    page = next(v for v in opened.values() if b"Crossed the finish</h1>" in v).decode()
    photo_id = next(i for i, v in opened.items() if v == PNG)
    # the encrypted site's body is sanitised (journal/sanitise.py): an HTML serialisation
    assert f'<img src="{photo_id}.png" alt="Finish line, arms up">' in page


# --- in Chromium --------------------------------------------------------------------------------

SHOWN = """() => { const i = document.querySelector('main img');
  return i && i.complete && i.naturalWidth === 320 ? [i.alt, i.clientWidth] : null; }"""


def test_an_image_shows_from_file_a_sub_path_and_after_unlocking(tmp_path, page):
    root = journal_with_photos(tmp_path)
    out = tmp_path / "site"
    build(root, out, Options(today=TODAY))
    page.goto((out / "entries/2026-05-03-finish.html").as_uri())
    alt, width = page.wait_for_function(SHOWN).json_value()
    assert alt == "Finish line, arms up" and 100 <= width <= 800

    docroot = tmp_path / "www"
    shutil.copytree(out, docroot / "journal")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(docroot))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        page.goto(f"http://127.0.0.1:{port}/journal/entries/2026-05-03-finish.html")
        assert page.wait_for_function(SHOWN).json_value()[0] == "Finish line, arms up"
    finally:
        server.shutdown()
        server.server_close()

    public = tmp_path / "public"
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    publish(root, public, ring=ring, passphrase=PASS, today=TODAY)
    page.goto((public / "index.html").as_uri())
    page.fill("#journal-passphrase", PASS)
    page.click("text=Unlock")
    page.wait_for_selector("#journal-lock")
    page.click("a >> text=Crossed the finish >> nth=0")
    alt, _width = page.wait_for_function(SHOWN).json_value()
    assert alt == "Finish line, arms up"
    src = page.get_attribute("main img", "src")
    assert src.startswith("blob:")
    link = page.get_attribute("a >> text=the certificate", "href")
    assert link.startswith("blob:")
