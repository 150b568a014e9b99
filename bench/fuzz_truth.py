"""The truth check of tests/test_fuzz_truth.py from the command line, with more of it.

python bench/fuzz_truth.py --seeds 20 --steps 500    # seeds 1 to 20, 500 steps each
python bench/fuzz_truth.py --seed 7 --steps 41       # replay a failure (the test names it)

For each seed: a running preview and warm `journal build`s against a cold build after
every step of the seeded changes (issue 25). One line per seed (steps, how many ended in
an error, seconds); a seed's first failure is printed whole (the step, the first differing
path, the changes so far). Seeds run --jobs at a time (default 2), each in a process of its
own. Exit status 1 if any seed failed.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.test_fuzz_truth import run_seed, seed_pool  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="run seeds 1 to N (default 5)")
    parser.add_argument("--seed", type=int, action="append", help="run this seed (repeatable)")
    parser.add_argument("--steps", type=int, default=500, help="steps per seed (default 500)")
    parser.add_argument("--jobs", type=int, default=2, help="seeds at once (default 2)")
    args = parser.parse_args()
    seeds = args.seed or list(range(1, args.seeds + 1))
    failed = []
    kinds: collections.Counter[str] = collections.Counter()
    started = time.monotonic()
    with seed_pool(max(1, min(args.jobs, len(seeds)))) as pool:
        runs = [pool.submit(run_seed, seed, args.steps) for seed in seeds]
        for future in runs:
            run = future.result()
            kinds.update(run.kinds)
            if run.failure:
                failed.append(run.seed)
                print(f"seed {run.seed}: FAILED after {run.seconds:.0f} s\n{run.failure}\n")
                continue
            print(
                f"seed {run.seed}: {args.steps} steps ({run.errors} ending in an error) equal a "
                f"cold build, in {run.seconds:.0f} s "
                f"({run.seconds / max(1, args.steps) * 1000:.0f} ms a step)",
                flush=True,
            )
    outcome = f"; failed: {failed}" if failed else "."
    took = time.monotonic() - started
    print(f"\n{len(seeds) - len(failed)} of {len(seeds)} seeds passed in {took:.0f} s{outcome}")
    if kinds:
        print("changes made: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
