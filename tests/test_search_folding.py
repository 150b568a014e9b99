"""Search as people type (issue 23): case- and accent-insensitive words, the last word a
prefix, the folded match marked in the original text, and results a page at a time; in
Python (the index), and in real Chromium from file://, on a phone, and in an encrypted
publish after unlocking."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest

from journal.build import Options, build
from journal.pages.search import PAGE_SIZE
from journal.pages.search_index import WORD, body_words, fold
from journal.publish import crypto
from journal.publish.site import publish
from tests.conftest import entry, write_journal
from tests.test_search_index import index_of, make, payload

TODAY = date(2026, 11, 22)
PASS = "correct horse battery staple"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# What folding makes of each text, worked out by hand: NFKD, combining marks dropped,
# lower-cased, and the letters without a decomposition that people type plainly.
FOLDED = {
    "Cita en la gestoría": "cita en la gestoria",
    "GESTORÍA": "gestoria",
    "gestori\u0301a": "gestoria",  # written decomposed: i + combining acute
    "Straße STRASSE ẞ": "strasse strasse ss",
    "Ærø Œuvre": "aero oeuvre",
    "Łódź Þórður Đorđe": "lodz thordur dorde",
    "İstanbul ılık": "istanbul ilik",
    "ΟΔΟΣ Ὀδυσσεύς": "οδοσ οδυσσευσ",  # final sigma as sigma; breathing and accent dropped
    "ﬁne ½ １２": "fine 1⁄2 12",  # compatibility forms: ligature, fraction, full width
    "Ñandú Çà": "nandu ca",
}

# Search results per page: the journal's page size for lists, 50 unless journal.toml says.
SIZE = 50
PRACTICE = 120  # entries titled "Practice session NNN", one a day: pages of 50, 50 and 20


def journal_files() -> dict[str, str]:
    files = {
        "2026/2026-11-20-cita.md": entry(
            "2026-11-20",
            "setback",
            "spanish",
            "Llamé a la GESTORÍA por el modelo 130.",
            title="Cita en la gestoría",
            lesson="Preparar el vocabulario",
        ),
        "2026/2026-11-18-mock.md": entry(
            "2026-11-18",
            "win",
            "python-programming",
            "Answered every question out loud.",
            title="Mock interview",
        ),
        "2026/2026-11-19-residency.md": entry(
            "2026-11-19",
            "win",
            "spanish",
            "An interview at the gestoría about residency, all of it in Spanish.",
            title="Residency paperwork",
        ),
        # written decomposed, as some editors save it: e + combining acute, ß, æ and ø
        "2026/2026-11-17-decomposed.md": entry(
            "2026-11-17",
            "win",
            "spanish",
            "Ordered at the cafe\u0301 on the Straße, then a ferry to Ærø.",
            title="Coffee order",
        ),
    }
    first = date(2025, 1, 1)
    for i in range(PRACTICE):
        day = (first + timedelta(days=i)).isoformat()
        files[f"2025/{day}-practice.md"] = entry(
            day, "win", "running", "Scales and drills.", title=f"Practice session {i + 1:03}"
        )
    return files


@pytest.fixture(scope="module")
def journal_root(tmp_path_factory):
    return write_journal(tmp_path_factory.mktemp("fold") / "j", journal_files())


@pytest.fixture(scope="module")
def site(journal_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("fold-site") / "site"
    build(journal_root, out, Options(today=TODAY))
    return out


@pytest.fixture(scope="module")
def sealed(journal_root, tmp_path_factory):
    """The same journal published encrypted (a weak key count keeps it fast)."""
    out = tmp_path_factory.mktemp("fold-sealed") / "public"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crypto, "MIN_ITERATIONS", 1000)
        mp.setattr(crypto, "DEFAULT_ITERATIONS", 1000)
        ring = crypto.create_keyring(PASS)
        crypto.write_keyring(journal_root, ring)
        publish(journal_root, out, ring=ring, passphrase=PASS, today=TODAY)
    return out


# --- the index, in Python -----------------------------------------------------------------


def test_fold_decomposes_drops_marks_and_lowercases():
    assert {text: fold(text) for text in FOLDED} == FOLDED


def test_folding_one_character_at_a_time_is_folding_the_whole():
    # search.js marks matches by folding a text character by character
    for text in FOLDED:
        assert "".join(fold(ch) for ch in text) == fold(text)


def test_body_words_of_a_text_written_decomposed():
    text = "Llame\u0301 a la gestori\u0301a."  # both accents as combining marks
    parsed = " ".join(sorted(set(WORD.findall(text.lower()))))
    assert parsed == "a gestori la llame"  # the parser's words stop at a combining mark
    assert body_words(text, parsed) == "llame a la gestoria"  # read from the text
    # precomposed, the parser's words are folded as they are
    assert body_words("Llamé a la gestoría.", "a gestoría la llamé") == "a gestoria la llame"
    assert body_words("plain words", "plain words") == "plain words"
    # a compatibility form that folds to two words, "1⁄2": the fraction slash is no letter
    assert body_words("½ taza", "taza ½") == "taza 1 2"


def test_the_index_holds_folded_words_only():
    e = make(
        0,
        "Cita en la gestoría",
        "Llamé a la GESTORÍA desde Ærø, en la Straße.",
        "setback",
        domain="spanish",
    )
    files = index_of([e])
    main = payload(files, "search-index.js")
    words = {}
    for key, path in main["shards"].items():
        shard = payload(files, path)
        assert all(w.startswith(key) for w in shard)
        words |= shard
    # title 100, body 1 (once), domain slug 10 (this test journal names only "running")
    assert words == {
        "cita": [0, 100],
        "en": [0, 101],
        "la": [0, 101],
        "gestoria": [0, 101],
        "llame": [0, 1],
        "a": [0, 1],
        "desde": [0, 1],
        "aero": [0, 1],
        "strasse": [0, 1],
        "spanish": [0, 10],
    }
    assert sorted(main["shards"]) == ["a", "c", "d", "e", "g", "l", "s"]
    assert main["titles"] == ["Cita en la gestoría"]  # shown as written


# --- in Chromium, from file:// ---------------------------------------------------------------


def titles(page) -> list[str]:
    return page.eval_on_selector_all("#search-results li > a", "a => a.map(e => e.textContent)")


def marks(page, where: str) -> list[str]:
    return page.eval_on_selector_all(
        f"#search-results {where} mark", "m => m.map(e => e.textContent)"
    )


def typed(page, box: str, text: str) -> None:
    """Type into a search box key by key, as a person does, and wait for the answer."""
    page.fill(box, "")
    page.click(box)
    page.keyboard.type(text, delay=15)
    answered(page, text)


def answered(page, text: str, number: int | None = None) -> None:
    """The results of `text` (on page `number`) drawn, snippets too, or none found."""
    page.wait_for_function(
        "([q, n]) => { const s = window.__journalSearchShown;"
        " return !!s && s.q === q && (n === null || s.page === n); }",
        arg=[text, number],
    )


def open_search(page, site, query: str = "") -> None:
    page.goto((site / "search.html").as_uri() + (f"?q={query}" if query else ""))
    page.wait_for_function("() => window.__journalSearchReady !== undefined")
    if query:
        answered(page, query)


def test_search_js_folds_as_the_index_does(site, page):
    open_search(page, site)
    found = page.evaluate("texts => texts.map(t => journalSearchFold(t))", list(FOLDED))
    assert dict(zip(FOLDED, found, strict=True)) == FOLDED


def test_search_js_folds_and_splits_every_character_as_the_index_does(site, page):
    """Every character Python's Unicode knows, in the planes that have letters and marks:
    its fold, and the words of its fold, the same in search.js as in the index."""
    chars = [
        chr(c)
        for c in [*range(0x80, 0xD800), *range(0xE000, 0x30000), *range(0xE0000, 0xE1000)]
        if unicodedata.category(chr(c)) != "Cn"
    ]
    open_search(page, site)
    # one string each way: the characters one a line, their folds one a line, and the
    # words of each fold
    answer = page.evaluate(
        """text => text.split("\\n").map(c => {
          const f = journalSearchFold(c);
          return f + "\\t" + (f.match(/[\\p{L}\\p{N}_]+/gu) || []).join(" ");
        }).join("\\n")""",
        "\n".join(chars),
    ).split("\n")
    expected = []
    for c in chars:
        f = fold(c)
        expected.append(f + "\t" + " ".join(WORD.findall(f)))
    assert len(answer) == len(chars)
    assert [(c, a) for c, a, e in zip(chars, answer, expected, strict=True) if a != e] == []


def test_folded_words_and_the_last_word_as_a_prefix(site, page):
    open_search(page, site)
    both = ["Cita en la gestoría", "Residency paperwork"]  # title match first, then body
    for query in ("gestoria", "GESTORÍA", "Gestoría", "gestor"):
        typed(page, "#search-q", query)
        assert titles(page) == both, query
    typed(page, "#search-q", "gestoria")
    # the folded match is marked in the original text: title, and the snippets
    assert marks(page, "li > a") == ["gestoría"]
    assert marks(page, ".snippet") == ["GESTORÍA", "gestoría"]
    typed(page, "#search-q", "intervi")
    assert titles(page) == ["Mock interview", "Residency paperwork"]
    assert marks(page, "li > a") == ["interview"]  # the whole word it begins
    for query in ("INTERVI gestoria", "gestoria INTERVI", "Interview gestor"):
        typed(page, "#search-q", query)
        assert titles(page) == ["Residency paperwork"], query
        assert marks(page, ".snippet") == ["interview", "gestoría"]
    # a text written decomposed, and letters that fold to two
    typed(page, "#search-q", "cafe")
    assert titles(page) == ["Coffee order"]
    assert marks(page, ".snippet") == ["cafe\u0301"]  # the accent marked with its letter
    typed(page, "#search-q", "strasse aero")
    assert titles(page) == ["Coffee order"]
    assert marks(page, ".snippet") == ["Straße", "Ærø"]
    typed(page, "#search-q", "gestoriaz")
    assert titles(page) == []
    assert page.inner_text("#search-status") == "No entries match."


def test_a_prefix_loads_only_the_shards_that_can_hold_it(site, page):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
    open_search(page, site, "intervi")
    # this journal's shards are by first letter: "i" is 69 in UTF-8 hex
    assert [r for r in requested if r.startswith("w-")] == ["w-69.js"]


def test_typed_on_a_phone(site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        open_search(page, site)
        page.tap("#search-q")
        page.keyboard.type("GESTORIA", delay=30)
        answered(page, "GESTORIA")
        assert titles(page) == ["Cita en la gestoría", "Residency paperwork"]
        assert marks(page, ".snippet") == ["GESTORÍA", "gestoría"]
        page.keyboard.press("Backspace")  # "GESTORI" is still a prefix of the word
        answered(page, "GESTORI")
        assert titles(page) == ["Cita en la gestoría", "Residency paperwork"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def pager(page) -> list[str]:
    """The page links: each link's name, * for the page shown."""
    name = "e => (e.ariaLabel || e.textContent) + (e.ariaCurrent ? '*' : '')"
    return page.eval_on_selector_all("#search-pages a", f"a => a.map({name})")


