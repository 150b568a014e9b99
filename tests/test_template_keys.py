"""A page's key holds the template files its template reads (journal/template_keys.py):
editing one template makes again only the pages that read it, and every page that reads
it, however it is read (extends, include, import, a list item, a layout part, a name
worked out while rendering). Checked against cold builds, in the CLI and in the preview."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from journal.build import build
from journal.engine import LiveSite
from journal.template_keys import EVERYTHING, template_reads
from tests.test_engine import PREVIEW, cold, journal


def reads(source: str) -> frozenset[str] | None:
    return template_reads(jinja2.Environment().parse(source))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{% extends "base.html" %}', {"base.html"}),
        ('{% include "a.html" %}{% import "m.html" as m %}', {"a.html", "m.html"}),
        ('{% from "_macros.html" import x with context %}', {"_macros.html"}),
        ('{{ layout("_header.html") }}', {"_header.html"}),
        ("{% for e in es %}{{ entry_item(e) }}{% endfor %}", {"_entry_item.html"}),
        ("{{ setback_item(e, []) }}", {"_setback_item.html"}),
        ("<p>{{ title }}</p>", set()),
        ("{% include name %}", EVERYTHING),
        ('{% include ["a.html", name] %}', EVERYTHING),
        ("{{ layout(part) }}", EVERYTHING),
        ('{% set f = layout %}{{ f("_footer.html") }}', EVERYTHING),
    ],
)
def test_the_templates_a_template_reads_are_found_in_its_syntax(source, expected):
    assert reads(source) == (expected if expected is EVERYTHING else frozenset(expected))


def site(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".journal-site"
    }


STEPS = [
    # read only through a name worked out while rendering: the 404 page reads everything
    (
        "404.html",
        '{% extends "default/404.html" %}{% block main %}{{ super() }}'
        '{% set part = "_no" ~ "te.html" %}{% include part ignore missing %}{% endblock %}\n',
    ),
    ("_note.html", "<p>First note.</p>\n"),
    ("_note.html", "<p>Second note.</p>\n"),
    # read only through setback_item(): the failure logs
    ("_setback_item.html", '{% include "default/_setback_item.html" %}<!-- one -->\n'),
    ("_setback_item.html", '{% include "default/_setback_item.html" %}<!-- two -->\n'),
    # a layout part, read by every page through base.html
    ("_footer.html", '{% include "default/_footer.html" %}<p>Footer.</p>\n'),
]


def test_a_template_edit_remakes_the_pages_that_read_it_and_equals_a_cold_build(tmp_path):
    root = journal(tmp_path / "j")
    (root / "templates").mkdir()
    out = tmp_path / "site"
    live = LiveSite(root, PREVIEW)
    live.rebuild(first=True)
    build(root, out, PREVIEW)
    for n, (name, text) in enumerate(STEPS):
        (root / "templates" / name).write_text(text, encoding="utf-8")
        expected = cold(root, tmp_path / f"cold-{n}")
        made = build(root, out, PREVIEW, explain=True)
        assert site(out) == expected, f"CLI, after writing templates/{name}"
        live.rebuild()
        assert dict(live.files) == expected, f"preview, after writing templates/{name}"
        why = dict(made.why)
        if name == "_note.html":  # only the page that includes it by a worked-out name
            assert set(why) == {"404.html"}, why
        if name == "_setback_item.html":
            assert "lessons.html" in why and "404.html" in why, why  # 404 reads everything
            assert not any(p.startswith("entries/") for p in why), why
        if name == "_footer.html":
            assert "entries/2026-11-01-run.html" in why and "index.html" in why
