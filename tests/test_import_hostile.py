"""Issue 22, "Every input answered": `journal import` given a hostile or broken export.

Each case runs the real CLI (`python -m journal import ...`) in a subprocess with a timeout,
inside a small journal, and checks the exit status, the exact one-line answer (the file,
the zip member, the entry or line, what is wrong), that no traceback was printed, that it
took bounded time, and that nothing was written for what was refused. Zips are made here
with zipfile; what zipfile will not write (an encrypted flag, method 99, a bad CRC, a size
it does not hold) is patched into the bytes of its headers.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import entry, write_journal

FIXTURES = Path(__file__).parent / "fixtures" / "import"
PHOTO_NAME = "2d2b737ebef60cc59c3637a2d3168fae.png"
PHOTO = FIXTURES / "dayone" / "photos" / PHOTO_NAME
BOUND = 30.0  # seconds; a case that needs more is hanging or unpacking a bomb
RANGE = "expected a date in the years 1900 to 2199"


# --- running the CLI -------------------------------------------------------------------------


def journal(tmp_path: Path) -> Path:
    return write_journal(tmp_path / "j", {"2026-01-01-mine.md": entry("2026-01-01")})


def snapshot(root: Path) -> dict[str, bytes]:
    found = {}
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def run_import(root: Path, *args: str | Path) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of `journal import ARGS` in root."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "journal", "import", *map(str, args)],
        cwd=root,
        capture_output=True,
        timeout=BOUND * 2,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    seconds = time.monotonic() - started
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # strict: UTF-8 printed
    assert "Traceback" not in out + err, err
    assert seconds < BOUND
    return done.returncode, out, err


def refused(root: Path, source: str, path: Path, *options: str) -> str:
    """The one line a refused export gets on standard error; checks that nothing changed."""
    before = snapshot(root)
    status, out, err = run_import(root, source, path, "--domain", "Life", "--kind", "win", *options)
    assert (status, out) == (1, ""), (status, out, err)
    assert err.endswith("; nothing was imported\n") and err.count("\n") == 1, err
    assert snapshot(root) == before
    return err


def imported(root: Path, source: str, path: Path, *options: str) -> tuple[int, list[str]]:
    status, out, err = run_import(root, source, path, "--domain", "Life", "--kind", "win", *options)
    assert err == ""
    return status, out.splitlines()


def summary(written: int, problems: int, photos: int = 0, skipped: int = 0) -> str:
    entries = f"{written} entr{'y' if written == 1 else 'ies'}"
    photos_text = f" and {photos} photo{'s' * (photos != 1)}" if photos else ""
    return (
        f"Wrote {entries}{photos_text} into entries/imported/dayone; skipped {skipped} that "
        f"already exist; {problems} with problems."
    )


def imported_files(root: Path, source: str) -> dict[str, bytes]:
    folder = root / "entries" / "imported" / source
    return snapshot(folder) if folder.exists() else {}


# --- zips, and what zipfile will not write ---------------------------------------------------


def make_zip(path: Path, members: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(name, data, compress_type=method)
    return path


def headers(data: bytes, member: str) -> tuple[int, int]:
    """The offsets of a member's local header and of its central directory record."""
    eocd = data.rindex(b"PK\x05\x06")
    (at,) = struct.unpack_from("<L", data, eocd + 16)
    while data[at : at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<3H", data, at + 28)
        (local,) = struct.unpack_from("<L", data, at + 42)
        if data[at + 46 : at + 46 + name_len] == member.encode():
            return local, at
        at += 46 + name_len + extra_len + comment_len
    raise KeyError(member)


def patch(path: Path, member: str, *, flags: int = 0, method=None, size=None) -> None:
    """Set flag bits, the compression method or the unpacked size of a member, in its
    local header and in the central directory alike."""
    data = bytearray(path.read_bytes())
    local, central = headers(bytes(data), member)
    for header in (local + 6, central + 8):  # flags, method, ..., the unpacked size at +16
        (old,) = struct.unpack_from("<H", data, header)
        struct.pack_into("<H", data, header, old | flags)
        if method is not None:
            struct.pack_into("<H", data, header + 2, method)
        if size is not None:
            struct.pack_into("<L", data, header + 16, size)
    path.write_bytes(bytes(data))


def corrupt(path: Path, member: str, offset: int) -> None:
    """Flip one byte of a member's stored data (its CRC-32 no longer matches)."""
    data = bytearray(path.read_bytes())
    local, _ = headers(bytes(data), member)
    name_len, extra_len = struct.unpack_from("<2H", data, local + 26)
    data[local + 30 + name_len + extra_len + offset] ^= 0x20
    path.write_bytes(bytes(data))


def dayone(*entries: dict) -> bytes:
    return json.dumps({"metadata": {"version": "1.0"}, "entries": list(entries)}).encode()


def photo_entry(text: str, when: str = "2026-07-01T10:00:00Z") -> dict:
    md5 = PHOTO_NAME.split(".")[0]
    return {
        "creationDate": when,
        "timeZone": "UTC",
        "text": text,
        "photos": [{"identifier": "P1", "md5": md5, "type": "png"}],
    }


# --- a Day One zip with two journals -------------------------------------------------------


def two_journals(tmp_path: Path) -> Path:
    """Day One's "export all journals": each journal's JSON at the top, one photos/."""
    return make_zip(
        tmp_path / "Export-All.zip",
        [
            ("Journal.json", (FIXTURES / "journals" / "Journal.json").read_bytes()),
            ("Travel.json", (FIXTURES / "journals" / "Travel.json").read_bytes()),
            (f"photos/{PHOTO_NAME}", PHOTO.read_bytes()),
        ],
    )


def test_a_zip_of_two_journals_imports_every_journal_with_its_photos(tmp_path):
    root = journal(tmp_path)
    path = two_journals(tmp_path)
    maps = ["--map-tag", "travel=domain:Travel", "--map-tag", "work=domain:Work"]
    status, lines = imported(root, "dayone", path, *maps)
    assert status == 0
    assert lines == [
        "wrote entries/imported/dayone/2026-07-01-shipped-the-importer.md",
        "wrote entries/imported/dayone/2026-07-05-packed-for-the-trip.md",
        "wrote entries/imported/dayone/2026-07-05-landed-in-tokyo.md",
        "wrote entries/imported/dayone/2026-07-05-packed-for-the-trip-2.md",
        summary(4, 0, photos=1),
    ]
    expected = snapshot(FIXTURES / "expected" / "journals")
    expected["2026-07-05-landed-in-tokyo/photo-1.png"] = PHOTO.read_bytes()
    assert imported_files(root, "dayone") == expected

    before = snapshot(root)
    status, lines = imported(root, "dayone", path, *maps)
    assert status == 0 and lines[-1] == summary(0, 0, skipped=4)
    there = "entries/imported/dayone/2026-07-05-packed-for-the-trip-2.md"
    assert f"skipped Export-All.zip: Travel.json: entry 2: {there} already exists" in lines
    assert snapshot(root) == before


def test_a_journal_twice_in_one_zip_is_refused(tmp_path):
    root = journal(tmp_path)
    doc = (FIXTURES / "journals" / "Journal.json").read_bytes()
    with pytest.warns(UserWarning):  # zipfile warns, and writes it anyway
        path = make_zip(tmp_path / "Export.zip", [("Journal.json", doc), ("Journal.json", doc)])
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: Journal.json: in the zip twice (expected each journal once); "
        "nothing was imported\n"
    )


