"""Preview latency: from writing an entry to the reload event reaching a connected client.

python bench/serve_latency.py [--sizes 1000 10000] [--repeat 15] [--edit body|title|tags|add]
Starts `journal serve` in a subprocess on a generated journal, listens to its event
stream like a browser tab does, edits one entry again and again (or adds an entry and
deletes it again, each counted), and reports the median and the preview's peak memory.
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
        files = sorted((root / "entries").rglob("*.md"))
        target = files[n // 2]
        if edit == "tags":  # one written with a tag list in brackets
            target = next(f for f in files[n // 2 :] if "tags: [" in f.read_text())
        original = target.read_text(encoding="utf-8")
        times = []
        added = target.with_name("bench-added-entry.md")
        for i in range(repeat):
            time.sleep(0.3)  # let the previous burst settle, as between real saves
            started = time.perf_counter()
            if edit == "title":  # frontmatter: every list showing the entry changes
                target.write_text(original.replace('title: "', f'title: "Round {i} ', 1))
            elif edit == "tags":
                target.write_text(original.replace("tags: [", f"tags: [round-{i % 3}, ", 1))
            elif edit == "add":  # an entry added, then (next round) deleted
                if i % 2 == 0:
                    added.write_text(original.replace('title: "', f'title: "Added {i} ', 1))
                else:
                    added.unlink()
            else:  # the body only: the common save while writing
                target.write_text(original + f"\nEdited for the benchmark, round {i}.\n")
            while True:
                new = stream.next_state()
                if new["build"] != state["build"] or new["error"]:
                    break
            times.append(time.perf_counter() - started)
            state = new
        target.write_text(original, encoding="utf-8")
        added.unlink(missing_ok=True)
        PEAKS[n] = peak_mb(proc.pid)
        return times
    finally:
        proc.terminate()
        proc.wait(timeout=30)


PEAKS: dict[int, float] = {}  # N -> the preview's peak resident memory, MB


def peak_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB; 0 where /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


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
        choices=["body", "title", "tags", "add"],
        default="body",
        help="what each save changes: the body (default), the title or tags in the "
        "frontmatter, or an entry added and deleted",
    )
    args = parser.parse_args()
    for n in args.sizes:
        times = measure(n, args.repeat, args.edit)
        print(
            f"N={n:>6}: {args.edit} edit-to-reload {summary(times)} over {len(times)} edits; "
            f"preview peak {PEAKS.get(n, 0):.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
