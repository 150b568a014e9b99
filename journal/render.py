"""Render: a Page becomes bytes (Jinja templates, or a renderer given for data files).

This layer knows pages (journal/pages/page.py) and site paths, never a page family or the
loader: what depends on them (the search index's data files, filling the links of an
entry's body) is handed to the Renderer by whoever makes it.
"""

from __future__ import annotations

import os
import posixpath
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup

from journal.errors import TemplateError
from journal.pages.page import RAW, Page
from journal.pages.paths import (
    SEARCH_PAGE,
    domain_path,
    entry_path,
    month_path,
    relative_url,
    tag_path,
)
from journal.regular_files import read_regular
from journal.theme import template_dirs
from journal.workers import map_forked, pool_size

Linker = Callable[[str], str]  # a page's site path -> where it is published
# A data file's renderer: (its path, its context, a site path -> its link from the page
# that loads it, the search page) -> its bytes. Keyed by the page's template name.
DataRenderer = Callable[[str, dict[str, Any], Linker], bytes]
# A body's HTML with its link placeholders filled: (html, targets, url) -> html.
LinkFiller = Callable[[str, tuple, Linker], str]


class Item(Protocol):
    """What list items and the feed read of an entry view."""

    id: str
    key: str
    title: str
    date: date
    time: str | None


# The pages the menu of the layout marks as the current one (`current` in _header.html).
MENU_PAGES = frozenset(
    ("index.html", "streaks.html", "lessons.html", "archive/index.html", "search.html")
)


MAX_TEMPLATE_BYTES = 4 * 1024 * 1024  # a template is a page of markup; more is a mistake


class _Files(jinja2.FileSystemLoader):
    """Jinja's file loader, but a template that is too large or not UTF-8 is a template
    error located by file and line, like any other, instead of a crash."""

    def get_source(self, environment: jinja2.Environment, template: str):  # noqa: ANN201
        pieces = split_template_path(template)
        for folder in self.searchpath:
            filename = posixpath.join(folder, *pieces)
            if os.path.isfile(filename):
                try:
                    data = read_regular(filename, MAX_TEMPLATE_BYTES)
                    data.decode(self.encoding)
                except UnicodeDecodeError as exc:
                    line = data.count(b"\n", 0, exc.start) + 1
                    message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x})"
                    raise jinja2.TemplateSyntaxError(message, line, template, filename) from None
                except OSError as exc:
                    message = f"cannot be read: {exc.strerror or exc}"
                    raise jinja2.TemplateSyntaxError(message, 1, template, filename) from None
                break
        return super().get_source(environment, template)


def _shown(filename: str | None, dirs: Sequence[Path]) -> str | None:
    """A template's file as the user knows it: `templates/x.html` in the journal,
    `default/x.html` for the packaged ones."""
    if not filename:
        return None
    path = Path(filename)
    for number, folder in enumerate(dirs):
        if path.is_relative_to(folder):
            rel = path.relative_to(folder).as_posix()
            return f"default/{rel}" if number == len(dirs) - 1 else f"{folder.name}/{rel}"
    return filename


def _template_frame(exc: BaseException, dirs: Sequence[Path]) -> tuple[str, int] | None:
    """The innermost template line in a traceback (Jinja puts template lines in it)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        shown = _shown(frame.filename, dirs)
        if shown != frame.filename or frame.filename.endswith((".html", ".xml", ".js")):
            found = (shown or frame.filename, frame.lineno or 1)
    return found


def make_env(dirs: Sequence[Path] | Path, compiled: Path | None = None) -> jinja2.Environment:
    """User templates override defaults file by file; `default/x.html` reaches the original.
    `compiled`: a folder for Jinja's own cache of compiled templates, which it keys by
    each template's source, so it cannot be stale."""
    if isinstance(dirs, Path):  # a journal's root
        dirs = template_dirs(dirs)
    loader = jinja2.ChoiceLoader(
        [
            _Files([str(d) for d in dirs]),
            jinja2.PrefixLoader({"default": _Files(str(dirs[-1]))}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
    )
    env.journal_dirs = tuple(dirs)  # type: ignore[attr-defined] - to name a failing file
    env.filters["longdate"] = lambda d: f"{d:%A} {d.day} {d:%B %Y}"
    env.filters["shortdate"] = lambda d: f"{d.day} {d:%b %Y}"
    env.filters["pct"] = lambda x: "–" if x is None else f"{round(100 * x)}%"
    return env


def atom_id(base: str | None, what: str) -> str:
    """Stable across builds and moves of the site: a name-based UUID of the entry's id."""
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"evidence-journal:{base or ''}:{what}")
    )


def atom_time(e: Item) -> str:
    return f"{e.date.isoformat()}T{e.time or '00:00'}:00Z"


FUNCTIONS = {
    "entry_path": entry_path,
    "domain_path": domain_path,
    "tag_path": tag_path,
    "month_path": month_path,
    "atom_id": atom_id,
    "atom_time": atom_time,
}