# --- members that cannot be read ------------------------------------------------------------


def one_journal(tmp_path: Path, method=zipfile.ZIP_DEFLATED) -> Path:
    doc = (FIXTURES / "journals" / "Journal.json").read_bytes()
    return make_zip(tmp_path / "Export.zip", [("Journal.json", doc)], method)


def test_an_encrypted_member_is_refused(tmp_path):
    root = journal(tmp_path)
    path = one_journal(tmp_path)
    patch(path, "Journal.json", flags=0x1)
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: Journal.json: is encrypted (expected an export saved without a "
        "password); nothing was imported\n"
    )


@pytest.mark.parametrize(
    ("method", "name"), [(99, "AES encryption"), (9, "Deflate64"), (12, "bzip2"), (14, "LZMA")]
)
def test_a_member_compressed_another_way_is_refused(tmp_path, method, name):
    root = journal(tmp_path)
    if method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):  # real ones: unbounded when unpacked
        path = one_journal(tmp_path, method)
    else:
        path = one_journal(tmp_path, zipfile.ZIP_STORED)
        patch(path, "Journal.json", method=method)
    assert refused(root, "dayone", path) == (
        f"journal: Export.zip: Journal.json: is compressed with method {method} ({name}), which "
        "is not unpacked here (expected stored or deflated, as Day One writes); nothing was "
        "imported\n"
    )