def test_results_come_a_page_at_a_time(site, page):
    assert f'data-page-size="{SIZE}"' in (site / "search.html").read_text()
    assert PAGE_SIZE == SIZE
    open_search(page, site, "practice")
    # 120 equal title matches, newest first: sessions 120-71, then 70-21, then 20-1
    session = [f"Practice session {n:03}" for n in range(PRACTICE + 1)]
    assert page.inner_text("#search-status") == "120 entries match; 1–50 shown."
    assert titles(page) == session[120:70:-1]
    assert pager(page) == ["Page 1*", "Page 2", "Page 3", "Next →"]
    page.click("#search-pages a[rel=next]")
    answered(page, "practice", 2)
    page.wait_for_function("() => /[?&]page=2$/.test(location.search)")
    assert titles(page) == session[70:20:-1]
    assert page.inner_text("#search-status") == "120 entries match; 51–100 shown."
    assert pager(page) == ["← Previous", "Page 1", "Page 2*", "Page 3", "Next →"]
    assert page.evaluate("document.activeElement.textContent") == "Practice session 070"
    page.reload()  # the address keeps the page: Back from a result returns to it
    page.wait_for_function("() => window.__journalSearchReady !== undefined")
    answered(page, "practice", 2)
    assert titles(page) == session[70:20:-1]
    page.click("#search-pages a[aria-label='Page 3']")
    answered(page, "practice", 3)
    assert titles(page) == session[20:0:-1]
    assert pager(page) == ["← Previous", "Page 1", "Page 2", "Page 3*"]
    assert "page=3" in page.url
    # a new query starts again at its first page
    typed(page, "#search-q", "session")
    assert titles(page) == session[120:70:-1]
    assert "page=" not in page.url
    # one page of results: no page links
    typed(page, "#search-q", "gestoria")
    assert page.query_selector("#search-pages") is None


