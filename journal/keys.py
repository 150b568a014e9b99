"""The global key: what every page depends on besides its own context, part by part.

The code of this package and the versions of its libraries, the templates, the static
files, journal.toml, the options and today: all of them make the key of a whole build
(nothing changed: nothing to do). A page's key (pages/page.py) is a digest of these but
the templates and static files (`pages_key`), of the template files its own template reads
(template_keys.py) and of everything the page receives; `journal build --explain` names
the parts.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from journal import __version__
from journal.load import MARKDOWN_SETTINGS
from journal.load.files import read_regular
from journal.theme import templates_digest

_CODE = Path(__file__).resolve().parent


def _code_digest() -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(_CODE.rglob("*.py")):
        h.update(path.relative_to(_CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def library_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def parse_key() -> str:
    """What parsing an entry depends on besides the file: this code and its libraries."""
    return "|".join(
        [
            __version__,
            _code_digest(),
            MARKDOWN_SETTINGS,
            *(library_version(d) for d in ("markdown-it-py", "mdit-py-plugins", "PyYAML")),
        ]
    )


def _folder_digest(folder: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def global_parts(root: Path, options: Any, today: date, dirs: list[Path]) -> dict[str, str]:
    """What every page depends on besides its own context, by name (for --explain): the
    code and its libraries, the templates, static files, config, the options and today."""
    config = root / "journal.toml"
    try:
        config_bytes = read_regular(str(config), 1 << 20)
    except OSError:
        config_bytes = b""
    code = [parse_key(), library_version("Jinja2"), library_version("MarkupSafe"), sys.version]
    return {
        "this program or its libraries": "\n".join(code),
        "the options": repr(replace(options, today=None)),
        "today": today.isoformat(),
        "the templates": "\n".join([templates_digest(dirs), *(str(d) for d in dirs)]),
        "static/": _folder_digest(root / "static"),
        "journal.toml": hashlib.blake2b(config_bytes, digest_size=16).hexdigest(),
    }


def global_key(parts: dict[str, str]) -> str:
    return hashlib.blake2b("\n".join(parts.values()).encode(), digest_size=16).hexdigest()


# Parts whose effect on a page its own key already holds: the template files its template
# reads (template_keys.py); a static file's bytes (a page of its own); journal.toml, whose
# values reach a page only through what it receives (the names, the periods, the page
# size... in its context; the title, author, base URL and date format in `common`).
PAGE_LEVEL = ("the templates", "static/", "journal.toml")


def pages_key(parts: dict[str, str]) -> str:
    """The key every page is keyed under: the global parts but those a page reads itself."""
    return global_key({name: value for name, value in parts.items() if name not in PAGE_LEVEL})


# --- the stages ---------------------------------------------------------------------------------
