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
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_latency import journal_for  # noqa: E402

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
QUERIES = ["interval", "confidence lesson", "stage", "felt strong"]


def measure(n: int, repeat: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    root = journal_for(n)
    out = Path(tempfile.mkdtemp(prefix=f"search-{n}-")) / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "journal",
            "build",
            "--root",
            str(root),
            "--out",
            str(out),
            "--today",
            "2026-11-22",
        ],
        check=True,
        capture_output=True,
    )
    size = (out / "search-index.js").stat().st_size
    loads, queries = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for i in range(repeat):
            page = browser.new_page()
            q = QUERIES[i % len(QUERIES)]
            page.goto((out / "search.html").as_uri() + "?q=" + q.replace(" ", "+"))
            page.wait_for_function("window.__journalSearchReady !== undefined", timeout=60000)
            loads.append(page.evaluate("window.__journalSearchReady"))
            queries.append(
                page.evaluate(
                    "() => { const t = performance.now(); journalSearch('morning run');"
                    " return performance.now() - t; }"
                )
            )
            page.close()
        browser.close()
    return {
        "n": n,
        "index_mb": size / 1e6,
        "load_and_answer_ms": statistics.median(loads),
        "query_ms": statistics.median(queries),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    print(f"{'N':>7}  {'index':>8}  {'open+answer (median)':>21}  {'one query (median)':>19}")
    for n in args.sizes:
        r = measure(n, args.repeat)
        print(
            f"{n:>7}  {r['index_mb']:>6.1f}MB  {r['load_and_answer_ms']:>18.0f} ms  "
            f"{r['query_ms']:>16.1f} ms"
        )


if __name__ == "__main__":
    main()
