"""Build benchmark: cold, warm, one body edit and one date edit, and `journal publish` after
one body edit, as medians with peak memory.

python bench/build_bench.py [--sizes 1000 10000] [--large] [--repeat 3] [--serve]
                            [--hugo | --hugo-only]
Each build runs `journal build` in its own process; its peak RSS comes from wait4().
--hugo adds, per N, cold builds side by side with Hugo (`hugo` on PATH; skipped with a
line saying so when it is not) on a minimal Hugo project written from the same entries
(bench/hugo_site.py), and cold `journal publish` of the same journal; the three run
interleaved, in a rotating order, and the table gives their medians and the ratios of
medians journal/Hugo and publish/cold. --hugo-only runs just that comparison.
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
from hugo_site import write_hugo_site  # noqa: E402
from serve_latency import OUT, journal_for, measure, summary  # noqa: E402

EDITS = 3  # body edits and date edits measured after each cold build
PASSPHRASE = "lantern orbit mosaic tundra velvet quarry"  # a strong one: publish checks
COMPARE_TARGETS = {1000: "≤ 1.0", 10000: "≤ 1.0"}  # journal cold / Hugo cold (issue 25)
PUBLISH_TARGET = "≤ 1.1"  # publish / journal cold (issue 25)
TARGETS_10K = {
    "cold": "≤ 4 s",
    "warm": "≤ 0.3 s",
    "body edit": "≤ 0.8 s",
    "date edit": "≤ 1.5 s",
    "publish edit": "≤ 1.5 s",
}


def run_process(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one process, which must succeed."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def journal_cmd(command: str, root: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "journal",
        command,
        "--root",
        str(root),
        "--out",
        str(out),
        "--today",
        "2026-11-22",
    ]


def run_build(root: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one `journal build` process."""
    return run_process(journal_cmd("build", root, out))


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
    results["publish edit"] = publish_edits(n, repeat * EDITS)
    return results


def publish_edits(n: int, count: int) -> list[tuple[float, float]]:
    """`journal publish` after one body edit, `count` times, after a first publish (which
    makes the keyring and the memo) on a copy of the journal of its own."""
    root = journal_copy(n, "publish")
    out = root.parent / "public"
    env = {**os.environ, "JOURNAL_PASSPHRASE": PASSPHRASE}
    target = sorted((root / "entries").rglob("*.md"))[n // 2]
    original = target.read_text(encoding="utf-8")
    runs = []
    try:
        run_process(journal_cmd("publish", root, out), env)
        for j in range(count):
            target.write_text(original + f"\nPublish edit {j}.\n", encoding="utf-8")
            runs.append(run_process(journal_cmd("publish", root, out), env))
    finally:
        target.write_text(original, encoding="utf-8")
    return runs


def journal_copy(n: int, name: str = "compare") -> Path:
    """A copy of the generated journal of its own (bench/out/<name>-<n>/journal), so the
    keyring publish creates, and the caches cleared between runs, never touch the journal
    other benches reuse."""
    source = journal_for(n)
    root = OUT / f"{name}-{n}" / "journal"
    stamp = (source / ".bench-stamp").read_text()
    if not (root / ".bench-stamp").exists() or (root / ".bench-stamp").read_text() != stamp:
        shutil.rmtree(root.parent, ignore_errors=True)
        shutil.copytree(source, root, ignore=shutil.ignore_patterns(".journal-cache"))
    return root


def compare(n: int, repeat: int, hugo: str | None) -> dict[str, list[tuple[float, float]]]:
    """Cold journal build, cold Hugo build and cold publish, interleaved, `repeat` of each."""
    root = journal_copy(n)
    work = root.parent
    env = {**os.environ, "JOURNAL_PASSPHRASE": PASSPHRASE}
    if not (root / "journal.keyring.json").exists():  # the first publish creates the keyring
        run_process(journal_cmd("publish", root, work / "public"), env)
    cache = root / ".journal-cache"

    def journal_cold() -> tuple[float, float]:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(work / "site", ignore_errors=True)
        return run_process(journal_cmd("build", root, work / "site"))

    def publish_cold() -> tuple[float, float]:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(work / "public", ignore_errors=True)
        return run_process(journal_cmd("publish", root, work / "public"), env)

    runs = {"journal cold": journal_cold, "publish cold": publish_cold}
    if hugo:
        project = work / "hugo"
        if not (project / "config.toml").exists():
            write_hugo_site(root, project)

        def hugo_cold() -> tuple[float, float]:
            for folder in ("hugo-public", "hugo-cache"):
                shutil.rmtree(work / folder, ignore_errors=True)
            shutil.rmtree(project / "resources", ignore_errors=True)
            return run_process(
                [
                    hugo,
                    "--quiet",
                    "--source",
                    str(project),
                    "--destination",
                    str(work / "hugo-public"),
                    "--cacheDir",
                    str(work / "hugo-cache"),
                ]
            )

        runs = {"journal cold": journal_cold, "hugo cold": hugo_cold, "publish cold": publish_cold}
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    kinds = list(runs)
    for i in range(repeat):
        for kind in kinds[i % len(kinds) :] + kinds[: i % len(kinds)]:  # rotate the order
            results[kind].append(runs[kind]())
    return results


def print_compare(n: int, results: dict[str, list[tuple[float, float]]]) -> None:
    med = {k: statistics.median(s for s, _ in runs) for k, runs in results.items()}
    for kind, runs in results.items():
        rss = max(m for _, m in runs)
        each = " ".join(f"{s:.2f}" for s, _ in runs)
        print(f"{n:>7}  {kind:<13} {med[kind]:>9.2f} {rss:>8.0f}  runs: {each}", flush=True)
    if "hugo cold" in med:
        target = COMPARE_TARGETS.get(n, "")
        ratio = med["journal cold"] / med["hugo cold"]
        print(f"{n:>7}  journal / Hugo   {ratio:>6.2f}  (median cold / median cold) {target}")
    ratio = med["publish cold"] / med["journal cold"]
    target = PUBLISH_TARGET if n == 10000 else ""
    print(f"{n:>7}  publish / cold   {ratio:>6.2f}  (median publish / median cold) {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--large", action="store_true", help="add N = 100,000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help="also measure edit-to-reload")
    parser.add_argument(
        "--hugo",
        action="store_true",
        help="also cold builds side by side with Hugo (if installed) and cold publish",
    )
    parser.add_argument(
        "--hugo-only", action="store_true", help="only the --hugo comparison: no edit builds"
    )
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.large else [])
    if not args.hugo_only:
        print(
            f"{'N':>7}  {'build':<10} {'median s':>9} {'peak MB':>8} {'ms/entry':>9}  target (10k)"
        )
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
    if not (args.hugo or args.hugo_only):
        return
    hugo = shutil.which("hugo")
    print()
    if hugo:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
        print(f"side by side with {version.split()[1] if version else 'hugo'}, interleaved:")
    else:
        print(
            "hugo: not installed, skipping the Hugo comparison (Debian: apt-get install hugo);"
            " cold build against publish only:"
        )
    print(f"{'N':>7}  {'build':<13} {'median s':>9} {'peak MB':>8}")
    for n in sizes:
        before = os.getloadavg()[0]
        results = compare(n, args.repeat, hugo)
        print_compare(n, results)
        # other work on the machine shows here: the medians only mean much when it is low
        print(f"{n:>7}  load average {before:.1f} before, {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