def test_a_member_whose_data_does_not_match_its_crc_is_refused(tmp_path):
    root = journal(tmp_path)
    path = one_journal(tmp_path, zipfile.ZIP_STORED)
    corrupt(path, "Journal.json", 200)
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: Journal.json: is damaged: its data does not match its CRC-32 "
        "checksum; nothing was imported\n"
    )


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "Export.zip"
    path.write_bytes(b"Day One export, honest\n")
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: not a zip (it neither starts nor ends as one), so not a Day One "
        "JSON (.zip) export; nothing was imported\n"
    )


@pytest.mark.parametrize("keep", [4, 0.5, -10])
def test_a_truncated_zip_is_refused(tmp_path, keep):
    root = journal(tmp_path)
    data = two_journals(tmp_path).read_bytes()
    path = tmp_path / "Export.zip"
    path.write_bytes(data[: keep if isinstance(keep, int) else int(len(data) * keep)])
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: a truncated or damaged zip (it starts as one but has no directory "
        "at its end), so not a Day One JSON (.zip) export; nothing was imported\n"
    )


def test_a_zip_directory_too_large_is_refused_before_it_is_read(tmp_path):
    root = journal(tmp_path)
    path = one_journal(tmp_path)
    data = bytearray(path.read_bytes())
    struct.pack_into("<L", data, data.rindex(b"PK\x05\x06") + 12, 40 << 20)
    path.write_bytes(bytes(data))
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: its zip directory is 40 MB, more than the 32 MB limit (expected "
        "an export of at most 200,000 files); nothing was imported\n"
    )


# --- zip bombs: every read is bounded, and the limit is said ------------------------------------


def test_a_member_declaring_more_than_the_limit_is_not_read(tmp_path):
    root = journal(tmp_path)
    path = one_journal(tmp_path)
    patch(path, "Journal.json", size=300 << 20)
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: Journal.json: unpacks to 300 MB, more than the 256 MB limit for an "
        "export's JSON; nothing was imported\n"
    )


def test_a_member_inflating_past_its_declared_size_is_cut_there(tmp_path):
    """64 MB of spaces declared as 1,000 bytes: reading stops at 1,000, and the CRC-32 of
    the whole does not match what was read."""
    root = journal(tmp_path)
    path = make_zip(tmp_path / "Export.zip", [("Journal.json", b"{" + b" " * (64 << 20) + b"}")])
    assert path.stat().st_size < 1 << 20
    patch(path, "Journal.json", size=1000)
    assert refused(root, "dayone", path) == (
        "journal: Export.zip: Journal.json: is damaged: its data does not match its CRC-32 "
        "checksum; nothing was imported\n"
    )


