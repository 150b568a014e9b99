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


@dataclass(frozen=True)
class RenderedBody:
    html: str
    heading: str | None  # the first `# heading`, when the body opens with one
    text: str  # plain text, for search and snippets
    answers: dict[str, str]  # prompt (lower case) -> the first line of its answer


def _prompt_sections(tokens: list) -> tuple[list, dict[str, str]]:
    """Drop prompt headings with nothing under them; collect the first line answering each."""
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
        kept.append(token)
        i += 1
    return kept, answers


def render(body: str) -> RenderedBody:
    """Render an entry body; a leading `# heading` becomes the title, not part of the body,
    and unanswered prompts are left out."""
    md = parser()
    env: dict = {}
    tokens = md.parse(body, env)
    heading = None
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        heading = tokens[1].content.strip()
        tokens = tokens[3:]
    tokens, answers = _prompt_sections(tokens)
    text_parts = []
    for token in tokens:
        if token.type == "inline" and token.children:
            text_parts.extend(
                child.content for child in token.children if child.type in ("text", "code_inline")
            )
        elif token.type in ("code_block", "fence"):
            text_parts.append(token.content)
    html = md.renderer.render(tokens, md.options, env)
    text = " ".join(" ".join(text_parts).split())
    return RenderedBody(html=html, heading=heading, text=text, answers=answers)
