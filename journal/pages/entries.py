"""Entry pages: one per entry, with its body, its neighbours in time and its lesson links."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from html import unescape

from journal.load import markdown
from journal.load.entry import Body, Entry, FullEntry
from journal.load.links import Target, link_targets
from journal.pages.model import Site
from journal.pages.page import Page
from journal.pages.paths import entry_path
from journal.same import keep_last
from journal.sanitise import ID_PREFIX, clean_html


def apply_command(e: Entry) -> str:
    """The command that records a win applying this setback's lesson (closing the loop)."""
    return (
        f"journal new win {shlex.quote('What I did')} --domain {shlex.quote(e.domain)} "
        f"--follows {shlex.quote(e.id)}"
    )


_TAG = re.compile(r"<[^>]*>")
_MARKERS = re.compile(r"<!--answer [a-z0-9-]+-->\n|<!--/answer-->\n")
_LABEL = '<p class="prompt">'


def plain(html: str) -> str:
    """The words of some HTML, one space apart."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def take_answer(html: str, prompt: str) -> tuple[str, str | None]:
    """(the body without the section answering `prompt`, that answer's HTML without its
    label), or (the body, None) when the body has no such section (load/markdown.py marks
    it with two comments when it can be taken whole)."""
    opening = markdown.answer_marker(prompt)
    start = html.find(opening + _LABEL)
    end = html.find(markdown.ANSWER_CLOSE, start) if start >= 0 else -1
    if end < 0:
        return html, None
    inner = html[start + len(opening) : end]
    label_end = inner.find("</p>\n") + len("</p>\n")
    return html[:start] + html[end + len(markdown.ANSWER_CLOSE) :], inner[label_end:]


def _same_start(answer: str, value: str) -> bool:
    """True when the answer's text begins with the whole of `value` (Markdown or not)."""
    said = plain(markdown.render(value).html) or " ".join(value.split())
    text = plain(answer)
    return text == said or text.startswith(said + " ")


def _with_word(answer: str, word: str) -> str:
    """`<p><strong>Lesson:</strong> first paragraph…` (a label paragraph before a list)."""
    if answer.startswith("<p>"):
        return f"<p><strong>{word}</strong> {answer[3:]}"
    return f"<p><strong>{word}</strong></p>\n{answer}"


def lesson_parts(e: Entry, html: str) -> tuple[str, str | None, str | None]:
    """(body HTML, lesson HTML, next-step HTML) for an entry's page: a setback's answer to
    "What did I learn?" (or "What will I try differently?") that is its lesson (or next
    step), because the frontmatter gives none or gives the same words, is shown once, in
    the lesson box, and left out of the body. The answer markers are removed."""
    parts: dict[str, str | None] = {"lesson": None, "next": None}
    if e.kind == "setback":
        for key, value, prompt, word in (
            ("lesson", e.lesson, markdown.LESSON_PROMPT, "Lesson:"),
            ("next", e.next, markdown.NEXT_PROMPT, "Next time:"),
        ):
            if not value:
                continue
            rest, answer = take_answer(html, prompt)
            if answer is not None and _same_start(answer, value):
                html, parts[key] = rest, _with_word(answer, word)
    return _MARKERS.sub("", html), parts["lesson"], parts["next"]


def shown_body(body: Body, html: str, encrypted: bool) -> Body:
    """The body as its page shows it (`html`: lesson_parts'). In an encrypted publish every
    page is shown inside the shell that holds the key, so its HTML is sanitised
    (journal/sanitise.py): no script from an entry runs there. Depends only on the body,
    the entry and the flag (memo: warm == cold)."""
    if encrypted:
        html = clean_html(html)
    if html == body.html:
        return body
    return Body(html, body.text, body.words, attachments=body.attachments, links=body.links)


def shown_targets(targets: tuple[Target, ...], encrypted: bool) -> tuple[Target, ...]:
    """In an encrypted publish, ids in bodies carry the sanitiser's prefix (so an entry can
    never take an id the shell's scripts use): a link's #fragment follows them."""
    if not encrypted:
        return targets
    return tuple(
        t._replace(fragment=f"#{ID_PREFIX}{t.fragment[1:]}") if t.fragment else t for t in targets
    )


def linked_from(site: Site) -> dict[str, list[Entry]]:
    """Entry id -> the shown entries whose bodies link to it, in time order (backlinks)."""
    found: dict[str, list[Entry]] = {}
    for e in site.entries:
        for target, _fragment in site.journal.links.get(e.id, ()):
            if target is not None and target != e.id and target in site.by_id:
                sources = found.setdefault(target, [])
                if not sources or sources[-1] is not e:
                    sources.append(e)
    return found


# One empty list for every page that has none: two listings' pages then hold the very same
# object, which the preview's comparison of listings (journal/same.py) passes at once.
NONE: tuple = ()


def entry_pages(site: Site) -> list[Page]:
    entries = site.entries
    encrypted = site.options.encrypted
    ev = site.evidence
    backlinks = linked_from(site)
    pages = []
    last = len(entries) - 1
    for i, e in enumerate(entries):
        links = site.journal.links.get(e.id, ())
        # only the entries its links lead to: an edit elsewhere leaves this view as it was
        targets = tuple((t, site.by_id[t]) for t, _ in links if t is not None and t in site.by_id)
        page = entry_page(
            e,
            entries[i - 1] if i > 0 else None,
            entries[i + 1] if i < last else None,
            ev.applied_by.get(e.id, NONE),
            site.by_id.get(e.follows) if e.follows else None,
            ev.counter.get(e.id, NONE),
            backlinks.get(e.id, NONE),
            links,
            targets,
            encrypted,
        )
        pages.append(page)
    entry_page.keep_only(site.by_id)  # type: ignore[attr-defined]
    return pages


@keep_last(lambda e, *args: e.id)
def entry_page(
    e: Entry,
    prev: Entry | None,
    next: Entry | None,  # noqa: A002 - the template's name for it
    followed_by: Sequence[Entry],
    follows: Entry | None,
    counter: Sequence[Entry],
    backlinks: Sequence[Entry],
    links: tuple,
    targets: tuple[tuple[str, Entry], ...],
    encrypted: bool,
) -> Page:
    """One entry's page, from exactly what it shows. Kept from the last listing while these
    are the same (journal/same.py): the preview's comparison of two listings then meets the
    very same page for every entry an edit left alone, and passes it at once."""
    context = {
        "prev": prev,
        "next": next,
        "followed_by": followed_by,
        "follows": follows,
        "counter_evidence": counter,
        "apply_command": apply_command(e) if e.kind == "setback" else None,
        "linked_from": backlinks,
    }
    late = _body_view(e, links, dict(targets), encrypted)
    return Page(entry_path(e.id), "entry.html", context, late)


def _body_view(
    e: Entry, links: tuple, by_id: Mapping[str, Entry], encrypted: bool
) -> Callable[[Mapping[str, Body]], dict]:
    """What an entry's page shows of its body (read late: a body edit redoes only this)."""

    def late(bodies: Mapping[str, Body]) -> dict:
        body = bodies[e.id]
        html, lesson_html, next_html = lesson_parts(e, body.html)
        if encrypted:
            lesson_html = clean_html(lesson_html) if lesson_html else None
            next_html = clean_html(next_html) if next_html else None
        return {
            "entry": FullEntry.of(e, shown_body(body, html, encrypted)),
            "lesson_html": lesson_html,
            "next_html": next_html,
            # where each link of the body leads in this build
            "link_targets": shown_targets(link_targets(links, body.links, by_id), encrypted),
        }

    return late
