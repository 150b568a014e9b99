"""Issue 22: publish and build never share scratch space, and publish holds the journal's
lock: a build or a second publish started while one runs waits for it, and every command
that exits 0 leaves a whole folder (every object the manifest lists, with its digest).

Real processes, started together, on a journal large enough that each takes a while."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

from journal.publish import crypto
from journal.publish.crypto import SiteKeys, digest
from journal.publish.site import read_published

_spec = importlib.util.spec_from_file_location(
    "bench_generate", Path(__file__).resolve().parent.parent / "bench" / "generate.py"
)
generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_module)

PASS = "correct horse battery staple"
TODAY = "2026-11-22"


def journal(tmp_path: Path, n: int = 400) -> Path:
    root = tmp_path / "j"
    generate_module.generate(root, n, seed=5)
    # A keyring at the real iteration count (the environment cannot lower it): made once.
    crypto.write_keyring(root, crypto.create_keyring(PASS))
    return root


def start(root: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "JOURNAL_PASSPHRASE": PASS}
    return subprocess.Popen(
        [sys.executable, "-m", "journal", *args, "--today", TODAY],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err, err
    return proc.returncode, out + err


def assert_whole(root: Path, out: Path) -> int:
    """Every object the sealed manifest lists is there with its digest, and nothing else."""
    ring = crypto.read_keyring(root)
    keys = SiteKeys.derive(crypto.unwrap(ring, PASS), ring.build)
    sealed, objects = read_published(out)
    manifest = keys.open_manifest(sealed)
    listed = manifest["objects"]
    assert set(objects) == set(listed)
    for object_id, blob in objects.items():
        assert digest(blob) == listed[object_id], object_id
    return len(listed)


def test_builds_during_a_publish_wait_and_leave_it_whole(tmp_path):
    root = journal(tmp_path)
    publisher = start(root, "publish")
    builders = [start(root, "build"), start(root, "build", "--out", "other-site")]
    code, said = finish(publisher)
    assert code == 0, said
    for builder in builders:
        code, said = finish(builder)
        assert code == 0, said
    count = assert_whole(root, root / "public")
    # 400 generated entries, nearly all published: one object each, plus the lists
    assert count > 350
    assert (root / "site" / "index.html").is_file()
    assert (root / "other-site" / "index.html").is_file()


def test_two_publishes_at_once_both_end_whole(tmp_path):
    root = journal(tmp_path, 300)
    first, second = start(root, "publish"), start(root, "publish")
    results = [finish(first), finish(second)]
    assert [code for code, _ in results] == [0, 0], results
    assert any("waits for it" in said for _, said in results)  # one waited for the other
    assert_whole(root, root / "public")


def test_a_build_started_while_publish_fills_its_folder(tmp_path):
    """The moment the issue caught: a build (here in this process, so it starts within a
    millisecond) begins while publish is writing its temporary folder. Before, the build
    removed that folder and publish swapped in what was left of it, exit 0."""
    from datetime import date

    from journal.build import Options, build

    root = journal(tmp_path, 1000)
    publisher = start(root, "publish")
    cache = root / ".journal-cache"
    seen = False
    for _ in range(200_000):  # bounded: about a minute at most
        if publisher.poll() is not None:
            break
        if any(p.name.startswith(".journal-tmp-") for p in cache.glob("*/.journal-tmp-*")):
            seen = True
            build(root, root / "site", Options(today=date(2026, 11, 22)))
            break
        time.sleep(0.0003)
    code, said = finish(publisher)
    assert seen, "publish ended before its temporary folder was seen"
    assert code == 0, said
    assert_whole(root, root / "public")
