"""Where a cold build's time goes: cProfile of one build, serial (no forked workers),
so every call is seen.

python bench/profile_build.py [--n 10000] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_latency import journal_for  # noqa: E402

import journal.load.journal as loader  # noqa: E402
import journal.render as render  # noqa: E402
from journal.build import Options, build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    loader.PARALLEL_MIN = render.RENDER_PARALLEL_MIN = 10**9  # serial: see every call
    root = journal_for(args.n)
    out = Path(tempfile.mkdtemp(prefix="profile-")) / "site"
    profile = cProfile.Profile()
    profile.enable()
    build(root, out, Options(today=date(2026, 11, 22)), None)
    profile.disable()
    shutil.rmtree(out.parent, ignore_errors=True)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
