"""The one configured Markdown parser: CommonMark plus tables, footnotes and task lists."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from journal.load import MARKDOWN_SETTINGS  # noqa: F401 - where it used to be
from journal.load.links import LABEL, Link, entry_links, wikilinks_plugin
from journal.text import slugify

# Ids the page templates use: a heading in a body never takes one (a `## Main` heading would
# otherwise clash with `<main id="main">`, or stand in for a form the scripts look up).
RESERVED_IDS = frozenset(
    {"main", "definitions", "strength", "apply-command", "journal-lock", "search-domain",
     "search-form", "search-kind", "search-q", "search-results", "search-status",
     "site-search-q"}
)  # fmt: skip


def heading_id(text: str) -> str:
    """A heading's id, so `[see](x.md#how)` and `[[x#how]]` lead to `## How`: its slug,
    moved aside from the ids the templates use (theirs end in -h or are listed above)."""
    slug = slugify(text) or "section"
    if slug in RESERVED_IDS or slug.endswith("-h") or slug.startswith("journal-"):
        slug += "-section"
    return slug


@cache
def parser() -> MarkdownIt:
    """One parser per process; building one is far dearer than using it."""
    md = MarkdownIt("commonmark", {"typographer": False})
    md.enable(["table", "strikethrough"])
    # label=True: each task's checkbox is wrapped with its text in a <label>, its accessible name
    md.use(footnote_plugin).use(tasklists_plugin, enabled=False, label=True).use(wikilinks_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_id)
    return md


# The reflection prompts `journal new` writes as headings (DOMAIN.md: self-monitoring after
# a win, the failure log after a setback). A prompt left unanswered is dropped from the
# body, so it never shows on a page, in the feed, in search or in an export; the answer
# under "What did I learn?" is a setback's lesson when the frontmatter gives none.
PROMPTS = {
    "win": (
        "What specific actions led to this?",
        "What did it prove about what I can do?",
        "How will I use it next time?",
    ),
    "setback": (
        "What did I attempt?",
        "What happened?",
        "What did I learn?",
        "What will I try differently?",
    ),
    "plan": (
        "What exactly will I attempt?",
        "What would count as success?",
    ),
}
ALL_PROMPTS = frozenset(q.lower() for qs in PROMPTS.values() for q in qs)
# A setback's answers that are its lesson and its next step when the frontmatter gives none
LESSON_PROMPT, NEXT_PROMPT = "what did i learn?", "what will i try differently?"


@dataclass(frozen=True)
class RenderedBody:
    html: str
    heading: str | None  # the first `# heading`, when the body opens with one
    text: str  # plain text, for search and snippets
    answers: dict[str, str]  # prompt (lower case) -> the first line of its answer
    # (path from the journal root, file line) of every local file the body shows or links
    # to; a path outside entries/ is kept as written so the loader can refuse it by name
    attachments: tuple[tuple[str, int], ...] = ()
    links: tuple[Link, ...] = ()  # links to entries, each anchor holding a placeholder


ENTRIES = "entries"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
PAGE_SUFFIXES = (".md", ".html", ".htm")  # links to entries and pages, not attachments


def local_target(url: str, relpath: str) -> tuple[str, str] | None:
    """(path from the journal root, what follows it: `#…`) of a link to a file beside the
    entry at `relpath`, or None for other links (another site, a fragment, an entry)."""
    if not url or url.startswith(("/", "#", "?")) or _SCHEME.match(url):
        return None
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path, rest = unquote(url[:cut]), url[cut:]
    if not path or any(ord(c) < 32 for c in path):
        return None  # no file has a NUL or a control character in its name here
    target = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), path))
    if is_page_link(path) or is_page_link(target):
        return None  # `x.md/`, `x.md%2F`, `x.md/.`: an entry, never a file to copy
    return target, rest[rest.find("#") :] if "#" in rest else ""


def is_page_link(path: str) -> bool:
    """True for a path naming an entry or a page, whatever slashes and dots trail it."""
    return path.rstrip("/.").lower().endswith(PAGE_SUFFIXES)


def _attachments(tokens: list, relpath: str, first_line: int) -> tuple[tuple[str, int], ...]:
    """Find local images and file links, and point them where the build copies the files:
    the same path under the site's entries/, linked from the entry's page entries/<id>.html
    (so links work from file://, any sub-path and the preview)."""
    found: list[tuple[str, int]] = []
    for token in tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        line = first_line + token.map[0]
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            attr = {"image": "src", "link_open": "href"}.get(child.type)
            if attr is None:
                continue
            local = local_target(str(child.attrs.get(attr, "")), relpath)
            if local is None:
                continue
            target, fragment = local
            found.append((target, line))
            if target.startswith(ENTRIES + "/"):
                link = quote(posixpath.relpath(target, ENTRIES), safe="/")
                child.attrs[attr] = link + fragment
    return tuple(found)


ANSWER_OPEN = "<!--answer {}-->\n"  # around an answered prompt's section (see _prompt_sections)
ANSWER_CLOSE = "<!--/answer-->\n"


@functools.cache
def answer_marker(prompt: str) -> str:
    """The comment opening the section answering `prompt` in a body's HTML."""
    return ANSWER_OPEN.format(slugify(prompt))


def _label(heading: list, prompt: str) -> list:
    """A prompt heading as a quiet label, `<p class="prompt">`: a question the writer was
    asked, not a section of the page (unstyled, it reads as a line of the text)."""
    opening = Token("paragraph_open", "p", 1, attrs={"class": "prompt"}, block=True)
    opening.map = heading[0].map
    return [opening, heading[1], Token("paragraph_close", "p", -1, block=True)]


def _marker(content: str) -> Token:
    return Token("html_block", "", 0, content=content, block=True)


def _prompt_sections(tokens: list) -> tuple[list, dict[str, str]]:
    """Drop prompt headings with nothing under them; collect the first line answering each.

    An answered prompt's heading becomes a label (`_label`); a section at the top level
    whose tokens are balanced and hold no heading is put between two comments,
    ANSWER_OPEN and ANSWER_CLOSE, when it answers LESSON_PROMPT or NEXT_PROMPT, so the
    entry's page can show it as the lesson (or the next step), once."""
    kept: list = []
    answers: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open" and i + 1 < len(tokens):
            prompt = tokens[i + 1].content.strip().lower()
            if prompt in ALL_PROMPTS:
                end = i + 3  # heading_open, inline, heading_close
                while end < len(tokens) and not (
                    tokens[end].type == "heading_open" and tokens[end].tag <= token.tag
                ):
                    end += 1
                section = tokens[i + 3 : end]
                if not section:
                    i = end  # unanswered: the prompt goes
                    continue
                first = next((t.content for t in section if t.type == "inline"), "")
                answers.setdefault(prompt, first.strip().split("\n", 1)[0].strip())
                whole = (
                    prompt in (LESSON_PROMPT, NEXT_PROMPT)
                    and token.level == 0
                    and _balanced(section)
                )
                if whole:
                    kept.append(_marker(answer_marker(prompt)))
                kept += _label(tokens[i : i + 3], prompt)
                kept += section
                if whole:
                    kept.append(_marker(ANSWER_CLOSE))
                i = end
                continue
        kept.append(token)
        i += 1
    return kept, answers


def _balanced(section: list) -> bool:
    """True when the tokens open and close their own elements and hold no heading."""
    depth = 0
    for t in section:
        if t.type == "heading_open":
            return False
        depth += t.nesting
        if depth < 0:
            return False
    return depth == 0


def render(
    body: str, relpath: str | None = None, first_line: int = 1, titled: bool = False
) -> RenderedBody:
    """Render an entry body; a leading `# heading` becomes the title, not part of the body,
    and unanswered prompts are left out. With the entry's `relpath` (and the file line the
    body starts on), local images and file links are found and pointed at their copies."""
    md = parser()
    env: dict = {}
    tokens = md.parse(body, env)
    heading = None
    if (
        not titled  # with a `title:`, a leading heading is part of the body
        and len(tokens) >= 3
        and tokens[0].type == "heading_open"
        and tokens[0].tag == "h1"
    ):
        heading = tokens[1].content.strip()
        tokens = tokens[3:]
    tokens, answers = _prompt_sections(tokens)
    attachments = _attachments(tokens, relpath, first_line) if relpath else ()
    links = entry_links(tokens, relpath, first_line) if relpath else ()
    text_parts = []
    for token in tokens:
        if token.type == "inline" and token.children:
            text_parts.extend(
                child.content
                for child in token.children
                if child.type in ("text", "code_inline") and LABEL not in child.content
            )  # a wikilink's label is its target's title, known only on the page
        elif token.type in ("code_block", "fence"):
            text_parts.append(token.content)
    html = md.renderer.render(tokens, md.options, env)
    text = " ".join(" ".join(text_parts).split())
    return RenderedBody(html, heading, text, answers, attachments, links)
