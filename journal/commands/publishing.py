"""`journal publish`: every place it writes checked before a passphrase is asked, then the
site built, sealed under the keyring (made on the first publish), and deployed to git."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from journal.errors import JournalError

PUBLIC_WARNING = (
    "WARNING: --public publishes WITHOUT encryption. Anyone who finds the address "
    "can read every published entry, setbacks and lessons included."
)


def publish_blocked(root: Path, out: Path, new_keyring: bool) -> None:
    """Before a passphrase is asked or a key derived: every place publish writes to (the
    keyring it is about to make, the folder the output is swapped into) can be written;
    otherwise one line each and nothing is changed."""
    from journal.atomic import blocked_text, folder_blocked
    from journal.publish.crypto import KEYRING_FILE

    lines = []
    keyring = root / KEYRING_FILE
    if new_keyring and (why := blocked_text(keyring)):
        lines.append(f"{keyring}: cannot be written ({why})")
    target = Path(os.path.realpath(out))
    folder = target.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    why = folder_blocked(folder)
    if why == "no such folder":
        lines.append(f"{out}: cannot be written ({folder} is not a folder)")
    elif why:
        lines.append(f"{out}: cannot be written ({why}: the folder {folder} cannot be changed)")
    elif target.is_dir() and not os.access(target, os.W_OK | os.X_OK):
        lines.append(f"{out}: cannot be written (permission denied: the folder is read-only)")
    if lines:
        raise JournalError("\njournal: ".join(lines) + "; nothing was published")


def publish_journal(
    root: Path,
    out: Path | None,
    said: list[str],
    *,
    public: bool,
    weak_ok: bool,
    today: date | None,
    reseal_all: bool,
    git: str | None,
    remote: str | None,
) -> None:
    """Publish into `out` (default: public/ in the journal), encrypted unless `public`;
    with `git`, commit it as the only content of that branch and push. What is done is
    added to `said` as it is done, for the caller to print even when a later step fails
    (a reader gone early then stops no step half-way)."""
    from journal.commands.building import output_error
    from journal.commands.keyring import unlock_or_create
    from journal.publish.crypto import KEYRING_FILE, read_keyring
    from journal.publish.site import publish

    out = out or root / "public"
    publish_blocked(root, out, new_keyring=not public and read_keyring(root) is None)
    if public:
        print(PUBLIC_WARNING, file=sys.stderr)
    ring = passphrase = None
    if not public:
        ring, passphrase = unlock_or_create(root, weak_ok=weak_ok, said=said)
    try:
        result = publish(
            root, out, ring=ring, passphrase=passphrase, today=today, reseal_all=reseal_all
        )
    except OSError as exc:
        raise output_error(exc, out, "nothing was published") from None
    said.append(result.summary(out, encrypted=not public))
    if not public:
        said.append(f"Keep {KEYRING_FILE} with the journal; the passphrase cannot be recovered.")
    if git:
        from journal.publish.deploy import deploy_git

        said.append(deploy_git(out, root, git, remote))
