"""`journal import`: jrnl, Day One and CSV exports (written by hand from the tools' own
documentation, in tests/fixtures/import/) become entries equal to hand-checked files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from journal.commands.importers import Options, import_file, parse_map_tag, run
from journal.errors import JournalError
from journal.load.journal import load_journal
from tests.conftest import entry, write_journal

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXPECTED = FIXTURES / "expected"
PHOTO = "2d2b737ebef60cc59c3637a2d3168fae.png"
JRNL = {
    "domain": "Public speaking",
    "kind": "win",
    "map_tags": ["oops=kind:setback", "running=domain:Running"],
}
DAYONE = {"domain": "Life", "kind": "win", "map_tags": ["setback=kind:setback", "work=domain:Work"]}


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def dayone_zip(tmp_path: Path) -> Path:
    """The "Day One JSON (.zip)" export: the journal's JSON at the top, photos/<md5>.<type>."""
    path = tmp_path / "Export-Journal.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(FIXTURES / "dayone" / "Journal.json", "Journal.json")
        zf.write(FIXTURES / "dayone" / "photos" / PHOTO, f"photos/{PHOTO}")
    return path


@pytest.mark.parametrize(
    ("source", "file", "options", "problems"),
    [
        ("jrnl", "jrnl.json", JRNL, ["jrnl.json: entry 4: no date"]),
        ("dayone", "dayone/Journal.json", DAYONE, ["Journal.json: entry 3: no creationDate"]),
        ("dayone", "zip", DAYONE, ["Export-Journal.zip: Journal.json: entry 3: no creationDate"]),
        (
            "csv",
            "entries.csv",
            {},
            ["entries.csv: line 5: no date", "entries.csv: line 7: kind is 'wni'; did you mean"],
        ),
    ],
)
def test_an_export_becomes_the_expected_entries_once(tmp_path, source, file, options, problems):
    root = write_journal(tmp_path / "j", {"2026-01-01-mine.md": entry("2026-01-01")})
    path = dayone_zip(tmp_path) if file == "zip" else FIXTURES / file
    text, status = run(root, source, path, **options)
    assert status == 1  # some entries had problems: said, with their source position
    lines = text.splitlines()
    for problem in problems:
        assert any(line.startswith(problem) and "(not imported)" in line for line in lines), text
    written = files_under(root / "entries" / "imported" / source)
    assert written == files_under(EXPECTED / source)
    assert f"into entries/imported/{source}; skipped 0 that already exist" in lines[-1]
    journal = load_journal(root)  # every written entry passes `journal check`
    assert len(journal.entries) == 1 + sum(1 for n in written if n.endswith(".md"))

    before = snapshot(root)
    again, _ = run(root, source, path, **options)
    assert snapshot(root) == before  # a second import writes nothing
    assert "Wrote 0 entries" in again and f"skipped {len(journal.entries) - 1} that" in again
    assert "already exists" in again


def test_tags_starred_and_multi_line_bodies_survive(tmp_path):
    root = write_journal(tmp_path / "j", {})
    run(root, "jrnl", FIXTURES / "jrnl.json", **JRNL)
    journal = load_journal(root)
    talk = next(e for e in journal.entries if e.title.startswith("Gave"))
    assert list(talk.tags) == ["talks", "starred"]
    assert talk.time == "19:30" and talk.domain == "public-speaking"
    assert "Two questions afterwards" in journal.bodies[talk.id].text
    froze = next(e for e in journal.entries if e.title.startswith("Froze"))
    assert froze.kind == "setback"  # from --map-tag oops=kind:setback; the tag is not kept
    assert list(froze.tags) == ["talks"]


def test_dry_run_writes_nothing_and_says_what_it_would(tmp_path):
    root = write_journal(tmp_path / "j", {})
    before = snapshot(root)
    text, _ = run(root, "dayone", dayone_zip(tmp_path), dry_run=True, **DAYONE)
    assert snapshot(root) == before
    assert "would write entries/imported/dayone/2026-05-03-finished-the-half-marathon.md" in text
    assert "Would write 2 entries and 1 photo" in text


