"""Attacks on a publish that keeps its work (issue 25): each failed on its first version
(published objects were hard links to the memo's); the docstring says what it shows."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest

from journal.publish.crypto import create_keyring, write_keyring
from journal.publish.crypto import digest as blob_digest
from journal.publish.site import publish, read_published
from tests.conftest import write_journal
from tests.test_publish import FILES, PASS, fast_kdf, keys_of, make_site  # noqa: F401 - the fixture

TODAY = date(2026, 11, 22)


def test_a_published_object_changed_in_place_with_its_mtime_kept_is_made_again(tmp_path):
    """README: a published object "changed in place in the published folder is made again,
    never published as it is", also by a tool that writes in place and keeps the mtime
    (`rsync --inplace --checksum -a` back from the host, `cp -p` over the file, `touch -r`).
    The published files are copies of the memo's objects, never hard links to them (as
    links, the memo object changed with them, its size and mtime unchanged: every later
    publish linked the damaged object again, and the browser refused that entry)."""
    root, out, ring = make_site(tmp_path)  # published once
    keys = keys_of(ring)
    target = out / "p" / f"{keys.opaque_name('entries/2026-04-02-kumquat-again.html')}.js"
    original = target.read_bytes()
    st = os.stat(target)
    with open(target, "r+b") as fh:  # the same size, other bytes, in place
        fh.seek(60)
        fh.write(b"AAAA" if original[60:64] != b"AAAA" else b"BBBB")
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # the mtime kept, as rsync -a does
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    sealed, objects = read_published(out)
    manifest = keys.open_manifest(sealed)
    damaged = [i for i, blob in objects.items() if manifest["objects"][i] != blob_digest(blob)]
    assert damaged == []
    assert target.read_bytes() == original


def test_one_copy_of_the_published_folder_does_not_date_each_entry(tmp_path):
    """Every file of a publish is written by it: one copy of the folder that keeps mtimes
    (tar, zip, `rsync -a`, `scp -p` to a host or a backup) neither tells entry pages from
    list pages nor dates each entry's last edit (as hard links to memo objects, kept
    objects carried the time of the publish that first sealed them)."""
    root, out, ring = make_site(tmp_path)  # published once
    time.sleep(1.1)
    again = root / "entries" / "2026" / "2026-04-02-kumquat-again.md"
    again.write_text(again.read_text().replace("Quokkafish again.", "Quokkafish, edited."))
    started = time.time_ns() - 10_000_000  # the file system's clock is coarse
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    older = sorted(p.name for p in (out / "p").glob("*.js") if p.stat().st_mtime_ns < started)
    assert older == []  # every object dated by this publish, none by an earlier one


def test_a_kept_page_changed_through_the_build_s_site_only_costs_a_retry(tmp_path):
    """An attachment's bytes are the same in the build and in publish, so both use one memo
    object, and the build links it into site/. Changed there in place with its mtime kept,
    publish refuses it with one line (never publishing the changed bytes) and lets it go:
    the next publish makes it again from the journal."""
    from journal.build import build
    from journal.errors import JournalError
    from tests.conftest import entry

    png = bytes.fromhex("89504e470d0a1a0a") + bytes(range(256)) * 4
    root = write_journal(
        tmp_path / "j",
        {**FILES, "2026/2026-05-01-photo.md": entry("2026-05-01", body="![p](p.png)")},
    )
    (root / "entries" / "2026" / "p.png").write_bytes(png)
    ring = create_keyring(PASS)
    write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    build(root, root / "site")
    shown = next((root / "site").rglob("p.png"))
    st = os.stat(shown)
    with open(shown, "r+b") as fh:
        fh.seek(20)
        fh.write(b"\xff\xff\xff\xff")
    os.utime(shown, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(JournalError) as refused:  # resealed: every kept page read again
        publish(root, out, ring=ring, passphrase=PASS, today=TODAY, reseal_all=True)
    assert "publish again" in str(refused.value) and "\n" not in str(refused.value)
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY, reseal_all=True)
    keys = keys_of(ring)
    _sealed, objects = read_published(out)
    plain = [keys.open(i, blob) for i, blob in objects.items()]
    assert png in plain  # the photo as the journal holds it
