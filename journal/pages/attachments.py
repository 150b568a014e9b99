"""Attachments: the files entries show or link to, copied as they are, and only those.

Each goes to the same path in the site as in the journal (`entries/2026/finish.jpg`), so
the link the Markdown renderer wrote on the entry's page, `entries/<id>.html`, finds it
from file://, any sub-path and the preview. Only the entries shown get theirs: a private
entry's files never reach a publish. A raw page is keyed by its bytes, so a changed photo
is copied again and an unchanged one never is.
"""

from __future__ import annotations

from journal.load.files import read_regular
from journal.load.journal import MAX_ATTACHMENT_BYTES, Journal
from journal.pages.page import RAW, Page


def attachment_paths(journal: Journal) -> list[str]:
    """Every file the journal's entries refer to, once, in path order."""
    return sorted({path for paths in journal.attachments.values() for path in paths})


def attachment_pages(journal: Journal) -> list[Page]:
    root = journal.root
    return [
        Page(path, RAW, {"data": read_regular(str(root / path), MAX_ATTACHMENT_BYTES)})
        for path in attachment_paths(journal)
    ]