def test_an_existing_id_anywhere_is_skipped_never_overwritten(tmp_path):
    mine = entry("2026-04-02", title="Mine")
    root = write_journal(tmp_path / "j", {"2026/2026-04-02-ran-10-km-without-stopping.md": mine})
    text, _ = run(root, "jrnl", FIXTURES / "jrnl.json", **JRNL)
    assert "skipped jrnl.json: entry 2: " in text and "already exists" in text
    assert not (root / "entries/imported/jrnl/2026-04-02-ran-10-km-without-stopping.md").exists()
    assert (root / "entries/2026/2026-04-02-ran-10-km-without-stopping.md").read_text() == mine
    load_journal(root)  # no duplicate id was made


def test_a_file_in_the_way_is_not_overwritten(tmp_path):
    root = write_journal(tmp_path / "j", {})
    name = "imported/dayone/2026-05-03-finished-the-half-marathon/photo-1.png"
    (root / "entries" / name).parent.mkdir(parents=True)
    (root / "entries" / name).write_bytes(b"mine")
    text, _ = run(root, "dayone", dayone_zip(tmp_path), **DAYONE)
    assert (root / "entries" / name).read_bytes() == b"mine"
    assert "photo-1.png already exists" in text
    assert not (root / "entries/imported/dayone/2026-05-03-finished-the-half-marathon.md").exists()


def test_without_a_domain_or_a_kind_they_are_said_at_once_with_the_command(tmp_path):
    """Issue 24: nothing implicit makes an entry a win; a plain import says, once, which
    entries need a domain and a kind, and the one command that imports them."""
    root = write_journal(tmp_path / "j", {})
    path = FIXTURES / "jrnl.json"
    text, status = run(root, "jrnl", path)
    assert status == 1
    lines = text.splitlines()
    # entries 1 to 3 are whole but for those two; entry 4 has no date (its own line)
    assert "jrnl.json: entry 4: no date (not imported)" in lines
    assert (
        "jrnl.json: 3 entries have no domain (entry 1, entry 2, entry 3; or --map-tag "
        "TAG=domain:NAME, or a tag naming a domain you have) (not imported)"
    ) in lines
    assert (
        "jrnl.json: 3 entries have no kind (entry 1, entry 2, entry 3; or --map-tag "
        "TAG=kind:setback) (not imported)"
    ) in lines
    assert (
        f"To import them: journal import jrnl {path} --domain NAME --kind win (or --kind " in text
    )
    assert lines[-1].startswith("Wrote 0 entries") and lines[-1].endswith("; 4 with problems.")
    assert not (root / "entries" / "imported").exists()


def test_jrnl_at_tags_become_tags_and_one_naming_a_domain_is_the_domain(tmp_path):
    root = write_journal(
        tmp_path / "j", {"2026-01-01-mine.md": entry("2026-01-01", "win", "Talks")}
    )
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "tags": {"@talks": 1, "@nerves": 1},
                "entries": [
                    {
                        "title": "Spoke at the @talks night, mail me at a@talks.org",
                        "body": "Felt the @nerves, said it anyway. @talks went fine.",
                        "date": "2026-03-14",
                        "time": "19:30",
                        "tags": ["@talks", "@nerves"],
                        "starred": False,
                    }
                ],
            }
        )
    )
    text, status = run(root, "jrnl", export, kind="win")
    assert status == 0, text
    journal = load_journal(root)
    new = next(e for e in journal.entries if e.date.isoformat() == "2026-03-14")
    assert new.domain == "talks"  # the tag named the journal's domain `talks`
    assert list(new.tags) == ["nerves"]
    assert new.title == "Spoke at the talks night, mail me at a@talks.org"
    assert journal.bodies[new.id].text == "Felt the nerves, said it anyway. talks went fine."


