"""Which template files a page's template reads, and one digest of them for its key.

A template reads its own file, what it extends, includes and imports, and the parts the
renderer renders for it (render.py: `entry_item` and `setback_item` render list items,
`layout("_header.html")` a layout part), and so on for each of those. All of it is found
in the templates' syntax, as Jinja parses them, through the very loader that renders them
(a journal's own templates over the defaults, `default/x.html` for the original). A page's
key holds the digest of exactly these files, so editing one template redoes only the pages
whose templates read it. Where a name is worked out while rendering (`{% include name %}`,
`layout(part)`), the template is taken to read every template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import jinja2
from jinja2 import meta, nodes

# The renderer's functions that render a template of their own (render.py Renderer.render).
PARTS = {"entry_item": "_entry_item.html", "setback_item": "_setback_item.html"}
LAYOUT = "layout"  # layout("_header.html"): the name is its argument
EVERYTHING = None  # a template whose reads are known only while it renders


class TemplateKeys:
    """`keys(name)`: a digest of every template file `name` reads (itself included), for
    one set of template folders. Each file is read and parsed once."""

    def __init__(self, env: jinja2.Environment, everything: Callable[[], str]):
        """`env`: the environment pages are rendered with (its loader finds the files);
        `everything`: a digest of all templates, for a template that may read any."""
        self.env = env
        self.everything = everything
        self._sources: dict[str, str | None] = {}
        self._reads: dict[str, frozenset[str] | None] = {}
        self._keys: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = self._key(name)
        return key

    def _key(self, name: str) -> str:
        found: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            reads = self.reads(current)
            if reads is EVERYTHING:
                return "all " + self.everything()
            todo.extend(reads)
        h = hashlib.blake2b(digest_size=16)
        for current in sorted(found):
            source = self.source(current)
            text = "\0missing" if source is None else source
            h.update(f"{current}\0{text}\0".encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def source(self, name: str) -> str | None:
        if name not in self._sources:
            try:
                self._sources[name] = self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
            except jinja2.TemplateError as exc:  # missing, not UTF-8, too large, unreadable
                self._sources[name] = None if isinstance(exc, jinja2.TemplateNotFound) else ""
                self._reads[name] = EVERYTHING  # rendering it says what is wrong
            except (OSError, UnicodeDecodeError):
                self._sources[name] = ""
                self._reads[name] = EVERYTHING
        return self._sources[name]

    def reads(self, name: str) -> frozenset[str] | None:
        """The templates `name` names itself, or EVERYTHING when some name is known only
        while it renders (or it does not parse: rendering it fails and says why)."""
        if name in self._reads:
            return self._reads[name]
        source = self.source(name)
        found: frozenset[str] | None = frozenset()
        if source is not None:
            try:
                found = template_reads(self.env.parse(source))
            except jinja2.TemplateSyntaxError:
                found = EVERYTHING
        self._reads[name] = found
        return found


def template_reads(tree: nodes.Template) -> frozenset[str] | None:
    """The template names a parsed template reads: extends, include, import, the renderer's
    parts it calls; EVERYTHING when one of them is not a name written in the template."""
    names: set[str] = set()
    for name in meta.find_referenced_templates(tree):
        if name is None:
            return EVERYTHING
        names.add(name)
    layout_calls = 0
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == LAYOUT:
            first = call.args[0] if call.args else None
            if not (isinstance(first, nodes.Const) and isinstance(first.value, str)):
                return EVERYTHING
            names.add(first.value)
            layout_calls += 1
    uses = [n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"]
    if uses.count(LAYOUT) > layout_calls:  # passed around, not called with a name
        return EVERYTHING
    names.update(PARTS[n] for n in uses if n in PARTS)
    return frozenset(names)
