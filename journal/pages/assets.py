"""Files copied as they are: the theme's assets/ and the journal's static/ folder."""

from __future__ import annotations

import os
from pathlib import Path

from journal.pages.page import RAW, Page

ASSETS_DIR = "assets"


def _files(folder: Path) -> list[tuple[str, Path]]:
    """Regular files under `folder` by relative path; names starting with `.` (a `.git/`,
    an editor's temp file) are never part of a site."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".") and path.is_file():
                found.append((path.relative_to(folder).as_posix(), path))
    return found


def asset_pages(template_dirs: list[Path], root: Path, static: bool = True) -> list[Page]:
    """templates/assets/* (the journal's own over the defaults), then static/ at the root;
    a later file replaces an earlier one at the same path (see make_pages)."""
    pages = []
    for folder in reversed(template_dirs):
        for rel, path in _files(folder / ASSETS_DIR):
            pages.append(Page(f"{ASSETS_DIR}/{rel}", RAW, {"data": path.read_bytes()}))
    if static and (root / "static").is_dir():
        for rel, path in _files(root / "static"):
            pages.append(Page(rel, RAW, {"data": path.read_bytes()}))
    return pages
