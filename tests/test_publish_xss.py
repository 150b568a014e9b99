"""Issue 22: no script from an entry runs in the published site, which holds the key.

Three layers: the shell's Content-Security-Policy (templates/publish/locked.html), entry
bodies sanitised with nh3 when the site is encrypted (journal/sanitise.py), and unlock.js
dropping handlers, javascript: URLs, frames, <meta http-equiv> and <base> from a decrypted
page before adopting it. In real Chromium, over HTTP on a sub-path and from file://, every
vector below is opened and clicked with all three, and with each layer alone; the shell's
own work (unlocking, charts, search, a table, a task list, a footnote, a photo) raises no
policy violation."""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import re
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from journal.load.markdown import render
from journal.pages import entries as entry_module
from journal.pages.paths import entry_path
from journal.publish import crypto
from journal.publish.site import publish, read_published
from journal.sanitise import ALIGN_STYLES, clean_html
from tests.conftest import entry, write_journal
from tests.test_import import FIXTURES, PHOTO
from tests.test_publish import FILES, PASS, keys_of
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture
from tests.test_publish_browser import NoStore, unlock

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates" / "publish"
PNG = (FIXTURES / "dayone" / "photos" / PHOTO).read_bytes()  # 320 x 200
# What every vector tries: a flag on the shell's window, its title, a console line.
RUN = "top.pwned=1;top.document.title='pwned';console.log('pwned')"
VECTORS = {
    "img onerror": f'Before <img src="x" onerror="{RUN}"> after.',
    "body onload": f'<body onload="{RUN}">\n\nBody onload text.',
    "svg onload": f'<svg onload="{RUN}"><circle r="5"></circle></svg>',
    "svg script": f"<svg><script>{RUN}</script></svg>",
    "svg link": f'<svg><a href="javascript:{RUN}"><text y="20">svglink</text></a></svg>',
    "details ontoggle": f'<details open ontoggle="{RUN}"><summary>more</summary>x</details>',
    "markdown javascript link": f"A [markdown link](javascript:{RUN}) here.",
    "html javascript link": f'An <a href="javascript:{RUN}">html link</a> here.',
    "mixed case javascript link": f'A <a href="  JaVaScRiPt:{RUN}">spaced link</a> here.',
    "iframe srcdoc": f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    "iframe javascript": f'<iframe src="javascript:{RUN}"></iframe>',
    "script": f"<script>{RUN}</script>\n\nScript text.",
    "math mxss": f'<math><mtext><table><mglyph><style><img src="x" onerror="{RUN}">',
    "form action": f'<form action="javascript:{RUN}"><button>formbutton</button></form>',
    "object data": f'<object data="javascript:{RUN}">objecttext</object>',
    "embed": f'<embed src="javascript:{RUN}">',
    "meta refresh": f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    "base href": '<base href="https://evil.example/">\n\nBase text.',
}
TITLES = {name: f"Vector {n:02d}" for n, name in enumerate(VECTORS, start=1)}
DAYS = {name: f"2026-05-{n:02d}" for n, name in enumerate(VECTORS, start=1)}
LEGIT, LEGIT_ID = "Legit markup", "2026-05-30-legit"
LEGIT_BODY = """\
| Left | Right | Centre |
|:--|--:|:-:|
| a | 1 | c |

- [x] legitdone
- [ ] legittodo

A note[^1] with ~~struck~~ and `code`.

<details><summary>legitmore</summary>Hidden legit text.</details>

![Legit photo](legit/photo.png)

[^1]: legitfootnote
"""
CLICKABLE = "main .body a, main .body button, main .body summary, main .body input, main .body text"
# Markup that could run script, in any page: a handler, a script URL, an inline script, a
# frame, a plugin, <base>, <meta http-equiv>. (Text may mention them: it is only text.)
HOSTILE = re.compile(
    r"<[^>]*\son[a-z]+\s*=|<[^>]*=\s*[\"']?\s*javascript:|<script(?![^>]*\ssrc=)"
    r"|<(iframe|object|embed|base|meta http-equiv)\b",
    re.IGNORECASE,
)
BODY = re.compile(r'<div class="body">\n(.*?)\n  </div>', re.DOTALL)  # an entry's body
# Every page of the published site records the policy violations it raises; the top page
# keeps them across the pages the shell shows (they are one document).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var into = window.__violations;
  try { into = top.__violations || into; } catch (x) { /* a frame of another origin */ }
  into.push([e.effectiveDirective, e.blockedURI, e.sample].join(" "));
});
"""


@pytest.fixture
def www(tmp_path):
    """A folder served over HTTP on 127.0.0.1; yields (folder, port)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(NoStore, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, server.server_address[1]
    server.shutdown()
    server.server_close()


def vector_files() -> dict[str, str]:
    files = {}
    for name, body in VECTORS.items():
        day = DAYS[name]
        files[f"2026/{day}-vector.md"] = entry(day, body=body, title=TITLES[name])
    files[f"2026/{LEGIT_ID}.md"] = entry("2026-05-30", body=LEGIT_BODY, title=LEGIT)
    files["2026/legit/photo.png"] = ""
    return files


def pages_of(out: Path, ring: crypto.Keyring) -> dict[str, str]:
    """Every sealed object's plaintext by id (the photo's bytes too, as text)."""
    keys = keys_of(ring)
    _sealed, objects = read_published(out)
    return {i: keys.open(i, blob).decode("utf-8", "replace") for i, blob in objects.items()}


def published(tmp_path, monkeypatch, *, sanitise=True, policy=True, dom=True):
    """The journal of test_publish plus one entry per vector and one of legitimate markup,
    published with the layers asked for; (out, opaque page name by entry title)."""
    root = write_journal(tmp_path / "j", {**FILES, **vector_files()})
    (root / "entries/2026/legit/photo.png").write_bytes(PNG)
    own = root / "templates" / "publish"
    if not dom:
        script = (TEMPLATES / "unlock.js").read_text()
        assert script.count("    defuse(doc, here);\n") == 1
        own.mkdir(parents=True, exist_ok=True)
        (own / "unlock.js").write_text(script.replace("    defuse(doc, here);\n", ""))
    if not sanitise:
        monkeypatch.setattr(entry_module, "clean_html", lambda html: html)
    ring = crypto.create_keyring(PASS)
    crypto.write_keyring(root, ring)
    out = tmp_path / "public"
    publish(root, out, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    if not policy:  # publish refuses a shell without it, so it is taken out afterwards
        shell = (out / "index.html").read_text()
        without = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", shell)
        assert without != shell
        (out / "index.html").write_text(without)
    keys = keys_of(ring)
    ids = {TITLES[name]: f"{day}-vector" for name, day in DAYS.items()} | {LEGIT: LEGIT_ID}
    names = {title: keys.opaque_name(entry_path(i)) for title, i in ids.items()}
    # the vectors really are in the pages when the sanitiser is off, and gone when it is on
    pages = pages_of(out, ring)
    vector_page = pages[names[TITLES["img onerror"]]]
    assert ("onerror" in vector_page) is not sanitise
    if sanitise:
        for text in pages.values():
            assert not HOSTILE.search(text), HOSTILE.search(text)
        for title in TITLES.values():
            body = BODY.search(pages[names[title]]).group(1)
            assert not re.search(r"<(form|svg|math|button|style)\b", body), body
    return out, names


def shell_url(out: Path, transport: str, www: tuple[Path, int]) -> str:
    """The shell's address: from file://, or over HTTP on a sub-path."""
    if transport == "file":
        return (out / "index.html").as_uri()
    folder, port = www
    shutil.copytree(out, folder / "journal")
    return f"http://127.0.0.1:{port}/journal/"


def show(page, name: str, title: str) -> None:
    """The shell's route to a page, then wait until it is shown. (Under the shell's policy,
    without 'unsafe-eval', Playwright's wait_for_function must be given a function: an
    expression string is evaluated again at every poll, with eval, and refused.)"""
    page.evaluate("h => { location.hash = h; }", "#/" + name)
    page.wait_for_function("t => document.querySelector('h1')?.textContent === t", arg=title)


def violations(page) -> list[str]:
    return page.evaluate("window.__violations.slice()")


def not_run(page, console: list[str]) -> None:
    assert page.evaluate("window.pwned") is None
    assert page.title() != "pwned" and "pwned" not in console
    assert page.query_selector("#journal-lock")  # still the unlocked shell


def click_everything(page, url_prefix: str) -> None:
    """Click (as a user would, or from script where it has no box) everything clickable
    in the body: links, buttons, summaries, the SVG link's text."""
    found = page.locator(CLICKABLE)
    for i in range(found.count()):
        target = found.nth(i)
        if target.bounding_box():
            target.click(timeout=5000, no_wait_after=True)
        else:
            target.evaluate("e => e.click ? e.click() : e.dispatchEvent(new MouseEvent('click'))")
        page.wait_for_timeout(50)
        assert page.url.startswith(url_prefix), f"clicking left the shell: {page.url}"


def check_the_shell_works(page) -> None:
    """The shell's own work after unlocking: charts, search, the legitimate entry."""
    page.wait_for_selector("#journal-lock")
    assert page.eval_on_selector_all("svg.chart rect", "r => r.length") > 300
    page.fill("#site-search-q", "wombatlesson")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li .snippet mark")
    found = page.eval_on_selector_all("#search-results li > a", "a => a.map(e => e.textContent)")
    assert found == ["Zebracorn stumble"]


def check_legit_markup(page) -> None:
    aligned = page.eval_on_selector_all(
        "main .body td", "t => t.map(e => getComputedStyle(e).textAlign)"
    )
    assert aligned == ["left", "right", "center"]
    boxes = page.eval_on_selector_all(
        "main .body input", "i => i.map(e => [e.type, e.checked, e.disabled])"
    )
    assert boxes == [["checkbox", True, True], ["checkbox", False, True]]
    assert "legitmore" in page.inner_text("main .body details summary")
    page.click("main .body .footnote-ref a")
    assert page.evaluate("document.activeElement.id").endswith("fn1")
    assert "legitfootnote" in page.inner_text("main .body .footnotes")
    page.wait_for_function(
        "() => (i => i && i.complete && i.naturalWidth === 320 && i.src.startsWith('blob:'))"
        "(document.querySelector('main .body img'))"
    )


def open_every_vector(browser, url: str, names: dict[str, str]) -> dict[str, list[str]]:
    """Unlock at `url`, check the shell's own work, then show and click every vector's page.
    The violations raised by each step (the legitimate ones under "legit")."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15000)
    console: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    seen: dict[str, list[str]] = {}
    try:
        page.goto(url)
        unlock(page)
        check_the_shell_works(page)
        show(page, names[LEGIT], LEGIT)
        check_legit_markup(page)
        seen["legit"] = violations(page)
        prefix = page.url.split("#")[0]
        for name, title in TITLES.items():
            before = len(violations(page))
            show(page, names[title], title)
            page.wait_for_timeout(150)  # an image's error, a toggle, a frame (localhost: ms)
            not_run(page, console)
            click_everything(page, prefix)
            page.wait_for_timeout(100)
            not_run(page, console)
            seen[name] = violations(page)[before:]
        # back to an ordinary page: it still works, and raises nothing
        before = len(violations(page))
        show(page, names[LEGIT], LEGIT)
        check_legit_markup(page)
        seen["legit again"] = violations(page)[before:]
        not_run(page, console)
        assert errors == []
        return seen
    finally:
        context.close()


# --- in Chromium -------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["http", "file"])
def test_no_entry_script_runs_and_the_shell_raises_no_violation(
    tmp_path, monkeypatch, browser, www, transport
):
    out, names = published(tmp_path, monkeypatch)
    seen = open_every_vector(browser, shell_url(out, transport, www), names)
    # sanitised bodies hold nothing for the policy to block: no violation anywhere
    assert seen == {name: [] for name in seen}


@pytest.mark.parametrize("transport", ["http", "file"])
def test_the_policy_alone_stops_every_vector(tmp_path, monkeypatch, browser, www, transport):
    """Bodies not sanitised and unlock.js not removing anything: the policy blocks it all,
    and only the hostile markup raises violations."""
    out, names = published(tmp_path, monkeypatch, sanitise=False, dom=False)
    seen = open_every_vector(browser, shell_url(out, transport, www), names)
    assert seen["legit"] == []
    assert any("script-src-attr" in v for v in seen["img onerror"])  # it was live, and blocked
    assert any("script-src-attr" in v for v in seen["details ontoggle"])
    assert any("script-src" in v for v in seen["html javascript link"])
    assert any("form-action" in v for v in seen["form action"])
    assert any("base-uri" in v for v in seen["base href"])


def test_the_sanitiser_alone_stops_every_vector(tmp_path, monkeypatch, browser, www):
    """No policy in the shell and unlock.js removing nothing: nh3 has left nothing to run."""
    out, names = published(tmp_path, monkeypatch, policy=False, dom=False)
    shell = (out / "index.html").read_text()
    assert "Content-Security-Policy" not in shell
    seen = open_every_vector(browser, shell_url(out, "http", www), names)
    assert seen == {name: [] for name in seen}  # no policy: nothing is reported


def test_unlock_js_alone_removes_every_vector(tmp_path, monkeypatch, browser, www):
    """No policy and no sanitiser: unlock.js's removal alone (defence in depth only)."""
    out, names = published(tmp_path, monkeypatch, sanitise=False, policy=False)
    open_every_vector(browser, shell_url(out, "http", www), names)


# --- the policy and the sanitiser, without a browser -------------------------------------------


def policy_of(shell: str) -> dict[str, list[str]]:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', shell)
    assert found
    directives = (d.split() for d in found.group(1).split(";"))
    return {d[0]: d[1:] for d in directives if d}


def test_the_shell_carries_the_policy_before_anything_it_loads(tmp_path, monkeypatch):
    out, _names = published(tmp_path, monkeypatch)
    shell = (out / "index.html").read_text()
    policy = policy_of(shell)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "blob:", "data:"]
    for directive in ("connect-src", "object-src", "frame-src", "base-uri", "form-action"):
        assert policy[directive] == ["'none'"]
    # styles: the stylesheet, and exactly the inline styles of a table's column alignment
    digests = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in ALIGN_STYLES
    }
    assert policy["style-src"][:2] == ["'self'", "'unsafe-hashes'"]
    assert set(policy["style-src"][2:]) == digests and "'unsafe-inline'" not in shell
    at = shell.index("Content-Security-Policy")
    assert at < shell.index("<link") and at < shell.index("<script")
    assert shell.count("<script") == 3  # two data blocks and unlock.js, nothing inline
    assert '<script src="assets/unlock.js"></script>' in shell
    assert re.findall(r'<script type="([^"]+)"', shell) == [
        "application/json",
        "application/octet-stream",
    ]
    assert not re.search(r"\son[a-z]+=", shell) and "javascript:" not in shell


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p>Hi <img src="x" onerror="alert(1)"></p>', '<p>Hi <img src="x"></p>'),
        ('<body onload="alert(1)">text', "text"),
        ('<svg onload="alert(1)"><circle r="5"></circle></svg>ok', "ok"),
        ("<svg><script>alert(1)</script></svg>ok", "ok"),
        (
            '<details open ontoggle="alert(1)"><summary>s</summary>x</details>',
            '<details open=""><summary>s</summary>x</details>',
        ),
        ('<a href="javascript:alert(1)">a</a>', "<a>a</a>"),
        ('<a href="  JaVaScRiPt:alert(1)">b</a>', "<a>b</a>"),
        ('<a href="java&#x09;script:alert(1)">c</a>', "<a>c</a>"),
        ('<iframe srcdoc="<script>parent.x=1</script>"></iframe>ok', "ok"),
        ("<script>alert(1)</script>after", "after"),
        ('<math><mtext><table><mglyph><style><img src="x" onerror="alert(1)">', ""),
        ('<form action="javascript:alert(1)"><button>go</button></form>', "go"),
        ('<object data="javascript:alert(1)">obj</object>ok', "ok"),
        ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">ok', "ok"),
        ('<base href="https://evil.example/">ok', "ok"),
        ("<style>body{display:none}</style>ok", "ok"),
        ('<a href="data:text/html,x">d</a><img src="data:image/png;base64,AA">', "<a>d</a><img>"),
        # kept: ordinary links and images, titles; an input is always a checkbox
        (
            '<a href="https://example.org/" title="t">e</a> <a href="mailto:a@b.c">m</a>',
            '<a href="https://example.org/" title="t">e</a> <a href="mailto:a@b.c">m</a>',
        ),
        (
            '<img src="p/x.png" alt="A" title="T" width="10" height="20" onload="x()">',
            '<img src="p/x.png" alt="A" title="T" width="10" height="20">',
        ),
        (
            '<input type="text" value="v" onfocus="x()"><input type="checkbox" checked>',
            '<input type="checkbox"><input checked="" type="checkbox">',
        ),
        # an id cannot be one the site's scripts look for; in-page links follow it
        (
            '<a id="journal-lock" href="#journal-lock" class="unlock-problem footnote-ref">x</a>',
            '<a id="user-content-journal-lock" href="#user-content-journal-lock"'
            ' class="footnote-ref">x</a>',
        ),
        (
            '<td style="color:red">1</td><table><tr><td style="text-align:right">2</td>'
            '<td style="color:red">3</td></tr></table>',
            '1<table><tbody><tr><td style="text-align:right">2</td><td>3</td></tr></tbody></table>',
        ),
    ],
)
def test_the_sanitiser(html, expected):
    assert clean_html(html) == expected


