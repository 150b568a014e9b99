"""`journal publish`: the sealed site leaks nothing, keys rotate, and git keeps no history."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from journal.build import Options, site_files
from journal.cli import main
from journal.errors import JournalError
from journal.pages.search_index import MAIN, data_payload, is_search_file
from journal.publish import crypto
from journal.publish.crypto import Keyring, SiteKeys, TamperedObject, WrongPassphrase
from journal.publish.site import SEARCH_TEXTS, make_linker, publish, read_published
from tests.conftest import entry, write_journal

PASS = "correct horse battery staple"
NEW_PASS = "penalties screenplay length commanding contamination weimar"
TODAY = "2026-11-22"
REAL_MIN, REAL_DEFAULT = crypto.MIN_ITERATIONS, crypto.DEFAULT_ITERATIONS

# Every word a host must never see. Ids, dates, domains and tags are checked as well.
MARKERS = ["zebracorn", "quokkafish", "wombatlesson", "narwhalnext", "axolotltag", "pangolin"]
FILES = {
    "2026/2026-03-14-kumquat-first.md": entry(
        "2026-03-14",
        "win",
        "pangolin-dance",
        "# Zebracorn triumph\n\nQuokkafish went well, see [next](2026-03-16-kumquat-setback.md).",
        tags="[axolotltag]",
        difficulty=6,
    ),
    "2026/2026-03-16-kumquat-setback.md": entry(
        "2026-03-16",
        "setback",
        "pangolin-dance",
        "Quokkafish went badly.",
        title="Zebracorn stumble",
        lesson="wombatlesson matters",
        next="narwhalnext time",
        tags="[axolotltag]",
    ),
    "2026/2026-04-02-kumquat-again.md": entry(
        "2026-04-02",
        "win",
        "pangolin-dance",
        "Quokkafish again.",
        title="Zebracorn again",
        follows="2026-03-16-kumquat-setback",
    ),
    "2026/2026-04-03-secretprivate.md": entry(
        "2026-04-03", "win", "pangolin-dance", "Privatemarker body.", private="true"
    ),
    "2026/2026-04-04-secretdraft.md": entry(
        "2026-04-04", "win", "pangolin-dance", "Draftmarker body.", draft="true"
    ),
}
IDS = ["2026-03-14-kumquat-first", "2026-03-16-kumquat-setback", "2026-04-02-kumquat-again"]
AGAIN = "2026/2026-04-02-kumquat-again.md"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    """In this process only: a weak count keeps the suite fast. Nothing in the environment
    can do this (see test_the_environment_cannot_weaken_the_keyring)."""
    monkeypatch.setattr(crypto, "MIN_ITERATIONS", 1000)
    monkeypatch.setattr(crypto, "DEFAULT_ITERATIONS", 1000)


def make_site(tmp_path: Path) -> tuple[Path, Path, Keyring]:
    root = write_journal(tmp_path / "j", FILES)
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    return root, out, ring


def republish(root: Path, out: Path, ring: Keyring, passphrase: str = PASS, **kw) -> None:
    publish(root, out, ring=ring, passphrase=passphrase, today=date(2026, 11, 22), **kw)


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def keys_of(ring: Keyring, passphrase: str = PASS) -> SiteKeys:
    return SiteKeys.derive(crypto.unwrap(ring, passphrase), ring.build)


def opened(out: Path, ring: Keyring) -> tuple[dict, dict[str, str]]:
    """The manifest, and every object's plaintext by id."""
    keys = keys_of(ring)
    sealed, objects = read_published(out)
    manifest = keys.open_manifest(sealed)
    return manifest, {i: keys.open(i, blob).decode() for i, blob in objects.items()}


def edit(root: Path, old: str, new: str, name: str = AGAIN) -> None:
    path = root / "entries" / name
    path.write_text(path.read_text().replace(old, new))


# --- the cryptography, in Python -------------------------------------------------------------


