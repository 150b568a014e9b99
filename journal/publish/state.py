"""What publish keeps between runs, in `.journal-cache/publish/state.json` (never published).

Two small facts per site id: the reseal epoch (mixed into every object's nonce, so an
unchanged page keeps its file until `--reseal-all`) and the last publish number (so the
next one is larger even if the clock goes back). A missing or damaged file costs at most
one deploy in which every file changes; nothing read from it can weaken the encryption.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from journal.atomic import replace_atomically
from journal.errors import JournalError

STATE = Path(".journal-cache") / "publish" / "state.json"


@dataclass(frozen=True)
class PublishState:
    build: bytes
    epoch: bytes = b""
    sequence: int = 0

    @classmethod
    def load(cls, root: Path, build: bytes) -> PublishState:
        """The state of this site id; another site's, or none, starts afresh."""
        try:
            data = json.loads((root / STATE).read_text(encoding="utf-8"))
            if base64.b64decode(data["build"], validate=True) != build:
                return cls(build)
            epoch = base64.b64decode(data["epoch"], validate=True)
            sequence = data["sequence"]
            if type(sequence) is not int or sequence < 0 or len(epoch) not in (0, 16):
                return cls(build)
            return cls(build, epoch, sequence)
        except (OSError, ValueError, KeyError, TypeError):
            return cls(build)

    def resealed(self) -> PublishState:
        """A fresh random epoch: every object gets a new nonce, so every file changes."""
        return replace(self, epoch=os.urandom(16))

    def next(self, now_ms: int) -> PublishState:
        """The publish number: milliseconds since 1970, always above the last one."""
        return replace(self, sequence=max(now_ms, self.sequence + 1))

    def save(self, root: Path) -> None:
        path = root / STATE
        data = {
            "build": base64.b64encode(self.build).decode(),
            "epoch": base64.b64encode(self.epoch).decode(),
            "sequence": self.sequence,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(path, (json.dumps(data) + "\n").encode("utf-8"))
        except (OSError, JournalError):
            pass  # only costs a full reseal next time
