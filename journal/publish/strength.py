"""Refuse passphrases an offline attacker would guess: the published site can be copied and
tried at leisure, so the passphrase is the whole protection.

The estimate comes from zxcvbn (dictionaries, names, keyboard patterns, l33t, dates), not
from hand-written rules; the suggestion draws six words from its English word list.
"""

from __future__ import annotations

import secrets

from journal.errors import JournalError

# 1e14 guesses: at a million PBKDF2 iterations per guess, centuries of a GPU farm.
MIN_GUESSES_LOG10 = 14
_CHECKED = 72  # the most zxcvbn accepts; a longer passphrase is judged by its start


def guesses_log10(passphrase: str) -> float:
    from zxcvbn import zxcvbn

    return float(zxcvbn(passphrase[:_CHECKED])["guesses_log10"])


def suggestion(words: int = 6) -> str:
    """Six words picked at random from 10,000 common ones: about 80 bits."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = [w for w in FREQUENCY_LISTS["english_wikipedia"][:20000] if w.isalpha() and len(w) > 2]
    return " ".join(secrets.choice(common[:10000]) for _ in range(words))


def check_strength(passphrase: str, *, weak_ok: bool = False) -> None:
    """Raise JournalError for a passphrase under the floor, unless the user said it is fine."""
    if weak_ok:
        return
    estimate = guesses_log10(passphrase)
    if estimate < MIN_GUESSES_LOG10:
        raise JournalError(
            f"this passphrase is too easy to guess offline (about 10^{estimate:.0f} guesses; "
            f"at least 10^{MIN_GUESSES_LOG10} are needed). Use six random words, for example "
            f'"{suggestion()}", or pass --weak-passphrase-ok if you accept the risk'
        )
