"""The search page and its index files (see search_index.py for their format)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from journal.pages import search_index as si
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import SEARCH_PAGE, entry_path

MAIN_FILE = "@search-main"
SHARD_FILE = "@search-shard"
CHUNK_FILE = "@search-chunk"

PAGE_SIZE = 50  # search results per page, unless journal.toml says (page_size)
Link = Callable[[str], str]  # a site path -> its link from the search page


def search_pages(site: Site) -> list[Page]:
    entries, bodies = site.entries, site.journal.bodies
    names = {d.slug: d.name for d in site.domains}
    index, postings = si.invert(
        entries, lambda e: si.body_words(bodies[e.id].text, bodies[e.id].words), names
    )
    k = si.key_length(postings)
    shards = si.shards(index, k)
    chunks = -(-len(entries) // si.CHUNK)
    size = page_size(site)
    pages = [Page(SEARCH_PAGE, "search.html", {"domains": site.domains, "page_size": size})]
    pages.append(
        Page(
            si.MAIN,
            MAIN_FILE,
            {"entries": entries, "names": names, "k": k, "keys": list(shards), "chunks": chunks},
        )
    )
    for key, words in shards.items():
        pages.append(Page(si.shard_path(key), SHARD_FILE, {"words": words}))
    for c in range(chunks):
        part = entries[c * si.CHUNK : (c + 1) * si.CHUNK]
        rows = [(e, bodies[e.id]) for e in part]
        pages.append(Page(si.chunk_path(c), CHUNK_FILE, {"rows": rows}))
    return pages


def page_size(site: Site) -> int:
    """Results per page: the journal's page size for lists (`page_size` in journal.toml),
    else PAGE_SIZE."""
    size = getattr(getattr(site.journal, "config", None), "page_size", None)
    return size if isinstance(size, int) and size > 0 else PAGE_SIZE


def render_main(path: str, context: dict[str, Any], link: Link) -> bytes:
    entries = context["entries"]
    payload = si.main_json(
        entries,
        context["names"],
        context["k"],
        [link(entry_path(e.id)) for e in entries],
        {key: link(si.shard_path(key)) for key in context["keys"]},
        [link(si.chunk_path(c)) for c in range(context["chunks"])],
    )
    return si.data_script(si.MAIN, payload)


def render_shard(path: str, context: dict[str, Any], link: Link) -> bytes:
    return si.data_script(path.rsplit("/", 1)[-1], si.postings_json(context["words"]))


def render_chunk(path: str, context: dict[str, Any], link: Link) -> bytes:
    rows = [si.row(link(entry_path(e.id)), e, body.text) for e, body in context["rows"]]
    return si.data_script(path.rsplit("/", 1)[-1], "[" + ",\n".join(rows) + "]")


BUILTINS = {MAIN_FILE: render_main, SHARD_FILE: render_shard, CHUNK_FILE: render_chunk}