@pytest.mark.parametrize(
    ("source", "content", "says"),
    [
        ("jrnl", b"not json at all", "x.json: line 1: not JSON"),
        (
            "jrnl",
            b"\xff\xfe\x00garbage",
            "x.json: line 1: not UTF-8 text (byte 0xff), so not a jrnl JSON export",
        ),
        ("jrnl", b'{"items": []}', 'no "entries" list, so not a jrnl JSON export'),
        ("jrnl", b"[1, 2]", 'no "entries" list'),
        (
            "jrnl",
            json.dumps({"entries": [{"creationDate": "2026-01-01T00:00:00Z"}]}).encode(),
            "this looks like a Day One export (use `journal import dayone`)",
        ),
        (
            "dayone",
            json.dumps({"entries": [{"date": "2026-01-01", "body": "x"}]}).encode(),
            "this looks like a jrnl export (use `journal import jrnl`)",
        ),
        ("dayone", b"PK\x03\x04broken zip", "x.json: a truncated or damaged zip (it starts"),
        ("csv", b"title,body\nA,B\n", "x.json: line 1: the header has no `date` column"),
        ("csv", b"date,colour\n2026-01-01,red\n", "unknown column colour"),
        ("csv", b"", "x.json: empty, no header row"),
    ],
)
def test_bad_or_foreign_files_are_a_clear_error_and_write_nothing(tmp_path, source, content, says):
    root = write_journal(tmp_path / "j", {})
    bad = tmp_path / "x.json"
    bad.write_bytes(content)
    before = snapshot(root)
    with pytest.raises(JournalError) as caught:
        import_file(root, source, bad, Options(domain="x"))
    assert says in str(caught.value)
    assert "nothing was imported" in str(caught.value) or "not CSV" in str(caught.value)
    assert snapshot(root) == before


def test_a_zip_without_a_journal_and_a_missing_file(tmp_path):
    root = write_journal(tmp_path / "j", {})
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photos/readme.txt", "hi")
    with pytest.raises(JournalError, match="no .json file at the top of the zip"):
        import_file(root, "dayone", path, Options(domain="x"))
    with pytest.raises(JournalError, match="not a file"):
        import_file(root, "jrnl", tmp_path / "missing.json", Options(domain="x"))


def test_a_photo_missing_or_not_matching_its_md5_is_reported(tmp_path):
    root = write_journal(tmp_path / "j", {})
    path = tmp_path / "Export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(FIXTURES / "dayone" / "Journal.json", "Journal.json")
        zf.writestr(f"photos/{PHOTO}", b"not the photo")
    text, status = run(root, "dayone", path, **DAYONE)
    assert status == 1
    assert (
        "Export.zip: Journal.json: entry 1: photo 1 (2d2b737ebef60cc59c3637a2d3168fae.png)" in text
    )
    assert "does not match its md5" in text


@pytest.mark.parametrize("bad", ["talks", "talks=domain", "talks=colour:red", "x=kind:maybe"])
def test_map_tag_is_checked(bad):
    with pytest.raises(JournalError, match="--map-tag"):
        parse_map_tag(bad)


def test_the_cli_imports_and_reports(tmp_path, capsys):
    from journal.cli import main

    root = write_journal(tmp_path / "j", {})
    args = ["import", "--root", str(root), "csv", str(FIXTURES / "entries.csv"), "--dry-run"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "Would write 3 entries" in out and "entries.csv: line 5: no date" in out
    assert not (root / "entries" / "imported").exists()
    assert main(["import", "--root", str(root), "jrnl", str(FIXTURES / "jrnl.json")]) == 1
    assert "3 entries have no domain" in capsys.readouterr().out


def test_a_domain_close_to_an_existing_one_is_a_warning_at_import(tmp_path):
    root = write_journal(
        tmp_path / "j", {"2026-01-01-mine.md": entry("2026-01-01", "win", "Talks")}
    )
    text, status = run(root, "jrnl", FIXTURES / "jrnl.json", domain="Tallks", kind="win")
    assert status == 1  # entry 4 has no date
    assert (
        "domain `Tallks` is new, and close to `talks` (1 entry): a typo? "
        "(did you mean --domain talks?) [warning]"
    ) in text.splitlines()