class Renderer:
    """Page -> bytes, for one build: the environment, what every page receives, the linker;
    `data_files`, the renderers of pages that are data rather than templates (the search
    index's, journal/pages/search.py BUILTINS), and `fill_links`, what templates call as
    `with_links` (journal/load/links.py fill_links).

    List items (`entry_item`, `setback_item`) are rendered once per build for each exact
    set of inputs, since long lists repeat them across pages; layout parts (`layout`:
    the header and footer) once per folder, since they see only what every page sees,
    `url` (whose links depend only on the page's folder) and `current`, the page's path
    when it is one the menu marks."""

    def __init__(
        self,
        env: jinja2.Environment,
        common: dict[str, Any],
        linker: Linker | None,
        *,
        data_files: Mapping[str, DataRenderer] | None = None,
        fill_links: LinkFiller | None = None,
    ):
        self.env = env
        self.common = common
        self.linker = linker or (lambda path: path)
        self.data_files = data_files or {}
        self.fill_links = fill_links
        self.items: dict[tuple, Markup] = {}

    def link(self, from_page: str, to_page: str) -> str:
        return relative_url(self.linker(from_page), self.linker(to_page))

    def _once(self, key: tuple, template: str, **context: Any) -> Markup:
        """A part many pages show (a list item, the header), rendered once per build for
        each `key`, which holds everything the part receives besides `common`."""
        html = self.items.get(key)
        if html is None:
            html = self.items[key] = Markup(
                self.env.get_template(template).render(**self.common, **context)
            )
        return html

    def render(self, page: Page) -> bytes:
        if page.template == RAW:
            return page.context["data"]
        data_file = self.data_files.get(page.template)
        if data_file is not None:
            return data_file(page.path, page.context, lambda to: self.link(SEARCH_PAGE, to))
        here = page.path

        def url(target: str) -> str:
            return self.link(here, target)

        def entry_item(e: Item, show_domain: bool = True) -> Markup:
            link = url(entry_path(e.id))
            key = ("entry", e.key, show_domain, link)
            return self._once(key, "_entry_item.html", e=e, show_domain=show_domain, link=link)

        def layout(name: str) -> Markup:
            current = here if here in MENU_PAGES else None
            key = ("layout", name, posixpath.dirname(self.linker(here)), current)
            return self._once(key, name, url=url, current=current)

        def setback_item(e: Item, applied: list[Item]) -> Markup:
            link = url(entry_path(e.id))
            applied_links = tuple((a.id, a.title, url(entry_path(a.id))) for a in applied)
            key = ("setback", e.key, link, applied_links)
            return self._once(key, "_setback_item.html", e=e, link=link, applied=applied_links)

        functions: dict[str, Any] = {"url": url, "layout": layout}
        functions.update(entry_item=entry_item, setback_item=setback_item)
        if self.fill_links is not None:
            fill = self.fill_links

            def with_links(html: str, targets: tuple = ()) -> Markup:
                """A body's HTML with its links to entries pointing at their pages from here."""
                return Markup(fill(html, targets, url))

            functions["with_links"] = with_links
        try:
            html = self.env.get_template(page.template).render(
                **self.common, **FUNCTIONS, **page.context, page_path=here, **functions
            )
        except TEMPLATE_FAILURES as exc:
            raise _template_error(exc, page, getattr(self.env, "journal_dirs", ())) from None
        return html.encode("utf-8")


# What a template can raise while it runs: Jinja's own errors, a loop of extends or
# includes, and what an expression in it can raise (1/0, a missing key, a bad call).
TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    RecursionError,
    ArithmeticError,
    AttributeError,
    LookupError,
    TypeError,
    ValueError,
)


def _template_error(exc: BaseException, page: Page, dirs: Sequence[Path]) -> TemplateError:
    """A failed template in one line, `where:line: template error: what`, at the innermost
    template line the error passed through."""
    if isinstance(exc, jinja2.TemplateError):
        where = _shown(getattr(exc, "filename", None), dirs)
        if where is None:
            where, line = _template_frame(exc, dirs) or (page.template, 1)
        else:
            line = getattr(exc, "lineno", None) or 1
        return TemplateError(f"{where}:{line}: template error: {exc.message or exc}")
    where, line = _template_frame(exc, dirs) or (page.template, 1)
    if isinstance(exc, RecursionError):
        return TemplateError(
            f"{where}:{line}: template error: templates extend or include each other in a "
            "loop (expected a chain of templates that ends at one without `extends`)"
        )
    return TemplateError(f"{where}:{line}: template error: {type(exc).__name__}: {exc}")


RENDER_PARALLEL_MIN = 400  # pages; below this, forking workers costs more than it saves
_FORKED: tuple[Renderer, Sequence[Page], Callable[[str, bytes], Any]] | None = None


def _render_slice(bounds: tuple[int, int]) -> list[Any]:
    renderer, pages, keep = _FORKED  # type: ignore[misc]
    return [keep(p.path, renderer.render(p)) for p in pages[bounds[0] : bounds[1]]]


def render_many(
    renderer: Renderer, pages: Sequence[Page], keep: Callable[[str, bytes], Any]
) -> Iterator[Any]:
    """keep(path, bytes) for every page, in order; in forked workers when there are many
    and no other thread runs. `keep` runs where the page was rendered (it stores the bytes
    and returns something small), so page bytes never cross a process boundary."""
    global _FORKED
    workers = pool_size(len(pages), RENDER_PARALLEL_MIN)
    if workers == 1:
        for page in pages:
            yield keep(page.path, renderer.render(page))
        return
    size = -(-len(pages) // (workers * 8))
    bounds = [(i, min(i + size, len(pages))) for i in range(0, len(pages), size)]
    _FORKED = (renderer, pages, keep)
    try:
        for chunk in map_forked(_render_slice, bounds, workers):
            yield from chunk
    finally:
        _FORKED = None
