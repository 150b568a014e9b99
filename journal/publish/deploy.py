"""`journal publish --git BRANCH`: the published folder as the only content of a branch.

Like `mkdocs gh-deploy`, but through git plumbing with a private index, so the user's
working tree, index and current branch are never touched.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from journal.errors import JournalError
from journal.write import MARKER


def _git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise JournalError("--git needs git installed") from None
    if done.returncode != 0:
        raise JournalError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _identity(repo: Path) -> dict[str, str]:
    """Commit as the user when git knows them, else as the tool (commit-tree insists)."""
    env = dict(os.environ)
    for key, var in (("user.name", "NAME"), ("user.email", "EMAIL")):
        known = subprocess.run(
            ["git", "config", key], cwd=repo, capture_output=True, text=True, check=False
        )
        if not known.stdout.strip():
            value = "Evidence Journal" if var == "NAME" else "journal@localhost"
            env.setdefault(f"GIT_AUTHOR_{var}", value)
            env.setdefault(f"GIT_COMMITTER_{var}", value)
    return env


def deploy_git(folder: Path, repo: Path, branch: str, remote: str | None) -> str:
    """Commit `folder` as the whole tree of `branch` (on top of its history) and push it.

    Returns what happened, in one line. Pushes to `remote`, or to origin when it exists.
    """
    top = Path(_git(["rev-parse", "--show-toplevel"], repo))
    git_dir = Path(_git(["rev-parse", "--absolute-git-dir"], top))
    ref = f"refs/heads/{branch}"
    _git(["check-ref-format", ref], top)
    with tempfile.TemporaryDirectory() as tmp:
        env = _identity(top) | {
            "GIT_INDEX_FILE": os.path.join(tmp, "index"),
            "GIT_DIR": str(git_dir),
            "GIT_WORK_TREE": str(folder.resolve()),
        }
        _git(["add", "--all", "--force", "."], folder, env)
        _git(["rm", "--cached", "--quiet", "--ignore-unmatch", MARKER], folder, env)
        tree = _git(["write-tree"], folder, env)
        parent = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", ref],
            cwd=top,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if parent and _git(["rev-parse", f"{parent}^{{tree}}"], top) == tree:
            commit, what = parent, f"{branch} already holds this site"
        else:
            args = ["commit-tree", tree, "-m", "Publish the journal"]
            if parent:
                args += ["-p", parent]
            commit = _git(args, folder, env)
            _git(["update-ref", ref, commit], top)
            what = f"committed {commit[:12]} to {branch}"
    remotes = _git(["remote"], top).split()
    target = remote or ("origin" if "origin" in remotes else None)
    if target is None:
        return what + " (no remote named origin: not pushed; pass --remote NAME)"
    if target not in remotes:
        raise JournalError(f"--remote {target}: no such remote (known: {', '.join(remotes)})")
    _git(["push", "--quiet", target, f"{ref}:{ref}"], top)
    return what + f" and pushed it to {target}"