def test_seal_and_open_round_trip_and_what_is_refused():
    ring = crypto.create_keyring(PASS)
    keys = keys_of(ring)
    blob = keys.seal("aaa", b"<p>hello</p>")
    assert keys.open("aaa", blob) == b"<p>hello</p>"
    tampered = bytearray(blob)
    tampered[20] ^= 1
    with pytest.raises(TamperedObject):
        keys.open("aaa", bytes(tampered))
    with pytest.raises(TamperedObject):  # moved to another object
        keys.open("bbb", blob)
    other = crypto.create_keyring(PASS)  # another site (build id and master)
    with pytest.raises(TamperedObject):
        keys_of(other).open("aaa", blob)
    with pytest.raises(WrongPassphrase):
        crypto.unwrap(ring, "correct horse battery stapler")
    # synthetic nonces: the same bytes give the same blob; other bytes or epoch, another nonce
    assert keys.seal("aaa", b"x") == keys.seal("aaa", b"x")
    nonces = {keys.seal("aaa", b"x")[1:13], keys.seal("aaa", b"y")[1:13]}
    nonces |= {keys.seal("bbb", b"x")[1:13], keys.seal("aaa", b"x", b"e" * 16)[1:13]}
    assert len(nonces) == 4


def test_passphrase_is_nfc_normalised():
    composed, decomposed = "caf\u00e9 sombre", "cafe\u0301 sombre"
    ring = crypto.create_keyring(composed)
    assert len(crypto.unwrap(ring, decomposed)) == 32


def test_sizes_are_padded_to_coarse_buckets():
    keys = keys_of(crypto.create_keyring(PASS))
    # 1 + 12 + 16 bytes of framing around a 4 KiB bucket, whatever the short text
    assert len(keys.seal("x", b"a")) == len(keys.seal("x", b"b" * 3000)) == 4096 + 29
    assert crypto.bucket(1) == crypto.bucket(4096) == 4096
    assert crypto.bucket(4097) == 8192 and crypto.bucket(40_000) == 65_536
    # above 64 KiB, quarter steps: (64 KiB, 128 KiB] in 16 KiB steps
    assert crypto.bucket(65_537) == 81_920 and crypto.bucket(100_000) == 114_688


def test_rotate_makes_new_keys_and_rewrap_keeps_them():
    ring = crypto.create_keyring(PASS)
    rotated = crypto.rotate(ring, PASS, NEW_PASS)
    assert rotated.build != ring.build
    assert keys_of(rotated, NEW_PASS).content != keys_of(ring).content
    with pytest.raises(WrongPassphrase):
        crypto.unwrap(rotated, PASS)
    with pytest.raises(WrongPassphrase):
        crypto.rotate(ring, "not it", NEW_PASS)
    rewrapped = crypto.rewrap(ring, PASS, NEW_PASS)
    assert rewrapped.build == ring.build and keys_of(rewrapped, NEW_PASS) == keys_of(ring)


