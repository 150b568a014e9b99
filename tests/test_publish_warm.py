"""A publish that keeps its work (parses, pages and sealed objects in the journal's memo)
publishes exactly what a publish from nothing does, after every kind of change (issue 25).

Pages other than entries are sealed afresh on every publish (new nonces), so the two are
compared as a reader sees them: the same files, the same objects holding the same
plaintext, and the objects sealed under the epoch alone (entries, search, attachments)
byte for byte.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from journal.build import build
from journal.pages.search_index import MAIN
from journal.publish.crypto import create_keyring, write_keyring
from journal.publish.site import SEARCH_TEXTS, publish, read_published
from tests.conftest import entry, write_journal
from tests.test_publish import FILES, PASS, fast_kdf, keys_of, make_site  # noqa: F401 - the fixture

TODAY = date(2026, 11, 22)
STATE = Path(".journal-cache") / "publish"  # the publish state: its epoch and number
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def cold_copy(root: Path, where: Path) -> Path:
    """The journal as it is now, with its keyring and publish state but no memo."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(root, where, ignore=shutil.ignore_patterns(".journal-cache", "public*"))
    if (root / STATE).is_dir():
        shutil.copytree(root / STATE, where / STATE)
    return where


def seen(out: Path, ring) -> tuple[dict, dict[str, bytes], dict[str, bytes]]:  # noqa: ANN001
    """(manifest without its publish number, plaintext by object id, the files)."""
    keys = keys_of(ring)
    sealed, objects = read_published(out)
    manifest = keys.open_manifest(sealed)
    manifest.pop("publish")
    plain = {i: keys.open(i, blob) for i, blob in objects.items()}
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return manifest, plain, files


def assert_same_as_cold(root: Path, out: Path, ring, tmp_path: Path) -> None:  # noqa: ANN001
    cold = cold_copy(root, tmp_path / "cold")
    cold_out = tmp_path / "cold-public"
    publish(cold, cold_out, ring=ring, passphrase=PASS, today=TODAY)
    warm_manifest, warm_plain, warm_files = seen(out, ring)
    cold_manifest, cold_plain, cold_files = seen(cold_out, ring)
    assert sorted(warm_files) == sorted(cold_files)
    assert warm_plain == cold_plain
    # entries, search and attachments: the same bytes; the rest sealed afresh by each
    fresh = {i for i in warm_plain if warm_manifest["objects"][i] != cold_manifest["objects"][i]}
    for i in set(warm_plain) - fresh:
        assert warm_files[f"p/{i}.js"] == cold_files[f"p/{i}.js"]
    keys = keys_of(ring)
    kept = {keys.opaque_name(f"entries/{p.stem}.html") for p in (root / "entries").rglob("*.md")}
    kept |= {keys.opaque_name(name) for name in (MAIN, SEARCH_TEXTS)}
    assert not fresh & kept and kept & set(warm_plain)  # only lists are sealed afresh
    del warm_manifest["objects"], cold_manifest["objects"]
    assert warm_manifest == cold_manifest
    plain_files = ("robots.txt", "404.html", "sw.js", "manifest.webmanifest", "assets/unlock.js")
    for name in plain_files:
        assert warm_files[name] == cold_files[name]
    warm_list, cold_list = (json.loads(f["offline.json"]) for f in (warm_files, cold_files))
    assert [size for _url, size in warm_list["objects"]] == [
        size for _url, size in cold_list["objects"]
    ]
    assert warm_list["shell"][1:] == cold_list["shell"][1:]  # all but the shell itself


