"""Search in Chromium: from opening search.html?q=… to the results on screen, and per query.

python bench/search_bench.py [--sizes 1000 10000] [--repeat 15]
Builds a generated journal, opens its search page from file:// in Debian's Chromium
(headless, through Playwright) with a query in the URL, and reads two clocks the page
keeps: the time from navigation start to the first ranked results being rendered (the
index script loaded and parsed, lower-cased, searched, results drawn), and the time of
one more query over the loaded index. Prints medians over fresh page loads.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_bench import run_build  # noqa: E402
from serve_latency import journal_for  # noqa: E402

from tests.chromium import CHROMIUM, FLAGS  # noqa: E402  # one definition of the browser

# words of bench/generate.py's vocabulary: common, rare and two-word queries
QUERIES = ["morning", "nervous question", "endgame", "rehearsed slide", "the", "coach"]


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
            page.wait_for_function("window.__journalSearchReady !== undefined", timeout=60000)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
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