def test_the_sanitiser_keeps_what_markdown_writes():
    body = render(LEGIT_BODY + "\n```python\nx = 1\n```\n\n> quoted\n\n## Heading\n").html
    cleaned = clean_html(body)
    assert cleaned == (
        "<table>\n<thead>\n<tr>\n"
        '<th style="text-align:left">Left</th>\n'
        '<th style="text-align:right">Right</th>\n'
        '<th style="text-align:center">Centre</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td style="text-align:left">a</td>\n'
        '<td style="text-align:right">1</td>\n'
        '<td style="text-align:center">c</td>\n'
        "</tr>\n</tbody>\n</table>\n"
        '<ul class="contains-task-list">\n'
        '<li class="task-list-item"><label><input class="task-list-item-checkbox"'
        ' checked="checked" disabled="disabled" type="checkbox"> legitdone</label></li>\n'
        '<li class="task-list-item"><label><input class="task-list-item-checkbox"'
        ' disabled="disabled" type="checkbox"> legittodo</label></li>\n'
        "</ul>\n"
        '<p>A note<sup class="footnote-ref"><a href="#user-content-fn1" id="user-content-fnref1">'
        "[1]</a></sup> with <s>struck</s> and <code>code</code>.</p>\n"
        "<details><summary>legitmore</summary>Hidden legit text.</details>\n"
        '<p><img src="legit/photo.png" alt="Legit photo"></p>\n'
        '<pre><code class="language-python">x = 1\n</code></pre>\n'
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        '<h2 id="user-content-heading">Heading</h2>\n'
        '<hr class="footnotes-sep">\n'
        '<section class="footnotes">\n<ol class="footnotes-list">\n'
        '<li id="user-content-fn1" class="footnote-item"><p>legitfootnote'
        ' <a href="#user-content-fnref1" class="footnote-backref">↩︎</a></p>\n'
        "</li>\n</ol>\n</section>\n"
    )
    assert clean_html(cleaned) == cleaned  # nothing left to take out


