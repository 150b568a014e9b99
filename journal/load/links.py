"""Links between entries: `[see](2026-01-05-talk.md)`, `[see](../2025/x.md#part)`,
`[[id]]`, `[[id|text]]` and `[[Title]]`.

Parsing (per file, memoised by its bytes) records each link and gives its anchor a
placeholder address, `\\ue000N\\ue000` (N: the link's number in the body); the journal
resolves every link once all entries are known (an id, a path, a unique title), and the
page that shows the body puts the target page's address in place of the placeholder with
its own `url()`, so the link works from file://, any sub-path, the preview, the feed and
the encrypted site (whose linker maps entry pages like any other). A link to an entry a
build does not show (private, a draft) keeps its text and loses its address, so nothing
of that entry leaves; a link that resolves to nothing keeps the address it was written
with, and is a warning.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple
from urllib.parse import unquote

from journal.config import suggest
from journal.errors import Problem

MARK = "\ue000"  # a private-use character: never produced by Markdown for an address
LABEL = "\ue001"  # around the number of a `[[target]]` written without text: the page fills in
# the target's title (or says it is not in this site), so an id never shows in place of a
# private entry's title
ENTRIES = "entries"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PLACEHOLDER = re.compile(f'href="{MARK}(\\d+){MARK}"')
_LABEL = re.compile(f"{LABEL}(\\d+){LABEL}")


class Link(NamedTuple):
    """One link in a body, as written: `form` is "path" (a relative .md link), "wiki"
    (`[[...]]`) or "outside" (a relative .md link leading out of entries/, kept as written)."""

    form: str
    key: str  # path: the target's path from the root; wiki: what is between the brackets
    fragment: str  # `#part`, or ""
    line: int
    written: str  # the address as written (wiki: `[[key]]`)


# --- parsing: the markdown-it plugin and the pass over a body's tokens --------------------------


def _wikilink(state, silent: bool) -> bool:  # noqa: ANN001 - markdown-it's StateInline
    """`[[target]]` or `[[target|text]]` on one line: a link token whose target is kept in
    its meta for the pass below (an inline rule, before markdown-it's own `link`)."""
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    if end < 0:
        return False
    inner = src[pos + 2 : end]
    if not inner.strip() or "\n" in inner or "[" in inner or "]" in inner:
        return False
    target, _, label = inner.partition("|")
    target, label = target.strip(), label.strip() or target.strip()
    if not target:
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": ""}
        token.meta = {"wiki": target}
        text = state.push("text", "", 0)
        default = not inner.partition("|")[2].strip()
        # written without text: none yet (the page puts in the target's title), so nothing
        # derived from the text, a heading's id say, can carry a private entry's id
        text.content = "" if default else label
        text.meta = {"default_label": default}
        state.push("link_close", "a", -1)
    state.pos = end + 2
    return True


def wikilinks_plugin(md) -> None:  # noqa: ANN001 - MarkdownIt
    md.inline.ruler.before("link", "wikilink", _wikilink)


def _split(url: str) -> tuple[str, str]:
    """(path, `#fragment` or "") of a relative address; a `?query` is dropped."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    rest = url[cut:]
    return url[:cut], rest[rest.find("#") :] if "#" in rest else ""


def entry_links(tokens: list, relpath: str, first_line: int) -> tuple[Link, ...]:
    """Find every link to an entry in a body's tokens, with its file line, and give each
    anchor its placeholder address (the number of the link in the tuple returned)."""
    found: list[Link] = []
    for token in tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        line = first_line + token.map[0]
        children = token.children
        for i, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            if child.type != "link_open":
                continue
            link = _link_of(child, relpath, line)
            if link is None:
                continue
            if link.form != "outside":
                child.attrs["href"] = f"{MARK}{len(found)}{MARK}"
                after = children[i + 1] if i + 1 < len(children) else None
                if after is not None and (after.meta or {}).get("default_label"):
                    after.content = f"{LABEL}{len(found)}{LABEL}"
            found.append(link)
    return tuple(found)


def _link_of(token, relpath: str, line: int) -> Link | None:  # noqa: ANN001 - Token
    wiki = (token.meta or {}).get("wiki")
    if wiki:
        key, fragment = _split(wiki) if "#" in wiki else (wiki, "")
        return Link("wiki", key.strip(), fragment, line, f"[[{wiki}]]")
    url = str(token.attrs.get("href", ""))
    if not url or url.startswith(("/", "#", "?")) or _SCHEME.match(url):
        return None
    path, fragment = _split(url)
    path = unquote(path)
    if any(ord(c) < 32 for c in path) or not path.rstrip("/.").lower().endswith(".md"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), path.rstrip("/")))
    if not target.startswith(ENTRIES + "/"):
        return Link("outside", target, fragment, line, url)
    return Link("path", target, fragment, line, url)


# --- the journal: every link resolved, and what could not be ------------------------------------


class Target(NamedTuple):
    """Where a placeholder goes: an entry's page ("page", its path and fragment), nowhere
    ("hidden": the entry is not shown), or the address as written ("written"); `label`:
    the text of a `[[target]]` written without any (the title, or what was written)."""

    kind: str
    value: str
    fragment: str = ""
    label: str = ""


def resolve_links(
    entries: Iterable,  # Entry
    links: Mapping[str, tuple[Link, ...]],
    unparsed_ids: Iterable[str] = (),
) -> tuple[dict[str, tuple[tuple[str | None, str], ...]], list[Problem]]:
    """(entry id -> (target id or None, fragment) per link, warnings as `path:line`). A
    link to a file with errors is not reported again (its own errors are)."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    by_path = {e.path: e.id for e in entries}
    titles: dict[str, list[str]] = {}
    for e in entries:
        titles.setdefault(e.title.casefold(), []).append(e.id)
    broken = set(unparsed_ids)
    known = sorted(by_id)
    named = sorted({e.title for e in entries})  # for "did you mean" on a [[Title]]
    resolved: dict[str, tuple[tuple[str | None, str], ...]] = {}
    problems: list[Problem] = []
    outside_seen: set[str] = set()
    for e in entries:
        found = []
        for link in links.get(e.id, ()):
            target, problem = _resolve(link, by_id, by_path, titles, broken, known, named)
            if link.form == "outside":
                if link.key not in outside_seen:
                    outside_seen.add(link.key)
                    problems.append(
                        Problem(
                            e.path,
                            link.line,
                            f"link to {link.written} leads outside entries/: kept as written",
                            None,
                            "warning",
                        )
                    )
            elif problem is not None:
                problems.append(Problem(e.path, link.line, problem, None, "warning"))
            found.append((target, link.fragment))
        if found:
            resolved[e.id] = tuple(found)
    return resolved, problems


def _resolve(
    link: Link,
    by_id: Mapping,
    by_path: Mapping[str, str],
    titles: Mapping[str, list[str]],
    broken: set[str],
    known: list[str],
    named: list[str] = (),  # type: ignore[assignment]
) -> tuple[str | None, str | None]:
    """(target id or None, what is wrong or None)."""
    if link.form == "outside":
        return None, None
    if link.form == "path":
        if link.key in by_path:
            return by_path[link.key], None
        stem = posixpath.basename(link.key)[:-3] if link.key.endswith(".md") else link.key
        if stem in by_id:  # by bare file name: ids are unique across folders
            return stem, None
        if stem in broken:
            return None, None
        return None, _no_such(link.written, suggest(stem, known))
    key = link.key
    if key in by_id:
        return key, None
    if key.lower().endswith(".md") and key[:-3] in by_id:
        return key[:-3], None
    same = titles.get(key.casefold(), [])
    if len(same) == 1:
        return same[0], None
    if len(same) > 1:
        return None, (
            f"link to {link.written}: {len(same)} entries have this title "
            f"(expected an id: {', '.join(sorted(same)[:3])})"
        )
    if key in broken:
        return None, None
    return None, _no_such(link.written, suggest(key, [*known, *named]))


def _no_such(written: str, hint: str) -> str:
    return f"link to {written}: no such entry" + (f" ({hint})" if hint else "")


# --- the page: placeholders become addresses ----------------------------------------------------


def link_targets(
    resolved: tuple[tuple[str | None, str], ...], links: tuple[Link, ...], shown: Mapping
) -> tuple[Target, ...]:
    """What each placeholder of a body becomes in a build that shows the entries `shown`
    (id -> entry): part of the page's context, so a target's change reaches the page."""
    from journal.pages.paths import entry_path

    targets = []
    for (target, fragment), link in zip(resolved, links, strict=True):
        if target is None:
            written = link.written if link.form != "wiki" else ""
            targets.append(Target("written", written, "", link.key))
        elif target not in shown:
            targets.append(Target("hidden", "", "", "an entry not in this site"))
        else:
            targets.append(Target("page", entry_path(target), fragment, shown[target].title))
    return tuple(targets)


def fill_links(html: str, targets: tuple[Target, ...], url) -> str:  # noqa: ANN001 - url()
    """Put each link's address in place of its placeholder (a literal the parser wrote)."""
    from markupsafe import escape

    if MARK not in html:
        return html

    def label(match: re.Match) -> str:
        n = int(match.group(1))
        return str(escape(targets[n].label)) if n < len(targets) else ""

    def address(match: re.Match) -> str:
        n = int(match.group(1))
        if n >= len(targets):
            return 'href=""'
        target = targets[n]
        if target.kind == "page":
            return f'href="{escape(url(target.value) + target.fragment)}"'
        if target.kind == "written" and target.value:
            return f'href="{escape(target.value)}"'
        return 'title="not in this site"'  # hidden or nowhere: the text stays, no address

    return _LABEL.sub(label, _PLACEHOLDER.sub(address, html))
