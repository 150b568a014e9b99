"""The installed wheel carries its templates and builds a journal outside the repo."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_wheel_installs_and_builds_outside_the_repo(tmp_path):
    wheels = tmp_path / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(wheels),
        str(REPO),
        cwd=tmp_path,
    )
    wheel = next(wheels.glob("*.whl"))
    # The new venv sees the dependencies installed where the tests run (a venv or not) by
    # a path in a .pth file; the editable install of this checkout is not among them (its
    # own .pth file is not read from there), so only the wheel provides `journal`.
    run(sys.executable, "-m", "venv", str(tmp_path / "venv"), cwd=tmp_path)
    bin_dir = tmp_path / "venv" / "bin"
    inner = run(
        str(bin_dir / "python"),
        "-c",
        "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        cwd=tmp_path,
    ).strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "outer-dependencies.pth").write_text("\n".join(sorted(outer)) + "\n")
    run(str(bin_dir / "pip"), "install", "--no-deps", "-q", str(wheel), cwd=tmp_path)
    away = tmp_path / "elsewhere"
    away.mkdir()
    run(str(bin_dir / "journal"), "init", "x", cwd=away)
    out = run(str(bin_dir / "journal"), "build", cwd=away / "x")
    assert out.startswith("Built 1 entries")
    index = (away / "x" / "site" / "index.html").read_text(encoding="utf-8")
    assert "My evidence journal" in index
    assert (away / "x" / "site" / "assets" / "style.css").is_file()
    # the templates came from the wheel, not from this checkout
    where = run(
        str(bin_dir / "python"),
        "-c",
        "from journal.theme import default_templates; print(default_templates())",
        cwd=away,
    )
    assert "site-packages" in where and str(REPO) not in where
    # publishing needs the shell and unlock.js from the wheel too
    import os

    env = {
        **os.environ,
        "JOURNAL_PASSPHRASE": "lantern orbit mosaic tundra velvet quarry",
    }
    done = subprocess.run(
        [str(bin_dir / "journal"), "publish"],
        cwd=away / "x",
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (away / "x" / "public" / "assets" / "unlock.js").is_file()
    assert b"Private journal" in (away / "x" / "public" / "index.html").read_bytes()