# --- in Chromium, in an encrypted publish -------------------------------------------------


def unlock(page, out) -> None:
    page.goto((out / "index.html").as_uri())
    page.fill("#journal-passphrase", PASS)
    page.click("text=Unlock")
    page.wait_for_selector("#journal-lock")


def test_the_same_after_unlocking_an_encrypted_publish(sealed, page):
    unlock(page, sealed)
    page.fill("#site-search-q", "gestoria")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-q")
    answered(page, "gestoria")
    assert titles(page) == ["Cita en la gestoría", "Residency paperwork"]
    assert marks(page, ".snippet") == ["GESTORÍA", "gestoría"]
    for query, found in {
        "intervi": ["Mock interview", "Residency paperwork"],
        "INTERVI gestoria": ["Residency paperwork"],
        "cafe": ["Coffee order"],
    }.items():
        typed(page, "#search-q", query)
        assert titles(page) == found, query
    typed(page, "#search-q", "practice")
    assert len(titles(page)) == SIZE
    page.click("#search-pages a[rel=next]")
    answered(page, "practice", 2)
    # the page is in the route's address, inside the shell
    page.wait_for_function("() => /^#\\/[0-9a-f]{24}\\?q=practice&page=2$/.test(location.hash)")
    assert titles(page)[0] == "Practice session 070"
    assert len(titles(page)) == SIZE
    # Back from a result returns to its page of results
    page.click("#search-results li > a >> text=Practice session 065")
    page.wait_for_function(
        "() => document.querySelector('h1')?.textContent === 'Practice session 065'"
    )
    page.go_back()
    answered(page, "practice", 2)
    assert titles(page)[0] == "Practice session 070"