def test_a_publish_after_each_kind_of_change_equals_one_from_nothing(tmp_path):
    root = write_journal(tmp_path / "j", FILES, "title = 'Kept work'\n")
    ring = create_keyring(PASS)
    write_keyring(root, ring)
    out = tmp_path / "public"

    def step() -> None:
        publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
        assert_same_as_cold(root, out, ring, tmp_path)

    step()  # the first, from nothing
    step()  # nothing changed
    again = root / "entries" / "2026" / "2026-04-02-kumquat-again.md"
    again.write_text(again.read_text().replace("Quokkafish again.", "Quokkafish, a new word."))
    step()  # a body
    again.write_text(again.read_text().replace("Zebracorn again", "Zebracorn retitled"))
    step()  # the frontmatter
    (root / "entries" / "2026" / "photo.png").write_bytes(PNG)
    (root / "entries" / "2026" / "2026-05-01-with-photo.md").write_text(
        entry("2026-05-01", "win", "pangolin-dance", "Evidence: ![the moment](photo.png)")
    )
    step()  # an entry with an attachment added
    (root / "entries" / "2026" / "photo.png").write_bytes(PNG + b"\0")
    step()  # the attachment changed
    first = root / "entries" / "2026" / "2026-03-14-kumquat-first.md"
    first.write_text(first.read_text().replace("difficulty: 6", "difficulty: 6\nprivate: true"))
    step()  # an entry made private
    (root / "entries" / "2026" / "2026-05-01-with-photo.md").unlink()
    step()  # an entry deleted (its attachment no longer published)
    (root / "journal.toml").write_text("title = 'Kept work, renamed'\n")
    step()  # the configuration
    (root / "journal.toml").write_text(
        "title = 'Kept work, renamed'\noffline_budget_mb = 0.01\n[domains.pangolin-dance]\n"
        "description = 'Dances.'\n"
    )
    step()  # the offline budget and one domain's description
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "_footer.html").write_text("<footer>own footer</footer>\n")
    step()  # a template of the journal's own
    build(root, tmp_path / "site")  # a build in between keeps its own work and this one's
    step()
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY, reseal_all=True)
    assert_same_as_cold(root, out, ring, tmp_path)  # the reseal's new epoch, kept
    ring = create_keyring(PASS)  # a new key (the passphrase rotated): new names in every link
    write_keyring(root, ring)
    step()


def test_a_published_file_changed_in_place_is_not_published_again(tmp_path):
    """A published object changed in place (an editor, a deploy tool writing into the
    folder) is made again, never published as it is."""
    root, out, ring = make_site(tmp_path)  # published once
    keys = keys_of(ring)
    target = out / "p" / f"{keys.opaque_name('entries/2026-04-02-kumquat-again.html')}.js"
    original = target.read_bytes()
    with open(target, "r+b") as fh:  # the same size, other bytes, in place
        fh.seek(40)
        fh.write(b"AAAA" if original[40:44] != b"AAAA" else b"BBBB")
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    assert target.read_bytes() == original
    assert_same_as_cold(root, out, ring, tmp_path)


def test_a_damaged_memo_only_costs_time(tmp_path):
    root, out, ring = make_site(tmp_path)  # published once
    cache = root / ".journal-cache"
    (cache / "pages.pickle").write_bytes(b"not a pickle")
    for shard in (cache / "objects").iterdir():
        for obj in list(shard.iterdir())[:1]:
            obj.unlink()  # some objects gone
    publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    assert_same_as_cold(root, out, ring, tmp_path)


def test_objects_sealed_in_forked_workers_are_those_sealed_here(tmp_path, monkeypatch):
    """A first publish of a large journal seals its objects in forked workers: each object
    must come back under its own name (its blob opens only under that name) and listed
    with its digest, and equal what sealing in this process makes."""
    import journal.publish.site as site
    from journal.publish.crypto import digest

    root = write_journal(tmp_path / "j", FILES)
    ring = create_keyring(PASS)
    write_keyring(root, ring)
    out = tmp_path / "public"
    with monkeypatch.context() as patch:
        patch.setattr(site, "SEAL_PARALLEL_MIN", 1)  # forked from the first object on
        publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
        again = root / "entries" / "2026" / "2026-04-02-kumquat-again.md"
        again.write_text(again.read_text().replace("Quokkafish again.", "Quokkafish, forked."))
        publish(root, out, ring=ring, passphrase=PASS, today=TODAY)
    keys = keys_of(ring)
    sealed, objects = read_published(out)
    manifest = keys.open_manifest(sealed)
    assert manifest["objects"] == {i: digest(blob) for i, blob in objects.items()}
    assert b"Quokkafish, forked." in b"".join(keys.open(i, b) for i, b in objects.items())
    assert_same_as_cold(root, out, ring, tmp_path)  # the cold one sealed here, serially