def test_the_environment_cannot_weaken_the_keyring(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(crypto, "MIN_ITERATIONS", REAL_MIN)
    monkeypatch.setattr(crypto, "DEFAULT_ITERATIONS", REAL_DEFAULT)
    monkeypatch.setenv("JOURNAL_TEST_KDF_ITERATIONS", "1")
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    root = write_journal(tmp_path / "j", {"2026-01-01-a.md": entry("2026-01-01")})
    args = ["publish", "--root", str(root), "--out", str(tmp_path / "out"), "--today", TODAY]
    assert main(args) == 0
    assert crypto.read_keyring(root).iterations == 1_000_000
    assert not hasattr(crypto, "TEST_ITERATIONS_ENV")
    # a weak keyring written by someone else is refused, whatever the environment says
    weak = Keyring(1000, b"s" * 16, b"b" * 16, b"w" * 60)
    (root / "journal.keyring.json").write_text(weak.to_json())
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "1,000 PBKDF2 iterations is below the floor of 600,000" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    with pytest.raises(JournalError, match="below the floor"):
        crypto.create_keyring(PASS, iterations=100_000)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('"iterations": "abc"', "is not a whole number"),
        ('"iterations": 1000000.5', "is not a whole number"),
        ('"iterations": true', "is not a whole number"),
        ('"iterations": 1000000000000', "is absurd"),
        ('"salt": "%%%"', "cannot read the keyring"),
    ],
)
def test_a_bad_keyring_is_a_one_line_error(tmp_path, monkeypatch, capsys, text, says):
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    root = write_journal(tmp_path / "j", {"2026-01-01-a.md": entry("2026-01-01")})
    good = crypto.create_keyring(PASS).to_json()
    if text.startswith('"'):
        key = text.split('"')[1]
        lines = [line for line in good.splitlines() if f'"{key}"' not in line]
        text = "\n".join([lines[0], f"  {text},", *lines[1:]])
    (root / "journal.keyring.json").write_text(text)
    assert main(["publish", "--root", str(root), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert says in err and "journal.keyring.json" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


# --- what the published folder reveals -------------------------------------------------------


def test_nothing_leaks_into_the_published_folder(tmp_path):
    _root, out, ring = make_site(tmp_path)
    files = files_of(out)
    forbidden = [*MARKERS, *IDS, "kumquat", "2026-03", "2026-04", "privatemarker", "draftmarker"]
    for name, data in files.items():
        text = (name + "\n" + data.decode("utf-8", "replace")).lower()
        for word in forbidden:
            assert word.lower() not in text, f"{word!r} leaks in {name}"
    plain = {n for n in files if not n.startswith("p/")}
    assert plain == {
        "index.html",
        "404.html",
        "robots.txt",
        ".nojekyll",
        ".journal-site",
        "assets/style.css",
        "assets/unlock.js",
        "assets/search.js",
        "assets/charts.js",
        *APP_FILES,
        "offline.json",
    }
    _sealed, objects = read_published(out)  # every other file is a sealed object
    assert sorted(f"p/{i}.js" for i in objects) == sorted(n for n in files if n.startswith("p/"))
    assert files["robots.txt"] == b"User-agent: *\nDisallow: /\n"
    shell = files["index.html"]
    assert b"<title>Private journal</title>" in shell
    assert b'name="robots" content="noindex' in shell
    assert b'name="referrer" content="no-referrer"' in shell


def test_the_manifest_lists_every_object_and_the_pages_hold_the_site(tmp_path):
    _root, out, ring = make_site(tmp_path)
    manifest, pages = opened(out, ring)
    _sealed, objects = read_published(out)
    assert manifest["objects"] == {i: crypto.digest(blob) for i, blob in objects.items()}
    assert manifest["home"] in pages and manifest["publish"] > 1_700_000_000_000  # ms, 2023+
    home = pages[manifest["home"]]
    assert "Zebracorn again" in home and 'id="journal-lock"' in home
    everything = "\n".join(pages.values())
    assert "Quokkafish went well" in everything and "wombatlesson matters" in everything
    assert "Privatemarker" not in everything and "Draftmarker" not in everything
    bundles = [i for i, p in pages.items() if p.startswith('{"bundle":2')]
    keys = keys_of(ring)
    assert sorted(bundles) == sorted(keys.opaque_name(n) for n in (MAIN, SEARCH_TEXTS))
    assert "wombatlesson" in pages[keys.opaque_name(MAIN)]  # ranked by the index
    assert "Quokkafish went well" in pages[keys.opaque_name(SEARCH_TEXTS)]  # snippets
    # 3 entries, home, search, streaks, lessons, archive, 1 domain, 1 tag, 2 months; the
    # search files as two objects
    assert len(pages) == 14


def search_objects(out: Path, ring: Keyring) -> tuple[dict, dict]:
    """The two sealed search objects, opened: (the index, the texts)."""
    keys = keys_of(ring)
    _manifest, pages = opened(out, ring)
    return tuple(json.loads(pages[keys.opaque_name(n)]) for n in (MAIN, SEARCH_TEXTS))


def test_the_two_search_objects_hold_exactly_the_search_files(tmp_path):
    root, out, ring = make_site(tmp_path)
    keys = keys_of(ring)
    link = make_linker(keys)
    options = Options(private=False, encrypted=True, today=date(2026, 11, 22))
    _journal, plain = site_files(root, options, link)  # what publish sealed, unsealed
    search = {p: json.loads(data_payload(d)) for p, d in plain.items() if is_search_file(p)}
    # the main file, a shard per first letter, one text chunk
    assert MAIN in search and any(p.startswith("search/w-") for p in search)
    assert [p for p in search if p.startswith("search/d-")] == ["search/d-0.js"]
    index, texts = search_objects(out, ring)

    def name(path: str) -> str:  # as search.js asks for it: its link from the search page
        return MAIN if path == MAIN else posixpath.basename(link(path))

    # nothing lost, nothing extra, nothing in both; each file's JSON as the build wrote it
    assert not index["files"].keys() & texts["files"].keys()
    assert {**index["files"], **texts["files"]} == {name(p): data for p, data in search.items()}
    # the index: the main file and every shard it names, enough to rank and draw results...
    main_file = search[MAIN]
    shards = {posixpath.basename(s) for s in main_file["shards"].values()}
    assert index["files"].keys() == {MAIN, *shards}
    assert index["files"][MAIN]["titles"] == [
        "Zebracorn triumph",
        "Zebracorn stumble",
        "Zebracorn again",
    ]
    # ...the texts: every chunk the main file names, and the index names the texts object
    assert texts["files"].keys() == {posixpath.basename(d) for d in main_file["docs"]}
    assert index["texts"] == posixpath.basename(link(SEARCH_TEXTS))
    manifest, _pages = opened(out, ring)
    assert index["texts"].removesuffix(".js") in manifest["objects"]
    # no search file, nor any text in one, is anywhere in the published folder in the plain
    files = files_of(out)
    assert not [n for n in files if is_search_file(n) or n.startswith("search")]
    strings: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                collect(k)
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(search)
    link_like = re.compile(r"^[0-9a-f]{24}\.(html|js)$")
    form = {*main_file, MAIN, "win", "setback"}  # the format's own words, which search.js knows
    secret = {s for s in strings - form if len(s) >= 6 and not link_like.match(s)}
    assert {
        "Quokkafish went well, see next .",
        "wombatlesson matters",
        "Zebracorn stumble",
    } <= secret
    published = "\n".join(data.decode("utf-8", "replace") for data in files.values())
    assert [s for s in sorted(secret) if s in published] == []


def test_a_body_edit_that_adds_no_word_keeps_the_search_index_object(tmp_path):
    root, out, ring = make_site(tmp_path)
    keys = keys_of(ring)
    index_file, texts_file = (f"p/{keys.opaque_name(n)}.js" for n in (MAIN, SEARCH_TEXTS))
    before = files_of(out)
    before_index, before_texts = search_objects(out, ring)
    edit(root, "Quokkafish again.", "Again quokkafish.")  # the same words, another text
    republish(root, out, ring)
    after = files_of(out)
    after_index, after_texts = search_objects(out, ring)
    assert after_index == before_index and after[index_file] == before[index_file]  # reused
    assert after_texts != before_texts and after[texts_file] != before[texts_file]
    assert "Again quokkafish." in json.dumps(after_texts)


def object_file(ring: Keyring, logical: str) -> str:
    return f"p/{keys_of(ring).opaque_name(logical)}.js"


def test_republishing_keeps_entries_and_search_and_reseals_every_list(tmp_path):
    root, out, ring = make_site(tmp_path)
    first = files_of(out)
    pages = {n for n in first if n.startswith("p/")}
    kept = {object_file(ring, f"entries/{i}.html") for i in IDS}
    kept |= {object_file(ring, MAIN), object_file(ring, SEARCH_TEXTS)}
    lists = pages - kept  # home, the domain, the tag, months, archive, streaks, lessons...
    assert kept < pages and len(lists) >= 6
    republish(root, out, ring)
    second = files_of(out)
    assert {n for n in second if second[n] != first.get(n)} == {
        "index.html",
        "offline.json",
    } | lists
    edit(root, "Quokkafish again.", "Quokkafish once more.")
    republish(root, out, ring)
    third = files_of(out)
    changed = {n for n in third if third[n] != second.get(n)}
    again = object_file(ring, "entries/2026-04-02-kumquat-again.html")
    search = {object_file(ring, MAIN), object_file(ring, SEARCH_TEXTS)}  # new words: once, more
    assert changed == {"index.html", "offline.json", again} | search | lists
    _manifest, plain = opened(out, ring)
    assert "once more" in plain[again[2:-3]]
    republish(root, out, ring, reseal_all=True)
    fourth = files_of(out)
    assert all(fourth[n] != third[n] for n in pages)  # every object resealed...
    republish(root, out, ring)
    fifth = files_of(out)
    assert {n for n in fifth if fifth[n] != fourth[n]} == {"index.html", "offline.json"} | lists


def test_adding_a_win_or_a_setback_changes_the_same_objects(tmp_path):
    """Which objects change must not tell a host the kind of entry added."""
    import shutil

    root, out, ring = make_site(tmp_path / "base")
    changed: dict[str, set[str]] = {}
    for kind in ("win", "setback"):
        here = tmp_path / kind
        shutil.copytree(tmp_path / "base", here, symlinks=True)
        meta = {"lesson": "a lesson", "next": "a next step"} if kind == "setback" else {}
        new_id = "2026-04-05-kumquat-new"
        (here / "j" / "entries" / "2026" / f"{new_id}.md").write_text(
            entry(
                "2026-04-05",
                kind,
                "pangolin-dance",
                "Quokkafish new.",
                tags="[axolotltag]",
                title="Zebracorn new",
                **meta,
            )
        )
        before = files_of(here / "public")
        republish(here / "j", here / "public", ring)
        after = files_of(here / "public")
        new_object = object_file(ring, f"entries/{new_id}.html")
        assert new_object in after and new_object not in before
        changed[kind] = {n for n in after if after[n] != before.get(n)} - {new_object}
        assert {n for n in before if n not in after} == set()
    assert changed["win"] == changed["setback"]


def test_a_lost_publish_state_only_costs_a_reseal(tmp_path):
    root, out, ring = make_site(tmp_path)
    republish(root, out, ring, reseal_all=True)
    before = files_of(out)
    state = root / ".journal-cache" / "publish" / "state.json"
    state.write_text("{damaged")
    republish(root, out, ring)
    manifest, pages = opened(out, ring)
    assert "Zebracorn again" in pages[manifest["home"]]
    assert manifest["publish"] > 0 and files_of(out).keys() == before.keys()


# --- the command line ------------------------------------------------------------------------


def test_cli_wrong_passphrase_is_refused_and_leaves_the_site(tmp_path, monkeypatch, capsys):
    root, out, _ring = make_site(tmp_path)
    before = files_of(out)
    monkeypatch.setenv("JOURNAL_PASSPHRASE", "not the passphrase")
    assert main(["publish", "--root", str(root), "--out", str(out), "--today", TODAY]) == 1
    assert "wrong passphrase" in capsys.readouterr().err
    assert files_of(out) == before


def test_cli_passphrase_rotates_the_key_by_default(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES)
    out = tmp_path / "public"
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    args = ["publish", "--root", str(root), "--out", str(out), "--today", TODAY]
    assert main(args) == 0
    assert "created" in capsys.readouterr().out
    old = crypto.read_keyring(root)
    old_names = {n for n in files_of(out) if n.startswith("p/")}
    monkeypatch.setenv("JOURNAL_NEW_PASSPHRASE", NEW_PASS)
    assert main(["passphrase", "--root", str(root)]) == 0
    said = capsys.readouterr().out
    assert "new site key" in said and "re-encrypts every file" in said
    assert main(args) == 1  # the old passphrase no longer opens the keyring
    monkeypatch.setenv("JOURNAL_PASSPHRASE", NEW_PASS)
    assert main(args) == 0
    new = crypto.read_keyring(root)
    assert new.build != old.build
    names = {n for n in files_of(out) if n.startswith("p/")}
    assert len(names) == len(old_names) and not names & old_names  # every file is new
    sealed, objects = read_published(out)
    with pytest.raises(TamperedObject):  # the old keyring opens nothing published now
        keys_of(old).open_manifest(sealed)
    for object_id, blob in objects.items():
        with pytest.raises(TamperedObject):
            keys_of(old).open(object_id, blob)
    manifest = keys_of(new, NEW_PASS).open_manifest(sealed)
    assert manifest["home"] in objects


def test_cli_rewrap_only_keeps_the_key(tmp_path, monkeypatch, capsys):
    root, out, ring = make_site(tmp_path)
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    monkeypatch.setenv("JOURNAL_NEW_PASSPHRASE", NEW_PASS)
    assert main(["passphrase", "--rewrap-only", "--root", str(root)]) == 0
    assert "old passphrase can still open" in capsys.readouterr().out
    new = crypto.read_keyring(root)
    assert new.build == ring.build and keys_of(new, NEW_PASS) == keys_of(ring)


def test_cli_refuses_a_weak_new_passphrase(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES)
    out = tmp_path / "public"
    monkeypatch.setenv("JOURNAL_PASSPHRASE", "sunshine2024")
    args = ["publish", "--root", str(root), "--out", str(out), "--today", TODAY]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "too easy to guess" in err and "six random words" in err
    assert "--weak-passphrase-ok" in err and len(err.strip().splitlines()) == 1
    assert not (root / "journal.keyring.json").exists() and not out.exists()
    assert main([*args, "--weak-passphrase-ok"]) == 0
    assert (root / "journal.keyring.json").exists()


def test_the_prompt_asks_again_on_a_mismatch(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES)
    monkeypatch.delenv("JOURNAL_PASSPHRASE", raising=False)
    typed = iter([PASS, "something else", "password", PASS, PASS])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    out = tmp_path / "public"
    assert main(["publish", "--root", str(root), "--out", str(out), "--today", TODAY]) == 0
    err = capsys.readouterr().err
    assert "differ; try again" in err and "too easy to guess" in err
    assert next(typed, None) is None  # all five answers were asked for
    crypto.unwrap(crypto.read_keyring(root), PASS)


def test_cli_public_warns_and_leaves_out_private_entries(tmp_path, capsys):
    root = write_journal(tmp_path / "j", FILES)
    out = tmp_path / "public"
    assert main(["publish", "--public", "--root", str(root), "--out", str(out)]) == 0
    assert "WITHOUT encryption" in capsys.readouterr().err
    text = "\n".join(d.decode() for n, d in files_of(out).items() if n.endswith(".html"))
    assert "Quokkafish went well" in text
    assert "Privatemarker" not in text and "Draftmarker" not in text


# --- git -------------------------------------------------------------------------------------


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


ASSETS = ("style.css", "search.js", "unlock.js", "charts.js")
# the app on a phone (issue 26): the same bytes every publish; offline.json changes with it
APP_FILES = (
    "manifest.webmanifest",
    "sw.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
    "icons/apple-touch-icon.png",
)


def objects_of(bare: Path) -> dict[str, str]:
    """Every object reachable from the branch: sha -> path ("" for commits)."""
    lines = git("-C", str(bare), "rev-list", "--objects", "pages").splitlines()
    return {sha: path for sha, _, path in (line.partition(" ") for line in lines)}


def test_git_branch_holds_one_commit_and_no_object_of_an_earlier_publish(
    tmp_path, monkeypatch, capsys
):
    root = write_journal(tmp_path / "j", FILES)
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(bare))
    git("init", "-q", "-b", "main", str(root))
    git("-C", str(root), "config", "user.name", "Sam Private")
    git("-C", str(root), "config", "user.email", "sam@private.example")
    git("-C", str(root), "remote", "add", "origin", str(bare))
    hook = root / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\nenv > {tmp_path / 'hook-env'}\n")
    hook.chmod(0o755)
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    out = root / "public"
    args = ["publish", "--root", str(root), "--out", str(out), "--today", TODAY, "--git", "pages"]
    assert main(args) == 0
    assert "force-pushed it to origin" in capsys.readouterr().out
    first = git("-C", str(bare), "rev-parse", "pages").strip()
    first_objects = objects_of(bare)
    listed = git("-C", str(bare), "ls-tree", "-r", "--name-only", "pages").split()
    assert sorted(listed) == sorted(n for n in files_of(out) if n != ".journal-site")
    # the passphrase never reaches git's hooks; the commit does not name the user
    hook_env = (tmp_path / "hook-env").read_text()
    assert "JOURNAL_PASSPHRASE" not in hook_env and PASS not in hook_env
    who = git(
        "-C", str(bare), "log", "-1", "--format=%an <%ae> %cn <%ce> %ad", "--date=raw", "pages"
    )
    assert who.startswith(
        "Evidence Journal <journal@localhost> Evidence Journal <journal@localhost>"
    )
    assert who.strip().endswith("+0000") and "Sam" not in who
    # the entry made private later: the second publish's branch keeps nothing of the first
    edit(root, "---\n", "---\nprivate: true\n", "2026/2026-03-16-kumquat-setback.md")
    assert main([*args, "--reseal-all"]) == 0
    assert git("-C", str(bare), "rev-list", "--count", "pages").strip() == "1"
    objects = objects_of(bare)
    assert first not in objects
    shared = {first_objects[sha] for sha in first_objects.keys() & objects.keys()}
    plain = {"404.html", "robots.txt", ".nojekyll", "assets", *(f"assets/{n}" for n in ASSETS)}
    plain |= {"icons", *APP_FILES}
    assert shared == plain  # the theme, nothing sealed
    assert not git("-C", str(root), "reflog", "show", "pages").strip()  # no local trail either
    # the user's own branch and index are untouched
    assert not git("-C", str(root), "diff", "--cached", "--name-only").strip()
    assert git("-C", str(root), "symbolic-ref", "HEAD").strip() == "refs/heads/main"


def test_git_refuses_the_checked_out_branch(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES)
    git("init", "-q", "-b", "main", str(root))
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    args = ["publish", "--root", str(root), "--out", str(root / "public"), "--git", "main"]
    assert main(args) == 1
    assert "that branch is checked out" in capsys.readouterr().err


def test_a_journal_s_own_shell_without_the_policy_is_refused(tmp_path):
    root, out, ring = make_site(tmp_path)
    before = files_of(out)
    own = root / "templates" / "publish"
    own.mkdir(parents=True)
    default = (Path(__file__).resolve().parent.parent / "templates/publish/locked.html").read_text()
    without = "\n".join(
        line for line in default.split("\n") if "Content-Security-Policy" not in line
    )
    assert without != default
    (own / "locked.html").write_text(without)
    with pytest.raises(JournalError, match=r"locked.html:1: has no Content-Security-Policy"):
        republish(root, out, ring)
    assert files_of(out) == before  # nothing published
    (own / "locked.html").write_text(default)  # the default's policy, in the journal's own copy
    republish(root, out, ring)