def test_photos_that_cannot_be_read_are_said_on_their_entry(tmp_path):
    root = journal(tmp_path)
    second = {"creationDate": "2026-07-02T10:00:00Z", "timeZone": "UTC", "text": "Second\nwithout"}
    doc = dayone(photo_entry("First\nwith a photo"), second)
    where = "Export.zip: Journal.json: entry 1: photo 1 (2d2b737ebef60cc59c3637a2d3168fae.png)"
    cases = {
        "encrypted": (
            {"flags": 0x1},
            "is encrypted (expected an export saved without a password)",
        ),
        "method 99": (
            {"method": 99},
            "is compressed with method 99 (AES encryption), which is not unpacked here "
            "(expected stored or deflated, as Day One writes)",
        ),
        "declared 100 MB": (
            {"size": 100 << 20},
            "unpacks to 100 MB, more than the 64 MB limit for a photo",
        ),
    }
    for case, (fields, said) in cases.items():
        path = make_zip(
            tmp_path / "Export.zip",
            [("Journal.json", doc), (f"photos/{PHOTO_NAME}", PHOTO.read_bytes())],
        )
        patch(path, f"photos/{PHOTO_NAME}", **fields)
        status, lines = imported(root, "dayone", path, "--dry-run")
        assert status == 1, case
        assert lines == [
            "would write entries/imported/dayone/2026-07-02-second.md",
            f"{where} {said} (not imported)",
            summary(1, 1).replace("Wrote", "Would write"),
        ], case
    assert imported_files(root, "dayone") == {}


def test_one_photo_shown_by_many_entries_stops_at_the_import_limit(tmp_path):
    """40 entries each showing the same 60 MB photo would write 2,400 MB: the first 34 fit in
    the 2,048 MB one import may take (34 x 60 = 2,040), each later one is said."""
    root = journal(tmp_path)
    big = b"\0" * (60 << 20)
    md5 = hashlib.md5(big).hexdigest()  # noqa: S324 - Day One's own name for it
    entries = [
        {
            "creationDate": f"2026-{7 + n // 28:02}-{n % 28 + 1:02}T10:00:00Z",
            "text": f"Day {n + 1}",
            "photos": [{"identifier": "P", "md5": md5, "type": "png"}],
        }
        for n in range(40)
    ]
    path = make_zip(
        tmp_path / "Export.zip", [("Journal.json", dayone(*entries)), (f"photos/{md5}.png", big)]
    )
    status, lines = imported(root, "dayone", path, "--dry-run")
    assert status == 1
    assert sum(line.startswith("would write ") for line in lines) == 34
    problems = [line for line in lines if "(not imported)" in line]
    assert problems[0] == (
        f"Export.zip: Journal.json: entry 35: photo 1 ({md5}.png) would take this import past "
        "2,048 MB of data, the limit for one import (expected a smaller export) (not imported)"
    )
    assert len(problems) == 6 and problems[-1].startswith("Export.zip: Journal.json: entry 40: ")
    assert lines[-1] == summary(34, 6, photos=34).replace("Wrote", "Would write")
    assert imported_files(root, "dayone") == {}


# --- JSON: too deep, too long, the wrong shape -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 100_000, 1),
        ('{\n "entries": [\n  {"date": "2026-07-01", "x": ' + "[" * 5000 + "]" * 5000 + "}]}", 3),
        ('{"entries": [{"date": "2026-07-01", "x": ' + '{"a": ' * 3000 + "1" + "}" * 3000, 1),
    ],
)
def test_brackets_nested_too_deep_are_refused_with_their_line(tmp_path, text, line):
    root = journal(tmp_path)
    path = tmp_path / "deep.json"
    path.write_text(text)
    assert refused(root, "jrnl", path) == (
        f"journal: deep.json: line {line}: brackets nested more than 100 deep (expected a jrnl "
        "JSON export, a few levels deep); nothing was imported\n"
    )


