"""Build benchmark: cold, warm, one body edit and one date edit, as medians with peak memory.

python bench/build_bench.py [--sizes 1000 10000] [--large] [--repeat 3] [--serve]
Each build runs `journal build` in its own process; its peak RSS comes from wait4().
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_latency import OUT, journal_for, measure, summary  # noqa: E402

EDITS = 3  # body edits and date edits measured after each cold build
TARGETS_10K = {"cold": "≤ 4 s", "warm": "≤ 1 s", "body edit": "≤ 1.5 s", "date edit": "≤ 1.5 s"}


def run_build(root: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one `journal build` process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def bench(n: int, repeat: int) -> dict[str, list[tuple[float, float]]]:
    root = journal_for(n)
    out = OUT / f"site-build-{n}"
    target = sorted((root / "entries").rglob("*.md"))[n // 2]
    original = target.read_text(encoding="utf-8")
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in TARGETS_10K}
    try:
        for i in range(repeat):
            shutil.rmtree(root / ".journal-cache", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            results["cold"].append(run_build(root, out))
            results["warm"].append(run_build(root, out))
            for j in range(EDITS):  # several edits per cold build: edits are cheap, and noisy
                target.write_text(original + f"\nBody edit {i}.{j}.\n", encoding="utf-8")
                results["body edit"].append(run_build(root, out))
            for j in range(EDITS):
                moved = re.sub(
                    r"^date: (\d{4})-(\d\d)-(\d\d)",
                    rf"date: \1-\2-{1 + j:02d}",
                    original,
                    count=1,
                    flags=re.M,
                )
                target.write_text(moved + f"\nDate edit {i}.{j}.\n", encoding="utf-8")
                results["date edit"].append(run_build(root, out))
    finally:
        target.write_text(original, encoding="utf-8")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--large", action="store_true", help="add N = 100,000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help="also measure edit-to-reload")
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.large else [])
    print(f"{'N':>7}  {'build':<10} {'median s':>9} {'peak MB':>8} {'ms/entry':>9}  target (10k)")
    for n in sizes:
        for kind, runs in bench(n, args.repeat).items():
            seconds = statistics.median(s for s, _ in runs)
            rss = max(m for _, m in runs)
            print(
                f"{n:>7}  {kind:<10} {seconds:>9.2f} {rss:>8.0f} {1000 * seconds / n:>9.3f}"
                f"  {TARGETS_10K[kind] if n == 10000 else ''}",
                flush=True,
            )
        if args.serve:
            print(f"{n:>7}  preview edit-to-reload: {summary(measure(n, 10))}", flush=True)


if __name__ == "__main__":
    main()