def test_the_sanitiser_gives_the_same_bytes_in_every_process():
    """Ammonia keeps some settings in hash maps, seeded anew in each process: what it writes
    must not depend on them (the same journal always gives the same site)."""
    script = (
        "import sys; from journal.sanitise import clean_html; from journal.load.markdown"
        " import render; from tests.test_publish_xss import VECTORS, LEGIT_BODY;"
        " sys.stdout.write(repr([clean_html(render(b).html) for b in"
        " [*VECTORS.values(), LEGIT_BODY]]))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout
        for _ in range(5)
    }
    assert len(runs) == 1 and "task-list-item-checkbox" in runs.pop()


def test_only_the_encrypted_site_is_sanitised_and_warm_equals_cold(tmp_path, monkeypatch):
    out, names = published(tmp_path, monkeypatch)
    root = tmp_path / "j"
    ring = crypto.read_keyring(root)
    first = pages_of(out, ring)
    again = tmp_path / "again"  # a warm memo this time
    publish(root, again, ring=ring, passphrase=PASS, today=date(2026, 11, 22))
    second = pages_of(again, ring)
    assert first == second
    legit = first[names[LEGIT]]
    assert '<td style="text-align:right">1</td>' in legit and "user-content-fn1" in legit
    # the plain build is not changed by this (its pages are not shown inside the shell)
    from journal.build import Options, build

    site = tmp_path / "site"
    build(root, site, Options(today=date(2026, 11, 22)))
    page = (site / "entries" / "2026-05-30-legit.html").read_text()
    assert 'href="#fn1"' in page


def test_the_sanitiser_keeps_task_box_labels_and_prompt_labels():
    """The entry page labels each task box (axe: label) and writes unanswered-prompt
    questions as quiet labels; the encrypted site must keep both."""
    from journal.load.markdown import render

    html = render("- [x] Booked the room\n\n## What happened?\n\nIt went fine.\n").html
    cleaned = clean_html(html)
    assert "<label>" in cleaned and 'type="checkbox"' in cleaned and "Booked the room" in cleaned
    assert cleaned.count("<label>") == html.count("<label>") >= 1
    assert ('class="prompt"' in cleaned) == ('class="prompt"' in html)