def test_a_number_too_long_to_convert_is_refused_with_its_line(tmp_path):
    root = journal(tmp_path)
    digits = sys.get_int_max_str_digits()
    path = tmp_path / "big.json"
    path.write_text('{"entries": [\n {"date": "2026-07-01", "n": ' + "9" * (digits + 1) + "}]}")
    assert refused(root, "jrnl", path) == (
        f"journal: big.json: line 2: a number of more than {digits} digits (expected a jrnl JSON "
        "export, whose numbers are short); nothing was imported\n"
    )


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"[]", " (the top level is a list)"),
        (b"null", " (the top level is null)"),
        (b'"entries"', " (the top level is text)"),
        (b"1e999", " (the top level is a number)"),
        (b'{"entries": {"1": {}}}', ' (its "entries" is an object)'),
        (b'{"entries": "[]"}', ' (its "entries" is text)'),
        (b'{"entries": null}', ""),
    ],
)
@pytest.mark.parametrize("source", ["jrnl", "dayone"])
def test_a_document_of_the_wrong_shape_is_refused(tmp_path, source, content, found):
    root = journal(tmp_path)
    path = tmp_path / "x.json"
    path.write_bytes(content)
    what = "a jrnl JSON export" if source == "jrnl" else "a Day One JSON export"
    assert refused(root, source, path) == (
        f'journal: x.json: no "entries" list{found}, so not {what}; nothing was imported\n'
    )


@pytest.mark.parametrize(
    ("content", "line"),
    [(b"", 1), (b'{"entries": [\n{"date": "2026-07-01",}\n]}', 2), (b"{}\n{}", 2)],
)
def test_text_that_is_not_json_is_refused_with_its_line(tmp_path, content, line):
    root = journal(tmp_path)
    path = tmp_path / "x.json"
    path.write_bytes(content)
    err = refused(root, "jrnl", path)
    assert err.startswith(f"journal: x.json: line {line}: not JSON (")
    assert err.endswith("), so not a jrnl JSON export; nothing was imported\n")


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "x.json"
    path.write_bytes(b'{"entries": [\n{"date": "2026-07-01", "title": "caf\xe9"}]}')
    assert refused(root, "jrnl", path) == (
        "journal: x.json: line 2: not UTF-8 text (byte 0xe9), so not a jrnl JSON export; "
        "nothing was imported\n"
    )


# --- entries: surrogates, NULs, control characters, the wrong types ----------------------------


def jrnl(*entries: object) -> str:
    """A jrnl export; strings may hold JSON escapes (\\ud800) that json.dumps cannot make."""
    return '{"tags": {}, "entries": [' + ", ".join(map(str, entries)) + "]}"


