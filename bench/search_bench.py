"""Search in Chromium: from opening search.html?q=… to the results on screen, and per query.

python bench/search_bench.py [--sizes 1000 10000] [--repeat 15] [--encrypted]
Builds a generated journal, opens its search page from file:// in Debian's Chromium
(headless, through Playwright) with a query in the URL, and reads two clocks the page
keeps: the time from navigation start to the first ranked results being rendered (the
index script loaded and parsed, lower-cased, searched, results drawn), and the time of
one more query over the loaded index. Prints medians over fresh page loads.

--encrypted measures the encrypted publish instead: `journal publish` (the passphrase from
JOURNAL_PASSPHRASE) of a copy of the generated journal into a temporary folder, opened
from file:// in a fresh browser context per repetition. The passphrase is typed into the
shell's form and submitted; unlocked is the home page (its Lock button) in the document.
A query is then typed into the header's search box and Enter pressed, and the page's
clocks give the time from that submit to the ranked results in the document (the sealed
search page and index opened, searched, results drawn) and to their snippets; then one
more query is typed into the search page's box. All on performance.now() in the page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_bench import PASSPHRASE, journal_cmd, journal_copy, run_build, run_process  # noqa: E402
from serve_latency import journal_for  # noqa: E402

from tests.chromium import CHROMIUM, FLAGS  # noqa: E402  # one definition of the browser

# words of bench/generate.py's vocabulary: common, rare and two-word queries
QUERIES = ["morning", "nervous question", "endgame", "rehearsed slide", "the", "coach"]
ENCRYPTED_TARGET = {10000: "≤ 300 ms"}  # first results after unlocking, query to screen

# Clocks for --encrypted, installed before the shell's own scripts run; all are
# performance.now(), the clock search.js stamps __journalAnswered and __journalSearchReady
# with. The capture phase runs before the shell's and search.js's own listeners.
CLOCKS = """(() => {
window.__bench = {};
document.addEventListener('submit', (e) => {
  if (e.target.id === 'journal-unlock') window.__bench.unlockAt = performance.now();
  else if (e.target.classList.contains('site-search')) window.__bench.queryAt = performance.now();
}, true);
document.addEventListener('input', (e) => {
  if (e.isTrusted && e.target.id === 'search-q') window.__bench.againAt = performance.now();
}, true);
const unlocked = new MutationObserver(() => {
  if (!document.getElementById('journal-lock')) return;
  window.__bench.unlocked = performance.now();
  unlocked.disconnect();
});
unlocked.observe(document, { childList: true, subtree: true });
})();
"""


def measure(n: int, repeat: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    root = journal_for(n)
    out = Path(tempfile.mkdtemp(prefix=f"search-{n}-")) / "site"
    run_build(root, out)
    size = sum(p.stat().st_size for p in [out / "search-index.js", *(out / "search").iterdir()])
    answered, snippets, fresh, baseline = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for i in range(repeat):
            page = browser.new_page()
            q = QUERIES[i % len(QUERIES)]
            page.goto((out / "search.html").as_uri() + "?q=" + q.replace(" ", "+"))
            page.wait_for_function("() => window.__journalSearchReady !== undefined", timeout=60000)
            answered.append(page.evaluate("window.__journalAnswered"))
            snippets.append(page.evaluate("window.__journalSearchReady"))
            fresh.append(
                page.evaluate(
                    "async (q) => { journalSearchReset(); const t = performance.now();"
                    " await journalSearch(q, '', '', 20); return performance.now() - t; }",
                    QUERIES[(i + 1) % len(QUERIES)],
                )
            )
            page.close()
            blank = browser.new_page()  # the same navigation, with no search: the baseline
            blank.goto((out / "404.html").as_uri())
            baseline.append(
                blank.evaluate(
                    "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
            )
            blank.close()
        browser.close()
    med = statistics.median
    return {
        "n": n,
        "mb": size / 1e6,
        "fresh": med(fresh),
        "answered": med(answered),
        "snippets": med(snippets),
        "blank": med(baseline),
    }


def publish_site(n: int) -> tuple[Path, float]:
    """(the published folder, seconds): `journal publish` into a fresh temporary folder."""
    out = Path(tempfile.mkdtemp(prefix=f"search-encrypted-{n}-")) / "public"
    env = {**os.environ, "JOURNAL_PASSPHRASE": PASSPHRASE}
    seconds, _rss = run_process(
        journal_cmd("publish", journal_copy(n, "search-encrypted"), out), env
    )
    return out, seconds


def unlock_and_search(browser: Browser, shell: Path, first: str, again: str) -> dict[str, float]:
    """One fresh context: unlock, one query from the header's box, one more on the search
    page. Times in ms on the page's clock; also the hits shown and the sealed index's size."""
    context = browser.new_context()
    context.add_init_script(CLOCKS)
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(shell.as_uri())
        page.fill("#journal-passphrase", PASSPHRASE)
        page.click("text=Unlock")
        page.wait_for_function("() => window.__bench.unlocked !== undefined")
        page.fill("#site-search-q", first)
        page.keyboard.press("Enter")  # the shell opens the search page with ?q=first
        page.wait_for_function(  # functions: the shell's CSP refuses eval'd strings
            "() => window.__journalSearchReady !== undefined || /could not be loaded/"
            ".test(document.getElementById('search-status')?.textContent)"
        )
        shown = page.eval_on_selector_all("#search-results > li", "li => li.length")
        if not shown or page.evaluate("window.__journalSearchReady === undefined"):
            status = page.inner_text("#search-status")
            raise SystemExit(f"no results for {first!r} after unlocking: {status!r}")
        clocks = page.evaluate(
            "({...window.__bench, answered: window.__journalAnswered,"
            " ready: window.__journalSearchReady, sealed: Object.keys(window.__journalSealed)})"
        )
        page.fill("#search-q", again)  # one more query, over the opened index
        page.wait_for_function(
            "() => window.__bench.againAt !== undefined"
            " && window.__journalAnswered > window.__bench.againAt"
        )
        again_ms = page.evaluate("window.__journalAnswered - window.__bench.againAt")
    finally:
        context.close()
    return {
        "unlock": clocks["unlocked"] - clocks["unlockAt"],
        "results": clocks["answered"] - clocks["queryAt"],
        "snippets": clocks["ready"] - clocks["queryAt"],
        "again": again_ms,
        "shown": shown,
        "index_bytes": sum((shell.parent / name).stat().st_size for name in clocks["sealed"]),
    }


def measure_encrypted(n: int, repeat: int) -> dict[str, float | list[float]]:
    """Publish once, then `repeat` fresh contexts: medians, and every first-query time."""
    from playwright.sync_api import sync_playwright

    out, publish_seconds = publish_site(n)
    runs: list[dict[str, float]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                for i in range(repeat):
                    first, again = QUERIES[i % len(QUERIES)], QUERIES[(i + 1) % len(QUERIES)]
                    runs.append(unlock_and_search(browser, out / "index.html", first, again))
            finally:
                browser.close()
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    med = statistics.median
    keys = ("unlock", "results", "snippets", "again")
    return {
        "n": n,
        "publish": publish_seconds,
        "mb": runs[0]["index_bytes"] / 1e6,
        **{k: med(r[k] for r in runs) for k in keys},
        "each": [r["results"] for r in runs],
    }


def main_encrypted(sizes: list[int], repeat: int) -> None:
    """The --encrypted table: one line per size."""
    print(
        "medians in ms, encrypted publish opened from file://, a fresh browser context each.\n"
        "unlock: passphrase submitted to the home page in the document (PBKDF2 included);\n"
        "query→results: Enter in the header's search box to the ranked results in the document\n"
        "(the sealed search page and index opened, searched, drawn); →snippets: and their\n"
        "snippets; again: one more query typed on the search page to its results."
    )
    print(
        f"{'N':>7}  {'publish':>7}  {'index':>7}  {'unlock':>6}  {'query→results':>13}  "
        f"{'→snippets':>9}  {'again':>5}  {'target':>8}  query→results, each"
    )
    for n in sizes:
        before = os.getloadavg()[0]
        r = measure_encrypted(n, repeat)
        each = " ".join(f"{t:.0f}" for t in r["each"])
        print(
            f"{n:>7}  {r['publish']:>6.1f}s  {r['mb']:>5.1f}MB  {r['unlock']:>6.0f}  "
            f"{r['results']:>13.0f}  {r['snippets']:>9.0f}  {r['again']:>5.1f}  "
            f"{ENCRYPTED_TARGET.get(n, ''):>8}  {each}",
            flush=True,
        )
        print(f"{n:>7}  load average {before:.1f} before, {os.getloadavg()[0]:.1f} after")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument(
        "--encrypted",
        action="store_true",
        help="unlock an encrypted publish, then time its first query and one more",
    )
    args = ap.parse_args()
    if args.encrypted:
        main_encrypted(args.sizes, args.repeat)
        return
    print(
        "medians in ms. index+query: an open page reads the index files from disk and ranks a\n"
        "query (main file + the query's shards); page: from navigation start to the ranked\n"
        "results on screen, and to their snippets; blank: navigation start to DOMContentLoaded\n"
        "of a page without search, the browser's own share of 'page'."
    )
    print(
        f"{'N':>7}  {'files':>7}  {'index+query':>11}  {'page→results':>12}  "
        f"{'page→snippets':>13}  {'blank':>5}"
    )
    for n in args.sizes:
        r = measure(n, args.repeat)
        print(
            f"{n:>7}  {r['mb']:>5.1f}MB  {r['fresh']:>11.1f}  {r['answered']:>12.0f}  "
            f"{r['snippets']:>13.0f}  {r['blank']:>5.0f}"
        )


if __name__ == "__main__":
    main()
