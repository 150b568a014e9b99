"""The search page and its index files (see search_index.py for their format)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from journal.load.entry import Body, Entry
from journal.pages import search_index as si
from journal.pages.model import Site
from journal.pages.page import Late, Page, Reads
from journal.pages.paths import SEARCH_PAGE, entry_path

MAIN_FILE = "@search-main"
SHARD_FILE = "@search-shard"
CHUNK_FILE = "@search-chunk"

PAGE_SIZE = 50  # search results per page, unless journal.toml says (page_size)
Link = Callable[[str], str]  # a site path -> its link from the search page


def index_site(site: Site, bodies: Mapping[str, Body]) -> si.SearchIndex:
    """The index of every shown entry: made from the bodies, after the pages are listed."""
    names = {d.slug: d.name for d in site.domains}
    return si.SearchIndex.build(
        site.entries, lambda e: si.body_words(bodies[e.id].text, bodies[e.id].words), names
    )


def search_pages(site: Site, layout: tuple[int, tuple[str, ...]]) -> list[Page]:
    """The search page and its files; `layout` is the index's (key length, shard keys), so
    the list of files is known before the bodies are read."""
    entries = site.entries
    names = {d.slug: d.name for d in site.domains}
    k, keys = layout
    chunks = -(-len(entries) // si.CHUNK)
    size = page_size(site)
    pages = [Page(SEARCH_PAGE, "search.html", {"domains": site.domains, "page_size": size})]
    pages.append(
        Page(
            si.MAIN,
            MAIN_FILE,
            {"entries": entries, "names": names, "k": k, "keys": list(keys), "chunks": chunks},
        )
    )
    for key in keys:
        pages.append(Page(si.shard_path(key), SHARD_FILE, {}, _shard(key)))
    for c in range(chunks):
        part = entries[c * si.CHUNK : (c + 1) * si.CHUNK]
        pages.append(Page(si.chunk_path(c), CHUNK_FILE, {}, _chunk(part)))
    return pages


def _shard(key: str) -> Late:
    def late(bodies: Reads) -> dict:  # type: ignore[override]
        return {"words": bodies.part("search", key)}

    return late  # type: ignore[return-value]


def _chunk(part: Sequence[Entry]) -> Late:
    def late(bodies: Mapping[str, Body]) -> dict:
        return {"rows": [(e, bodies[e.id]) for e in part]}

    return late


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
