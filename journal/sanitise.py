"""Entry body HTML made safe to show inside the unlocked shell of an encrypted publish.

An entry's Markdown may hold raw HTML (an imported export, a pasted snippet), and in an
encrypted publish every page is shown inside the one page that holds the key, so a body
must never carry script there: no event handler, no `javascript:` URL, no script, frame,
object, form, `<meta>` or `<base>`. This is done by nh3, the Python binding to Ammonia (a
maintained, html5ever-based allow-list sanitiser), never by hand-written filtering; the
shell's Content-Security-Policy is the second guarantee (templates/publish/locked.html).

What is kept is what the Markdown renderer writes (CommonMark, tables, strikethrough,
footnotes, task lists) and the everyday markup a body may hold as raw HTML. Ids are
prefixed with `user-content-` (and in-page links `#x` with them), as GitHub does, so a body
cannot take the id of an element the site's own scripts look for (DOM clobbering); classes
are kept only when the renderer writes them. The result depends only on the HTML given.
"""

from __future__ import annotations

import re
from functools import cache

import nh3

ID_PREFIX = "user-content-"
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # and relative URLs

TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
        "label",
        "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section",
        "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
# Dropped with everything inside them (other tags not kept lose the tag, keep their text).
DROPPED = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "noframes", "object", "embed",
        "applet", "template", "noscript", "noembed", "textarea", "select", "title", "xmp",
    }
)  # fmt: skip
_TABLE = {"colspan", "rowspan", "align", "scope"}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "td": _TABLE,
    "th": _TABLE,
    "col": {"span", "align"},
    "colgroup": {"span", "align"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "time": {"datetime"},
}
# The only inline styles kept: a Markdown table's column alignment, exactly as written by the
# renderer. The shell's CSP allows exactly these three (their hashes, with 'unsafe-hashes').
ALIGN_STYLES = frozenset({"text-align:left", "text-align:right", "text-align:center"})
VALUES = {
    "td": {"style": set(ALIGN_STYLES)},
    "th": {"style": set(ALIGN_STYLES)},
    "input": {"checked": {"checked", ""}, "disabled": {"disabled", ""}},
}
# An input is a checkbox (a task-list item), whatever the HTML asked for. One attribute only:
# Ammonia adds these from a hash map, so several would come out in a different order in
# each process, and the same journal must always give the same bytes.
FORCED = {"input": {"type": "checkbox"}}
# The classes the Markdown renderer writes (footnotes, task lists, fenced code's language).
CLASSES = frozenset(
    {
        "footnote-ref", "footnotes-sep", "footnotes", "footnotes-list", "footnote-item",
        "footnote-backref", "contains-task-list", "task-list-item", "task-list-item-checkbox",
        "prompt",
    }
)  # fmt: skip
_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]+")


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Classes the renderer writes; in-page links follow their prefixed ids."""
    if name == "class":
        kept = [c for c in value.split() if c in CLASSES or _LANGUAGE.fullmatch(c)]
        return " ".join(kept) or None
    if name == "href" and value.startswith("#") and not value.startswith("#" + ID_PREFIX):
        return "#" + ID_PREFIX + value[1:] if len(value) > 1 else value
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROPPED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        strip_comments=True,
        link_rel=None,
        tag_attribute_values={tag: dict(values) for tag, values in VALUES.items()},
        set_tag_attribute_values={tag: dict(values) for tag, values in FORCED.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="pass_through",
        id_prefix=ID_PREFIX,
    )


def clean_html(html: str) -> str:
    """`html` (an entry body) with only safe markup left: see the module's docstring."""
    return _cleaner().clean(html)
