"""Preview latency: from writing an entry to the reload event reaching a connected client.

python bench/serve_latency.py [--sizes 1000 10000] [--repeat 15] [--edit body|title]
Starts `journal serve` in a subprocess on a generated journal, listens to its event
stream like a browser tab does, edits one entry again and again, and reports the median.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def journal_for(n: int, seed: int = 1) -> Path:
    """A generated journal, reused while its stamp says it has the same size and seed."""
    root = OUT / f"journal-{n}"
    stamp = root / ".bench-stamp"
    if not stamp.exists() or stamp.read_text() != f"{n} {seed}":
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        generate(root, n, seed)
        stamp.write_text(f"{n} {seed}")
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EventStream:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.conn.request("GET", "/__journal/events")
        self.resp = self.conn.getresponse()

    def next_state(self) -> dict:
        while True:
            line = self.resp.fp.readline()
            if not line:
                raise RuntimeError("event stream closed")
            if line.startswith(b"data: "):
                return json.loads(line[6:])


def measure(n: int, repeat: int = 15, edit: str = "body") -> list[float]:
    """Seconds from each write to the matching reload event."""
    root = journal_for(n)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journal",
            "serve",
            "--root",
            str(root),
            "--port",
            str(port),
            "--out",
            str(OUT / f"site-serve-{n}"),
            "--today",
            "2026-11-22",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while "Serving" not in (proc.stdout.readline() or "Serving"):
            pass
        stream = EventStream(port)
        state = stream.next_state()
        target = sorted((root / "entries").rglob("*.md"))[n // 2]
        original = target.read_text(encoding="utf-8")
        times = []
        for i in range(repeat):
            time.sleep(0.3)  # let the previous burst settle, as between real saves
            started = time.perf_counter()
            if edit == "title":  # frontmatter: every list showing the entry changes
                changed = original.replace('title: "', f'title: "Round {i} ', 1)
            else:  # the body only: the common save while writing
                changed = original + f"\nEdited for the benchmark, round {i}.\n"
            target.write_text(changed, encoding="utf-8")
            while True:
                new = stream.next_state()
                if new["build"] != state["build"] or new["error"]:
                    break
            times.append(time.perf_counter() - started)
            state = new
        target.write_text(original, encoding="utf-8")
        return times
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--edit",
        choices=["body", "title"],
        default="body",
        help="what each save changes: the body (default) or the title in the frontmatter",
    )
    args = parser.parse_args()
    for n in args.sizes:
        times = measure(n, args.repeat, args.edit)
        print(f"N={n:>6}: edit-to-reload {summary(times)} over {len(times)} edits", flush=True)


if __name__ == "__main__":
    main()
