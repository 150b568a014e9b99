"""The published journal as an app on a phone: web app manifest, icons, service worker and
the offline list it works from.

Everything added here is public already or says nothing new: the manifest names the app
"Private journal" (the shell's own title, never the journal's), the icons and theme colours
come from the published stylesheet, and `offline.json` lists what anyone can read off the
folder (each file's name, size and hash) plus the publish number (the time of the publish,
which the host sees when the files arrive) and the offline budget. The worker
(templates/publish/sw.js) keeps only these files and the sealed objects, byte for byte.

offline.json, format 1:
    {"format": "evidence-journal-offline", "version": 1, "publish": sequence number,
     "budget": bytes, "shell": [[path, size, hash], ...], "objects": [[url, size], ...]}
    shell:   the page shell first, then the manifest, icons and assets/*; hash is
             b64url(SHA-256(file)[:16]), as crypto.digest writes it
    objects: "p/<id>.js?v=<hash of the blob>" as the shell asks for them, smallest first
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from journal.config import load_config
from journal.publish.crypto import digest
from journal.publish.icons import ICONS, hex_colour, icon_files

APP_NAME = "Private journal"  # the title the shell shows before unlocking: nothing more
SHORT_NAME = "Journal"
MANIFEST = "manifest.webmanifest"
WORKER = "sw.js"
OFFLINE_LIST = "offline.json"
MB = 1_000_000  # as phones count storage

# The stylesheet's own colours when a journal's style.css does not set them.
LIGHT = {"bg": "#fdfcf9", "accent": "#1f5fa8"}
DARK = {"bg": "#15171a", "accent": "#8ab8f0"}
_DARK_BLOCK = re.compile(r"@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*\{", re.I)


def colours(stylesheet: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(light, dark) background and accent colours, as the published style.css sets them on
    :root (the first setting, then the one in its dark-scheme block)."""
    text = stylesheet.decode("utf-8", "replace")
    split = _DARK_BLOCK.search(text)
    parts = (text[: split.start()], text[split.end() :]) if split else (text, "")
    found = []
    for part, defaults in zip(parts, (LIGHT, DARK), strict=True):
        values = dict(defaults)
        for name in values:
            match = re.search(rf"--{name}\s*:\s*(#[0-9A-Fa-f]{{6}}|#[0-9A-Fa-f]{{3}})\b", part)
            if match:
                values[name] = match.group(1).lower()
        found.append(values)
    return found[0], found[1]


def manifest(light: Mapping[str, str]) -> bytes:
    """The web app manifest: relative start_url and scope, so any folder or sub-path works;
    the dark theme colour is in the shell (a manifest has one)."""
    icons = [
        {
            "src": path,
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable" if maskable else "any",
        }
        for path, (size, maskable) in ICONS.items()
        if "apple" not in path
    ]
    data = {
        "name": APP_NAME,
        "short_name": SHORT_NAME,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": light["bg"],
        "theme_color": light["bg"],
        "icons": icons,
    }
    return (json.dumps(data, indent=1) + "\n").encode()


def is_shell_file(path: str) -> bool:
    """What the worker keeps per publish, beside the sealed objects."""
    return path in ("index.html", MANIFEST) or path in ICONS or path.startswith("assets/")


def offline_list(
    files: Mapping[str, bytes],
    objects: Mapping[str, tuple[int, str]],
    publish: int,
    budget_mb: float,
) -> bytes:
    """offline.json for these published files (see the module docstring): `objects`, each
    sealed object's file -> (its size, the digest of its blob); paths written as URLs
    relative to the folder, so a name with a space or an accent resolves as the shell's."""
    shell = sorted((p for p in files if is_shell_file(p)), key=lambda p: (p != "index.html", p))
    listed = sorted((size, f"{path}?v={blob}") for path, (size, blob) in objects.items())
    data = {
        "format": "evidence-journal-offline",
        "version": 1,
        "publish": publish,
        "budget": round(budget_mb * MB),
        "shell": [[quote(p), len(files[p]), digest(files[p])] for p in shell],
        "objects": [[url, size] for size, url in listed],
    }
    return json.dumps(data, separators=(",", ":")).encode()


def app_files(
    root: Path, files: Mapping[str, bytes], objects: Mapping[str, tuple[int, str]], publish: int
) -> dict[str, bytes]:
    """What makes a sealed publish an app: manifest, icons, worker and offline list, for
    site.py to add to the published files (the shell links to them already). `objects`:
    as offline_list takes them."""
    config, _problems = load_config(root)  # problems were reported by the build already
    light, _dark = colours(files.get("assets/style.css", b""))
    added = {MANIFEST: manifest(light), WORKER: worker_script(root)}
    added.update(icon_files(hex_colour(light["accent"]), hex_colour(light["bg"])))
    added[OFFLINE_LIST] = offline_list(
        {**files, **added}, objects, publish, config.offline_budget_mb
    )
    return added


def theme_colours(stylesheet: bytes) -> dict[str, str]:
    """The shell's theme-color for each scheme (its top bar, installed or not)."""
    light, dark = colours(stylesheet)
    return {"light": light["bg"], "dark": dark["bg"]}


def worker_script(root: Path) -> bytes:
    from journal.publish.site import _publish_template

    return _publish_template(root, WORKER)
