"""Helpers that read a built site the way a browser would: links, resources, visible text."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))
            if name == "id" and value:
                self.ids.add(value)


def parse_links(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def broken_links(site: Path) -> list[str]:
    """Every href/src in every page must name a file (and anchor) inside the site."""
    problems = []
    ids_cache: dict[Path, set[str]] = {}
    for page in sorted(site.rglob("*.html")):
        rel_page = page.relative_to(site).as_posix()
        found = parse_links(page.read_text(encoding="utf-8"))
        ids_cache[page] = found.ids
        for tag, attr, value in found.links:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https", "mailto") or value.startswith("//"):
                if attr == "src" or tag == "link":
                    problems.append(f"{rel_page}: loads {value} from another host")
                continue
            if parts.scheme:
                problems.append(f"{rel_page}: unexpected scheme in {value}")
                continue
            if value.startswith("/"):
                problems.append(
                    f"{rel_page}: absolute link {value} breaks on file:// and sub-paths"
                )
                continue
            target_rel = (
                posixpath.normpath(posixpath.join(posixpath.dirname(rel_page), unquote(parts.path)))
                if parts.path
                else rel_page
            )
            target = site / target_rel
            if target_rel.startswith("..") or not target.is_file():
                problems.append(f"{rel_page}: {value} -> missing {target_rel}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = parse_links(target.read_text(encoding="utf-8")).ids
                if unquote(parts.fragment) not in ids_cache[target]:
                    problems.append(f"{rel_page}: {value} -> no id {parts.fragment}")
    return problems


_BLOCKS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "dt",
    "dd",
    "dl",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "figure",
    "figcaption",
    "table",
    "br",
    "title",
    "caption",
    "summary",
    "details",
    "svg",
    "desc",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    """The page's visible text with white space folded, for asserting what a reader sees."""
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def link_texts(html: str) -> list[str]:
    """The text of each <a> in document order."""

    class _A(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = 0
            self.items: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.inside += 1
                self.items.append("")

        def handle_endtag(self, tag):
            if tag == "a":
                self.inside -= 1

        def handle_data(self, data):
            if self.inside:
                self.items[-1] += data

    parser = _A()
    parser.feed(html)
    return [" ".join(t.split()) for t in parser.items]
