"""What a sealed publish adds to be an app on a phone (issue 26), read without a browser: the
manifest, the icons (decoded here, pixel by pixel), offline.json, and journal.toml's
offline_budget_mb."""

from __future__ import annotations

import json
import math
import re
import struct
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from journal.cli import main
from journal.config import load_config
from journal.publish import crypto
from journal.publish.crypto import digest
from journal.publish.pwa import colours
from journal.publish.site import publish, read_published
from tests.conftest import write_journal
from tests.test_publish import FILES, MARKERS, PASS, TODAY, files_of, keys_of
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture
from tests.test_pwa import make_app

ACCENT, BACKGROUND = (31, 95, 168), (253, 252, 249)  # the default style.css: --accent, --bg
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "publish"


def sealed(root: Path) -> Path:
    """Publish the journal at `root`, encrypted, next to it; the published folder."""
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = root.parent / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    return out


def decode(data: bytes) -> tuple[int, int, list[list[tuple[int, int, int, int]]]]:
    """(width, height, rows of RGBA pixels) of an 8-bit RGBA PNG written with filter 0."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks, idat = 8, [], b""
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        (crc,) = struct.unpack(">I", data[at + 8 + size : at + 12 + size])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append(kind)
        idat += body if kind == b"IDAT" else b""
        if kind == b"IHDR":
            width, height, depth, colour, *_rest = struct.unpack(">IIBBBBB", body)
            assert (depth, colour) == (8, 6)  # 8 bits, RGBA
        at += 12 + size
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    raw, stride = zlib.decompress(idat), width * 4 + 1
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0
        rows.append([tuple(line[1 + x * 4 : 5 + x * 4]) for x in range(width)])
    return width, height, rows


def test_the_manifest_names_the_app_as_the_shell_does_and_links_every_icon(tmp_path):
    root, out, _ring = make_app(tmp_path, 'title = "Sam\'s ocelotword journal"\n')
    manifest = json.loads((out / "manifest.webmanifest").read_text())
    assert manifest == {
        "name": "Private journal",  # the shell's own title: the journal's stays sealed
        "short_name": "Journal",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#fdfcf9",
        "theme_color": "#fdfcf9",
        "icons": [
            {
                "src": "icons/icon-192.png",
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "icons/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any",
            },
            {
                "src": "icons/maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    shell = (out / "index.html").read_text()
    assert '<link rel="manifest" href="manifest.webmanifest">' in shell
    assert '<link rel="apple-touch-icon" href="icons/apple-touch-icon.png">' in shell
    assert 'media="(prefers-color-scheme: light)" content="#fdfcf9"' in shell
    assert 'media="(prefers-color-scheme: dark)" content="#15171a"' in shell
    policy = re.search(r'Content-Security-Policy" content="([^"]+)"', shell).group(1)
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy
    for name, data in files_of(out).items():  # the title, or any word of an entry: nowhere
        if not name.startswith("p/"):
            text = data.decode("latin-1").lower()
            assert "ocelotword" not in text and "sam's" not in text, name
            assert not [w for w in MARKERS if w in text], name
    assert (out / "sw.js").read_bytes() == (TEMPLATES / "sw.js").read_bytes()


def test_the_icons_are_pngs_of_the_sizes_linked_with_the_mark_inside_the_safe_zone(tmp_path):
    _root, out, _ring = make_app(tmp_path)
    sizes = {}
    for name in ("icon-192", "icon-512", "maskable-512", "apple-touch-icon"):
        width, height, rows = decode((out / "icons" / f"{name}.png").read_bytes())
        sizes[name] = (width, height)
        # a background pixel low in the middle; the middle of the check's long stroke
        assert rows[int(height * 0.88)][width // 2] == (*ACCENT, 255), name
        mid = (0.5875 - 0.5) * (0.8 if name in ("maskable-512", "apple-touch-icon") else 1) + 0.5
        down = (0.5175 - 0.5) * (0.8 if name in ("maskable-512", "apple-touch-icon") else 1) + 0.5
        assert rows[int(height * down)][int(width * mid)] == (*BACKGROUND, 255), name
    assert sizes == {
        "icon-192": (192, 192),
        "icon-512": (512, 512),
        "maskable-512": (512, 512),
        "apple-touch-icon": (180, 180),
    }
    _w, _h, plain = decode((out / "icons/icon-512.png").read_bytes())
    assert plain[0][0][3] == 0 and plain[511][511][3] == 0  # rounded corners: see-through
    assert plain[256][0] == (*ACCENT, 255)  # the edge's middle: solid
    _w, _h, maskable = decode((out / "icons/maskable-512.png").read_bytes())
    assert maskable[0][0] == (*ACCENT, 255)  # full bleed: the launcher cuts its own shape
    marked = [
        (x, y) for y, row in enumerate(maskable) for x, px in enumerate(row) if px[:3] != ACCENT
    ]
    assert len(marked) > 5000  # the check mark is there...
    # ...and inside the safe zone, the circle of 40 % of the side around the middle
    assert max(math.hypot(x + 0.5 - 256, y + 0.5 - 256) for x, y in marked) < 0.4 * 512


def test_a_journal_s_own_stylesheet_colours_the_app(tmp_path):
    own = (
        ":root { --bg: #102030; --fg: #fff; --accent: #FF8800; }\n"
        "@media (prefers-color-scheme: dark) { :root { --bg: #000; --accent: #abcdef; } }\n"
    )
    assert colours(own.encode()) == (
        {"bg": "#102030", "accent": "#ff8800"},
        {"bg": "#000", "accent": "#abcdef"},
    )
    out = sealed(write_journal(tmp_path / "j", {**FILES, "/templates/assets/style.css": own}))
    manifest = json.loads((out / "manifest.webmanifest").read_text())
    assert manifest["background_color"] == manifest["theme_color"] == "#102030"
    shell = (out / "index.html").read_text()
    assert 'media="(prefers-color-scheme: dark)" content="#000"' in shell
    _w, height, rows = decode((out / "icons/icon-192.png").read_bytes())
    assert rows[int(height * 0.88)][96] == (255, 136, 0, 255)  # #ff8800
    # no colours found (a stylesheet of its own that sets none): the default ones
    assert colours(b"body { color: red }") == (
        {"bg": "#fdfcf9", "accent": "#1f5fa8"},
        {"bg": "#15171a", "accent": "#8ab8f0"},
    )


def test_offline_json_lists_the_published_files_as_the_shell_asks_for_them(tmp_path):
    _root, out, ring = make_app(tmp_path)
    files = files_of(out)
    listed = json.loads(files["offline.json"])
    sealed, objects = read_published(out)
    manifest = keys_of(ring).open_manifest(sealed)
    assert set(listed) == {"format", "version", "publish", "budget", "shell", "objects"}
    assert (listed["format"], listed["version"]) == ("evidence-journal-offline", 1)
    assert listed["publish"] == manifest["publish"]  # the sealed number, in the open
    assert listed["budget"] == 100_000_000  # the default: 100 MB
    shell = [path for path, _size, _hash in listed["shell"]]
    assert shell[0] == "index.html" and shell[1:] == sorted(shell[1:])
    assert set(shell) == {
        "index.html",
        "manifest.webmanifest",
        "assets/style.css",
        "assets/unlock.js",
        "assets/search.js",
        "assets/charts.js",
        "icons/icon-192.png",
        "icons/icon-512.png",
        "icons/maskable-512.png",
        "icons/apple-touch-icon.png",
    }
    for path, size, hashed in listed["shell"]:
        assert (size, hashed) == (len(files[path]), digest(files[path])), path
    # every sealed object, asked for by the hash the sealed manifest holds, smallest first
    urls = [url for url, _size in listed["objects"]]
    assert sorted(urls) == sorted(f"p/{i}.js?v={h}" for i, h in manifest["objects"].items())
    assert len(urls) == len(objects) == len([n for n in files if n.startswith("p/")])
    sizes = [size for _url, size in listed["objects"]]
    assert sizes == sorted(sizes)
    for url, size in listed["objects"]:
        assert size == len(files[url.split("?")[0]])
    assert "sw.js" not in shell and "offline.json" not in shell  # the browser keeps sw.js


def test_names_with_spaces_and_accents_are_listed_as_addresses(tmp_path):
    out = sealed(write_journal(tmp_path / "j", {**FILES, "/templates/assets/my font é.txt": "x"}))
    listed = json.loads((out / "offline.json").read_text())
    shell = {path: size for path, size, _hash in listed["shell"]}
    assert shell["assets/my%20font%20%C3%A9.txt"] == 1
    assert all(unquote(path) in files_of(out) for path in shell)


def test_the_budget_comes_from_journal_toml(tmp_path):
    _root, out, _ring = make_app(tmp_path, "offline_budget_mb = 2.5\n")
    assert json.loads((out / "offline.json").read_text())["budget"] == 2_500_000


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0", 0), ("100", 100), ("2.5", 2.5), ("10000", 10000)]
    + [(bad, None) for bad in ("-1", "10001", "true", '"100"', "nan", "inf", "[1]")],
)
def test_offline_budget_mb_is_checked_where_journal_toml_is_read(tmp_path, value, ok):
    (tmp_path / "journal.toml").write_text(f'title = "T"\noffline_budget_mb = {value}\n')
    config, problems = load_config(tmp_path)
    if ok is not None:
        assert problems == [] and config.offline_budget_mb == ok
        return
    assert [str(p) for p in problems] == [
        f"journal.toml:2: offline_budget_mb is {config_repr(value)} (expected a number of "
        "megabytes from 0 to 10,000, default 100; 0 keeps nothing on a phone)"
    ]
    assert config.offline_budget_mb == 100  # the default stands


def config_repr(toml_value: str) -> str:
    """How the message shows a TOML value: Python's repr of what tomllib reads."""
    return {"true": "True", '"100"': "'100'", "[1]": "[1]"}.get(toml_value, toml_value)


def test_a_bad_budget_stops_publish_with_one_line(tmp_path, monkeypatch, capsys):
    root = write_journal(tmp_path / "j", FILES, "offline_budget_mb = -5\n")
    monkeypatch.setenv("JOURNAL_PASSPHRASE", PASS)
    out = tmp_path / "public"
    args = ["publish", "--root", str(root), "--out", str(out), "--today", TODAY]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "journal.toml:1: offline_budget_mb is -5 (expected a number of megabytes" in err
    assert "Traceback" not in err and not out.exists()