def test_typed_on_a_phone_after_unlocking(sealed, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        unlock(page, sealed)
        page.tap(".nav-search a")  # the header's box is not shown on a phone
        answered(page, "")  # the search page, its index open
        page.tap("#search-q")
        page.keyboard.type("Intervi", delay=30)
        answered(page, "Intervi")
        assert titles(page) == ["Mock interview", "Residency paperwork"]
        assert marks(page, ".snippet") == ["interview"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_count_of_results_has_thousands_separators(browser, tmp_path):
    """As home writes 2,468 entries: 1,200 matches read "1,200 entries match"."""
    files = {
        f"2026/2026-{1 + i // 28:02}-{1 + i % 28:02}-n{i}.md": entry(
            f"2026-{1 + (i // 28) % 12:02}-{1 + i % 28:02}", title=f"Ocelot run {i}"
        )
        for i in range(1200)
    }
    root = write_journal(tmp_path / "j", files)
    site = tmp_path / "site"
    build(root, site, Options(today=date(2026, 12, 31)))
    page = browser.new_page()
    try:
        page.goto((site / "search.html").as_uri() + "?q=ocelot")
        page.wait_for_function(
            "() => /match/.test(document.getElementById('search-status').textContent)"
        )
        assert page.inner_text("#search-status") == "1,200 entries match; 1–50 shown."
    finally:
        page.close()
