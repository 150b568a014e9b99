"""Issue 22: a link to an entry's Markdown file is never an attachment, whatever follows the
name, so a private entry never leaves through a public one's link; and a link with a NUL in
it is a link, not a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, build
from journal.load.markdown import local_target
from journal.publish import crypto
from journal.publish.site import publish, read_published
from tests.conftest import entry, write_journal
from tests.test_publish import PASS, keys_of
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture

SECRET = "ocelotsecretbody"
PRIVATE = entry("2026-03-03", title="Private day", body=f"{SECRET} text.", private="true")
TODAY = date(2026, 11, 22)

# Each form a link to the private file can take; none may make it an attachment.
FORMS = [
    "2026-03-03-priv.md/",
    "2026-03-03-priv.md%2F",
    "2026-03-03-priv.md%2f",
    "2026-03-03-priv.md?raw=1",
    "2026-03-03-priv.md#top",
    "2026-03-03-priv.md/.",
    "./2026-03-03-priv.md//",
    "2026-03-03-priv.MD/",
    "../entries/2026-03-03-priv.md/",
]


@pytest.mark.parametrize("url", FORMS)
def test_a_link_naming_a_markdown_file_is_never_a_file_to_copy(url):
    assert local_target(url, "entries/a.md") is None


def test_other_local_links_still_are():
    assert local_target("photo.png", "entries/2026/a.md") == ("entries/2026/photo.png", "")
    assert local_target("docs/x.pdf#page=2", "entries/a.md") == ("entries/docs/x.pdf", "#page=2")


def journal_linking_the_private_entry(tmp_path: Path) -> Path:
    links = "\n".join(f"- [day {i}]({url})" for i, url in enumerate(FORMS))
    return write_journal(
        tmp_path / "j",
        {
            "2026-03-03-priv.md": PRIVATE,
            "2026-03-05-public.md": entry("2026-03-05", title="Public", body=links),
        },
    )


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_build_public_publish_and_sealed_publish_never_carry_the_private_file(tmp_path):
    root = journal_linking_the_private_entry(tmp_path)
    site = tmp_path / "site"
    build(root, site, Options(private=False, today=TODAY))
    assert SECRET.encode() not in every_byte(site)
    assert not list(site.rglob("*.md"))

    public = tmp_path / "public-plain"
    publish(root, public, ring=None, passphrase=None, today=TODAY)
    assert SECRET.encode() not in every_byte(public)
    assert not list(public.rglob("*.md"))

    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    sealed_out = tmp_path / "public"
    publish(root, sealed_out, ring=ring, passphrase=PASS, today=TODAY)
    keys = keys_of(ring)
    manifest_blob, objects = read_published(sealed_out)
    assert keys.open_manifest(manifest_blob)["files"] == {}  # no attachment at all
    for object_id, blob in objects.items():
        assert SECRET.encode() not in keys.open(object_id, blob)


def test_a_symlink_that_leads_to_an_entry_is_refused_as_an_attachment(tmp_path):
    root = write_journal(
        tmp_path / "j",
        {
            "2026-03-03-priv.md": PRIVATE,
            "2026-03-05-public.md": entry("2026-03-05", body="![photo](photo.png)"),
        },
    )
    os.symlink("2026-03-03-priv.md", root / "entries" / "photo.png")
    run = subprocess.run(
        [sys.executable, "-m", "journal", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    line = "entries/2026-03-05-public.md:7: `entries/photo.png` leads to an entry's Markdown file"
    assert line in run.stderr


def test_a_nul_in_a_link_is_kept_as_a_link(tmp_path):
    root = write_journal(
        tmp_path / "j",
        {"2026-03-05-a.md": entry("2026-03-05", body="[x](photo%00.png) and ![y](a%00b)")},
    )
    run = subprocess.run(
        [sys.executable, "-m", "journal", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    page = (root / "site" / "entries" / "2026-03-05-a.html").read_text()
    assert 'href="photo%00.png"' in page


@pytest.mark.parametrize(
    "name, says",
    [
        ("hard.txt", "is an entry's Markdown file under another name (a hard link; refused)"),
        ("2026-03-03-priv.md~", "is a copy of an entry's Markdown file (refused)"),
        ("2026-03-03-priv.md.bak", "is a copy of an entry's Markdown file (refused)"),
        ("#2026-03-03-priv.md#", "is a copy of an entry's Markdown file (refused)"),
    ],
)
def test_a_hard_link_or_a_backup_of_an_entry_is_refused(tmp_path, name, says):
    root = write_journal(tmp_path / "j", {"2026-03-03-priv.md": PRIVATE})
    private = root / "entries" / "2026-03-03-priv.md"
    if name == "hard.txt":
        os.link(private, root / "entries" / name)
    else:
        (root / "entries" / name).write_bytes(private.read_bytes())
    link = name.replace("#", "%23")
    (root / "entries" / "2026-03-05-pub.md").write_text(
        entry("2026-03-05", title="Public", body=f"[that day]({link})")
    )
    run = subprocess.run(
        [sys.executable, "-m", "journal", "publish", "--public", "--today", "2026-11-22"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    # the body is on line 8: ---, date, kind, domain, title, ---, a blank line, the body
    assert f"entries/2026-03-05-pub.md:8: `entries/{name}` {says}" in run.stderr
    assert not (root / "public").exists()