def test_a_lone_surrogate_is_said_never_written_or_printed(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "s.json"
    path.write_text(
        jrnl(
            '{"title": "\\ud800 broken", "date": "2026-07-01", "body": "b"}',
            '{"title": "Fine", "date": "2026-07-02", "body": "Emoji \\ud83c\\udf89 whole."}',
            '{"title": "Body", "date": "2026-07-03", "body": "x\\udc80y"}',
            '{"title": "Tag", "date": "2026-07-04", "tags": ["@ok", "@\\udfff"]}',
        )
    )
    status, lines = imported(root, "jrnl", path)
    assert status == 1
    lone = "holds a lone surrogate U+{}, which is not text (expected Unicode characters)"
    assert lines == [
        "wrote entries/imported/jrnl/2026-07-02-fine.md",
        f"s.json: entry 1: title {lone.format('D800')} (not imported)",
        f"s.json: entry 3: body {lone.format('DC80')} (not imported)",
        f"s.json: entry 4: tag 2 {lone.format('DFFF')} (not imported)",
        "Wrote 1 entry into entries/imported/jrnl; skipped 0 that already exist; 3 with problems.",
    ]
    assert imported_files(root, "jrnl") == {
        "2026-07-02-fine.md": "---\ndate: 2026-07-02\nkind: win\ndomain: Life\ntitle: Fine\n---\n"
        "\nEmoji \U0001f389 whole.\n".encode()
    }


def test_a_file_name_that_is_not_utf8_is_printed(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / os.fsdecode(b"caf\xe9.json")
    path.write_text(jrnl('{"title": "No date", "date": ""}'))
    status, lines = imported(root, "jrnl", path)
    assert status == 1
    assert lines[0] == "caf\ufffd.json: entry 1: no date (not imported)"
    path.write_text("[1]")
    assert refused(root, "jrnl", path) == (
        'journal: caf\ufffd.json: no "entries" list (the top level is a list), so not a jrnl '
        "JSON export; nothing was imported\n"
    )


def test_nul_and_control_characters_in_titles_and_tags_are_said(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "c.json"
    path.write_text(
        jrnl(
            '{"title": "a\\u0000b", "date": "2026-07-01"}',
            '{"title": "Tags", "date": "2026-07-02", "tags": ["@ok", "@b\\u0000d"]}',
            '{"title": "Two\\nlines", "date": "2026-07-03"}',
            '{"title": "Red \\u001b[31m", "date": "2026-07-04"}',
            '{"title": "Body", "date": "2026-07-05", "body": "x\\u0000y"}',
            '{"title": "Kept", "date": "2026-07-06", "body": "tab\\tand\\nlines"}',
        )
    )
    status, lines = imported(root, "jrnl", path)
    nul = "holds a NUL character (expected text without control characters)"
    assert status == 1
    assert lines == [
        "wrote entries/imported/jrnl/2026-07-06-kept.md",
        f"c.json: entry 1: title {nul} (not imported)",
        f"c.json: entry 2: tag 2 {nul} (not imported)",
        "c.json: entry 3: title holds the control character U+000A (expected one line of text) "
        "(not imported)",
        "c.json: entry 4: title holds the control character U+001B (expected one line of text) "
        "(not imported)",
        f"c.json: entry 5: body {nul} (not imported)",
        "Wrote 1 entry into entries/imported/jrnl; skipped 0 that already exist; 5 with problems.",
    ]
    assert list(imported_files(root, "jrnl")) == ["2026-07-06-kept.md"]


def test_values_of_the_wrong_type_are_said(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "t.json"
    path.write_text(
        jrnl(
            '{"title": ["x"], "date": "2026-07-01", "body": {"a": 1}, "tags": {"@a": 1}}',
            '{"title": 1e999, "date": 20260702, "tags": [1, null, "@ok", true]}',
            '{"title": "Time", "date": "2026-07-03", "time": 19.5}',
            '"an entry as text"',
            "[]",
        )
    )
    status, lines = imported(root, "jrnl", path)
    assert status == 1
    assert lines == [
        "t.json: entry 1: title is a list, not text; body is an object, not text; tags is an "
        "object, not a list of text (not imported)",
        "t.json: entry 2: date is a number, not text (expected YYYY-MM-DD HH:MM); title is a "
        "number, not text; tag 1 is a number, not text; tag 2 is null, not text; tag 4 is true "
        "or false, not text (not imported)",
        "t.json: entry 3: time is a number, not text (expected YYYY-MM-DD HH:MM) (not imported)",
        "t.json: entry 4: is text, not an object (not imported)",
        "t.json: entry 5: is a list, not an object (not imported)",
        "Wrote 0 entries into entries/imported/jrnl; skipped 0 that already exist; 5 with "
        "problems.",
    ]
    assert imported_files(root, "jrnl") == {}


def test_day_one_values_of_the_wrong_type_are_said(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "Journal.json"
    day = {"creationDate": "2026-07-01T10:00:00Z"}
    path.write_bytes(
        dayone(
            {**day, "text": ["x"]},
            {**day, "text": "Photos\nas text", "photos": "none"},
            {**day, "text": "Tags\nas an object", "tags": {"a": 1}},
            {**day, "text": "A NUL\u0000 in the first line"},
            {**day, "text": "Tags with a NUL", "tags": ["ok", "b\u0000d"]},
        )
    )
    status, lines = imported(root, "dayone", path)
    assert status == 1
    assert lines == [
        "Journal.json: entry 1: text is a list, not text (not imported)",
        "Journal.json: entry 2: photos is text, not a list (not imported)",
        "Journal.json: entry 3: tags is an object, not a list of text (not imported)",
        "Journal.json: entry 4: text holds a NUL character (expected text without control "
        "characters) (not imported)",
        "Journal.json: entry 5: tag 2 holds a NUL character (expected text without control "
        "characters) (not imported)",
        summary(0, 5),
    ]


# --- Day One dates at the ends of the calendar, and time zones ---------------------------------


def test_day_one_dates_and_time_zones_at_the_edges(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "dates.json"
    cases = [
        ("0001-01-01T00:00:00Z", "Pacific/Kiritimati"),
        ("0001-01-01T00:00:00Z", "Etc/GMT+12"),
        ("9999-12-31T23:59:59Z", "Pacific/Kiritimati"),
        ("2026-07-01T10:00:00Z", "Mars/Olympus_Mons"),
        ("2026-07-01T10:00:00Z", "../../etc/passwd"),
        ("2026-07-01T10:00:00Z", 14),
        ("2026-07-01T10:00:00Z", "Pacific/Kiritimati"),  # UTC+14: the next day, at midnight
        ("2026-07-01T10:00:00Z", "Etc/GMT+12"),  # UTC-12 (the sign is POSIX's): the day before
        ("1900-01-01T00:00:00Z", "Etc/GMT+12"),  # in range in UTC, not where it was written
        ("2026-13-45T00:00:00Z", "UTC"),
        (20260701, "UTC"),
    ]
    texts = {6: "Across the date line\nFirst to see the day.", 7: "Behind everyone\nLast."}
    path.write_bytes(
        dayone(
            *(
                {"creationDate": stamp, "timeZone": zone, "text": texts.get(n, f"Entry {n}")}
                for n, (stamp, zone) in enumerate(cases)
            )
        )
    )
    status, lines = imported(root, "dayone", path)
    assert status == 1
    unknown = "is not a time zone known here (expected a name such as Europe/Paris)"
    assert lines == [
        "wrote entries/imported/dayone/2026-07-02-across-the-date-line.md",
        "wrote entries/imported/dayone/2026-06-30-behind-everyone.md",
        f"dates.json: entry 1: creationDate '0001-01-01T00:00:00Z' is out of range ({RANGE}) "
        "(not imported)",
        f"dates.json: entry 2: creationDate '0001-01-01T00:00:00Z' is out of range ({RANGE}) "
        "(not imported)",
        f"dates.json: entry 3: creationDate '9999-12-31T23:59:59Z' is out of range ({RANGE}) "
        "(not imported)",
        f"dates.json: entry 4: timeZone 'Mars/Olympus_Mons' {unknown} (not imported)",
        f"dates.json: entry 5: timeZone '../../etc/passwd' {unknown} (not imported)",
        "dates.json: entry 6: timeZone is a number, not text (expected a name such as "
        "Europe/Paris) (not imported)",
        "dates.json: entry 9: date is '1899-12-31T12:00:00', year 1899 is out of range "
        "(not imported)",
        "dates.json: entry 10: creationDate '2026-13-45T00:00:00Z' is not an ISO 8601 date-time "
        "(not imported)",
        "dates.json: entry 11: creationDate is a number, not text (expected an ISO 8601 "
        "date-time) (not imported)",
        summary(2, 9),
    ]
    head = "---\ndate: {}\nkind: win\ndomain: Life\ntitle: {}\n---\n\n{}\n"
    assert imported_files(root, "dayone") == {
        "2026-07-02-across-the-date-line.md": head.format(
            "2026-07-02T00:00:00", "Across the date line", "First to see the day."
        ).encode(),
        "2026-06-30-behind-everyone.md": head.format(
            "2026-06-30T22:00:00", "Behind everyone", "Last."
        ).encode(),
    }


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"date,title\n2026-07-01,a\x00b\n", "line 2: holds a NUL byte, so not a CSV file"),
        (
            b"date,title\n2026-07-01,caf\xe9\n",
            "line 2: not UTF-8 text (byte 0xe9), so not a CSV file",
        ),
        (
            b"date,title,date\n2026-07-01,a,2026-07-02\n",
            "line 1: the column date is named twice (expected each column once)",
        ),
        (
            b"date,title,colour\x1b[31m\n2026-07-01,a,red\n",
            "line 1: unknown column colour\\x1b[31m (expected date, time, title, body, text, kind, "
            "domain, tags or a frontmatter key)",
        ),
    ],
)
def test_a_csv_that_cannot_be_read_is_refused(tmp_path, content, said):
    root = journal(tmp_path)
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert refused(root, "csv", path) == f"journal: x.csv: {said}; nothing was imported\n"


def test_a_quote_never_closed_is_refused_at_its_row(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "x.csv"
    path.write_bytes(b'date,title\n2026-07-01,ok\n2026-07-02,"open\n2026-07-03,swallowed\n')
    err = refused(root, "csv", path)
    assert err.startswith("journal: x.csv: line 3: not CSV from this row on (")


def test_a_long_csv_cell_is_a_body_and_a_body_too_long_is_said(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "x.csv"
    long, too_long = "word " * 40_000, "word " * 1_800_000  # 200,000 and 9,000,000 characters
    path.write_text(f'date,title,body\n2026-07-01,Long,"{long}"\n2026-07-02,Longer,{too_long}\n')
    status, out, err = run_import(root, "csv", path, "--domain", "Life", "--kind", "win")
    assert (status, err) == (1, "")
    # ---\n date: 2026-07-02\n kind: win\n domain: Life\n title: Longer\n ---\n \n: 4 + 17 + 10
    # + 13 + 14 + 4 + 1 = 63 characters, the body (stripped) 8,999,999, a newline: 9,000,063
    assert out.splitlines() == [
        "wrote entries/imported/csv/2026-07-01-long.md",
        "x.csv: line 3: is 9,000,063 bytes, over the limit of 8,388,608 (expected an entry "
        "under 8 MB) (not imported)",
        "Wrote 1 entry into entries/imported/csv; skipped 0 that already exist; 1 with problems.",
    ]
    written = imported_files(root, "csv")
    assert written == {
        "2026-07-01-long.md": (
            f"---\ndate: 2026-07-01\nkind: win\ndomain: Life\ntitle: Long\n---\n\n{long.strip()}\n"
        ).encode()
    }


def test_csv_cells_a_frontmatter_line_cannot_hold_are_said(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "x.csv"
    digits = "9" * 5000
    path.write_text(
        "date,title,tags,difficulty\n"
        f'2026-07-01,"Two\nlines",,\n'
        '2026-07-02,Tags,"ok, b\x1bd",\n'
        f"2026-07-03,Hard,,{digits}\n"
    )
    status, out, err = run_import(root, "csv", path, "--domain", "Life", "--kind", "win")
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[:2] == [
        "x.csv: line 2: title holds the control character U+000A (expected one line of text) "
        "(not imported)",
        "x.csv: line 4: tag 2 holds the control character U+001B (expected one line of text) "
        "(not imported)",
    ]
    assert lines[2].startswith("x.csv: line 5: difficulty is '9999") and lines[2].endswith(
        "(not imported)"
    )  # a number too long for Python to convert stays text, which `journal check` refuses
    assert len(lines) == 4 and imported_files(root, "csv") == {}


# --- sizes: what one import takes -------------------------------------------------------------


def test_more_entries_than_one_import_takes_is_refused(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "many.json"
    path.write_text(jrnl(*['{"date": ""}'] * 100_001))
    assert refused(root, "jrnl", path) == (
        "journal: many.json: more than 100,000 entries, the limit for one import (expected an "
        "export of fewer entries, such as one period at a time); nothing was imported\n"
    )


def test_a_text_longer_than_an_entry_is_said_before_any_work_on_it(tmp_path):
    root = journal(tmp_path)
    path = tmp_path / "Journal.json"
    day = {"creationDate": "2026-07-01T10:00:00Z", "timeZone": "UTC"}
    path.write_bytes(dayone({**day, "text": " \n" * 5_000_000}, {**day, "text": "Short"}))
    status, lines = imported(root, "dayone", path)
    assert status == 1
    assert lines == [
        "wrote entries/imported/dayone/2026-07-01-short.md",
        "Journal.json: entry 1: text is 10,000,000 characters, more than an entry holds "
        "(expected an entry under 8 MB) (not imported)",
        summary(1, 1),
    ]
