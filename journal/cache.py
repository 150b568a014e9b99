"""Temporary: what journal/publish and the CLI imported before the memo (journal/memo.py)."""

from journal.memo import CACHE_DIR  # noqa: F401


def default_cache(root):  # noqa: ANN001, ANN201
    return None


EntryCache = object
