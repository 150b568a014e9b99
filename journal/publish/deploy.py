"""`journal publish --git BRANCH`: the published folder as the only commit of a branch.

Like `mkdocs gh-deploy`, but through git plumbing with a private index, so the user's
working tree, index and current branch are never touched. Each publish replaces the
branch with one parentless commit by a neutral author and force-pushes it: an entry made
private later is not kept in the branch's history.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from journal.errors import JournalError
from journal.write import MARKER

SECRET_ENV = ("JOURNAL_PASSPHRASE", "JOURNAL_NEW_PASSPHRASE")
AUTHOR = ("Evidence Journal", "journal@localhost")


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for git and its hooks: never the passphrases."""
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    return env | (extra or {})


def _git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env or clean_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise JournalError("--git needs git installed") from None
    if done.returncode != 0:
        raise JournalError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def _neutral(env: dict[str, str]) -> dict[str, str]:
    """Not the user's name, email or time zone: the branch says only when it was published."""
    stamp = f"@{int(time.time())} +0000"
    name, email = AUTHOR
    return env | {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": stamp,
    }


def _checked_out(top: Path, ref: str) -> bool:
    """In any worktree of the repository: replacing it would pull the files from under it."""
    listing = _git(["worktree", "list", "--porcelain"], top)
    return any(line == f"branch {ref}" for line in listing.splitlines())


def _forget_reflog(top: Path, ref: str) -> None:
    """A reflog left by an older version would keep earlier publishes reachable here."""
    log = Path(_git(["rev-parse", "--git-path", f"logs/{ref}"], top))
    (log if log.is_absolute() else top / log).unlink(missing_ok=True)


def deploy_git(folder: Path, repo: Path, branch: str, remote: str | None) -> str:
    """Make `folder` the whole tree of `branch`, as its only commit, and force-push it.

    Returns what happened, in one line. Pushes to `remote`, or to origin when it exists.
    """
    top = Path(_git(["rev-parse", "--show-toplevel"], repo))
    git_dir = Path(_git(["rev-parse", "--absolute-git-dir"], top))
    ref = f"refs/heads/{branch}"
    _git(["check-ref-format", ref], top)
    if _checked_out(top, ref):
        raise JournalError(
            f"--git {branch}: that branch is checked out; publishing replaces its whole "
            "content and history. Use a branch of its own, such as gh-pages"
        )
    with tempfile.TemporaryDirectory() as tmp:
        env = _neutral(clean_env()) | {
            "GIT_INDEX_FILE": os.path.join(tmp, "index"),
            "GIT_DIR": str(git_dir),
            "GIT_WORK_TREE": str(folder.resolve()),
        }
        _git(["add", "--all", "--force", "."], folder, env)
        _git(["rm", "--cached", "--quiet", "--ignore-unmatch", MARKER], folder, env)
        tree = _git(["write-tree"], folder, env)
        old = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", ref],
            cwd=top,
            env=clean_env(),
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        alone = old and not _git(["rev-list", "--max-count=1", "--skip=1", old], top)
        if alone and _git(["rev-parse", f"{old}^{{tree}}"], top) == tree:
            commit, what = old, f"{branch} already holds this site"
        else:  # no parent: the previous publish leaves the branch's history
            commit = _git(["commit-tree", tree, "-m", "Publish the journal"], folder, env)
            _git(["-c", "core.logAllRefUpdates=false", "update-ref", ref, commit], top)
            _forget_reflog(top, ref)
            what = f"replaced {branch} with the single commit {commit[:12]}"
    remotes = _git(["remote"], top).split()
    target = remote or ("origin" if "origin" in remotes else None)
    if target is None:
        return what + " (no remote named origin: not pushed; pass --remote NAME)"
    if target not in remotes:
        raise JournalError(f"--remote {target}: no such remote (known: {', '.join(remotes)})")
    _git(["push", "--quiet", target, f"+{ref}:{ref}"], top)
    return what + f" and force-pushed it to {target}"
