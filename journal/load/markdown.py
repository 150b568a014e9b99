"""The one configured Markdown parser: CommonMark plus tables, footnotes and task lists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from journal.load import MARKDOWN_SETTINGS  # noqa: F401 - where it used to be


@cache
def parser() -> MarkdownIt:
    """One parser per process; building one is far dearer than using it."""
    md = MarkdownIt("commonmark", {"typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, enabled=False)
    return md


@dataclass(frozen=True)
class RenderedBody:
    html: str
    heading: str | None  # the first `# heading`, when the body opens with one
    text: str  # plain text, for search and snippets


def render(body: str) -> RenderedBody:
    """Render an entry body; a leading `# heading` becomes the title, not part of the body."""
    md = parser()
    env: dict = {}
    tokens = md.parse(body, env)
    heading = None
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        heading = tokens[1].content.strip()
        tokens = tokens[3:]
    text_parts = []
    for token in tokens:
        if token.type == "inline" and token.children:
            text_parts.extend(
                child.content for child in token.children if child.type in ("text", "code_inline")
            )
        elif token.type in ("code_block", "fence"):
            text_parts.append(token.content)
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(html=html, heading=heading, text=" ".join(" ".join(text_parts).split()))
