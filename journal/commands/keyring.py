"""The publishing passphrase: asked for (never taken as an argument), checked for strength
when new; the keyring opened or made for `journal publish`, and changed by
`journal passphrase`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import JournalError

if TYPE_CHECKING:
    from journal.publish.crypto import Keyring

PASSPHRASE_ENV = "JOURNAL_PASSPHRASE"
NEW_PASSPHRASE_ENV = "JOURNAL_NEW_PASSPHRASE"
PROMPT_TRIES = 5


def ask_passphrase(prompt: str, env: str, *, confirm: bool, weak_ok: bool | None = None) -> str:
    """From the environment, else typed at a hidden prompt (twice when `confirm`, asked
    again on a mismatch or a weak choice); never an argument, which would land in shell
    history and `ps`. `weak_ok` not None: a new passphrase, checked for strength."""
    import getpass
    import os

    from journal.publish.strength import check_strength

    given = os.environ.get(env)
    if given:
        if weak_ok is not None:
            check_strength(given, weak_ok=weak_ok)
        return given
    if not sys.stdin.isatty():
        raise JournalError(f"no passphrase: set {env} or run in a terminal to be asked")
    for _ in range(PROMPT_TRIES):
        first = getpass.getpass(f"{prompt}: ")
        if not first:
            print("An empty passphrase protects nothing; try again.", file=sys.stderr)
            continue
        if weak_ok is not None:
            try:
                check_strength(first, weak_ok=weak_ok)
            except JournalError as exc:
                print(f"{exc}; try again.", file=sys.stderr)
                continue
        if confirm and getpass.getpass(f"{prompt} (again): ") != first:
            print("The two passphrases differ; try again.", file=sys.stderr)
            continue
        return first
    raise JournalError(f"no passphrase after {PROMPT_TRIES} tries; nothing was changed")


def unlock_or_create(root: Path, *, weak_ok: bool, said: list[str]) -> tuple[Keyring, str]:
    """(the keyring, its passphrase): the journal's keyring opened with the passphrase, or,
    when it has none yet, one made under a new passphrase and saved (said in `said`)."""
    from journal.publish.crypto import create_keyring, read_keyring, write_keyring

    ring = read_keyring(root)
    if ring is not None:
        return ring, ask_passphrase("Passphrase", PASSPHRASE_ENV, confirm=False)
    passphrase = ask_passphrase(
        "New passphrase for the published site", PASSPHRASE_ENV, confirm=True, weak_ok=weak_ok
    )
    ring = create_keyring(passphrase)
    path = write_keyring(root, ring)
    said.append(f"created {path} (safe to commit; it is useless without the passphrase)")
    return ring, passphrase


def change_passphrase(root: Path, *, rewrap_only: bool, weak_ok: bool) -> str:
    """`journal passphrase`: a new site key under a new passphrase (or, `rewrap_only`, the
    same key re-wrapped); what was done and what it means, in a paragraph."""
    from journal.atomic import WriteError, blocked_text
    from journal.publish.crypto import KEYRING_FILE, read_keyring, rewrap, rotate, write_keyring

    ring = read_keyring(root)
    if ring is None:
        raise JournalError("no keyring yet: `journal publish` creates one")
    why = blocked_text(root / KEYRING_FILE)  # before a passphrase is asked
    if why:
        raise WriteError(root / KEYRING_FILE, why)
    old = ask_passphrase("Current passphrase", PASSPHRASE_ENV, confirm=False)
    new = ask_passphrase("New passphrase", NEW_PASSPHRASE_ENV, confirm=True, weak_ok=weak_ok)
    if rewrap_only:
        path = write_keyring(root, rewrap(ring, old, new))
        return (
            f"re-wrapped the same site key in {path}: the old passphrase no longer opens this "
            "keyring, but anyone holding an old keyring (every published copy has one) and the "
            "old passphrase can still open everything you publish. Publish again to update it."
        )
    path = write_keyring(root, rotate(ring, old, new))
    return (
        f"made a new site key in {path}. The next `journal publish` re-encrypts every file "
        "under it (every file name changes, so the whole site is uploaded again); from then "
        "on neither the old passphrase nor an old keyring opens anything published. Copies "
        "published before stay readable with the old passphrase: publish again soon."
    )
