"""The passphrase keyring and the encryption of published objects (pages, search index).

Every primitive comes from the `cryptography` package; the browser does the same steps with
WebCrypto (templates/publish/unlock.js). Byte formats, all integers big-endian:

Keyring (`journal.keyring.json` in the journal root; safe to commit, and published inside
every page shell, since without the passphrase it is useless):
    {"format": "evidence-journal-keyring", "version": 1, "kdf": "PBKDF2-HMAC-SHA256",
     "iterations": N, "salt": b64(16 random bytes), "build": b64(16 random bytes),
     "wrapped": b64(nonce[12] | AES-256-GCM(wrapping key, master[32]) | tag[16])}
    wrapping key = PBKDF2-HMAC-SHA256(UTF-8(NFC(passphrase)), salt, N) -> 32 bytes
    wrap AAD     = b"evidence-journal/keyring/v1\\0" | build

The master secret (32 random bytes) is made once per journal; changing the passphrase
re-wraps it and changes nothing else. `build` names the published site: it is bound into
every object, so objects of another journal's (or another keyring's) site are refused.

Keys derived from the master, HKDF-SHA256 with salt = build, 32 bytes each:
    content key: info b"evidence-journal/content/v1"  (AES-256-GCM for every object)
    id key:      info b"evidence-journal/ids/v1"      (HMAC-SHA256 for opaque file names)

Encrypted object:
    0x01 | nonce[12] | AES-256-GCM(content key, nonce, padded, aad) | tag[16]
    aad    = b"evidence-journal/object/v1\\0" | UTF-8(object id) | b"\\0" | build
    padded = u32 len(z) | z | zero bytes up to the size bucket, z = zlib(plaintext)
    bucket = the next multiple of max(1024, 2**ceil(log2(len)) / 8): 1 KiB steps for small
             objects, under 12.5 % overhead for large ones.
The object id is the file's path in the published folder (`p/<24 hex>.html`), so a blob
copied into another page fails to decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from journal.errors import JournalError

KEYRING_FILE = "journal.keyring.json"
DEFAULT_ITERATIONS = 1_000_000
MIN_ITERATIONS = 600_000  # OWASP's floor for PBKDF2-HMAC-SHA256
TEST_ITERATIONS_ENV = "JOURNAL_TEST_KDF_ITERATIONS"  # tests only: a fast, weak count

OBJECT_VERSION = 1
NONCE = 12
WRAP_LABEL = b"evidence-journal/keyring/v1\0"
OBJECT_LABEL = b"evidence-journal/object/v1\0"
CONTENT_INFO = b"evidence-journal/content/v1"
IDS_INFO = b"evidence-journal/ids/v1"


class WrongPassphrase(JournalError):
    """The keyring did not open: the passphrase is not the one it was made with."""


class TamperedObject(JournalError):
    """An object failed authentication: altered, moved, or from another site."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise(passphrase: str) -> bytes:
    """NFC first, so the same words typed on another keyboard or OS give the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def iterations_floor() -> int:
    return 1 if os.environ.get(TEST_ITERATIONS_ENV) else MIN_ITERATIONS


def default_iterations() -> int:
    test = os.environ.get(TEST_ITERATIONS_ENV)
    return int(test) if test else DEFAULT_ITERATIONS


@dataclass(frozen=True)
class Keyring:
    iterations: int
    salt: bytes
    build: bytes
    wrapped: bytes

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "evidence-journal-keyring",
                "version": 1,
                "kdf": "PBKDF2-HMAC-SHA256",
                "iterations": self.iterations,
                "salt": _b64(self.salt),
                "build": _b64(self.build),
                "wrapped": _b64(self.wrapped),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, where: str = KEYRING_FILE) -> Keyring:
        try:
            data = json.loads(text)
            if data.get("format") != "evidence-journal-keyring" or data.get("version") != 1:
                raise ValueError("not an Evidence Journal keyring, version 1")
            if data.get("kdf") != "PBKDF2-HMAC-SHA256":
                raise ValueError(f"unknown kdf {data.get('kdf')!r}")
            ring = cls(
                int(data["iterations"]),
                _unb64(data["salt"]),
                _unb64(data["build"]),
                _unb64(data["wrapped"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise JournalError(f"{where}: cannot read the keyring ({exc})") from None
        if len(ring.salt) != 16 or len(ring.build) != 16 or len(ring.wrapped) != NONCE + 48:
            raise JournalError(f"{where}: the keyring is damaged (wrong field sizes)")
        return ring


def _wrapping_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(normalise(passphrase))


def _wrap(master: bytes, passphrase: str, build: bytes, iterations: int) -> Keyring:
    if iterations < iterations_floor():
        raise JournalError(
            f"{iterations} PBKDF2 iterations is below the floor of {MIN_ITERATIONS:,}"
        )
    salt = os.urandom(16)
    nonce = os.urandom(NONCE)
    key = _wrapping_key(passphrase, salt, iterations)
    wrapped = nonce + AESGCM(key).encrypt(nonce, master, WRAP_LABEL + build)
    return Keyring(iterations, salt, build, wrapped)


def create_keyring(passphrase: str, iterations: int | None = None) -> Keyring:
    """A new master secret and site id, wrapped under the passphrase."""
    return _wrap(os.urandom(32), passphrase, os.urandom(16), iterations or default_iterations())


def unwrap(ring: Keyring, passphrase: str) -> bytes:
    """The master secret; a wrong passphrase raises WrongPassphrase, never a new key."""
    key = _wrapping_key(passphrase, ring.salt, ring.iterations)
    try:
        return AESGCM(key).decrypt(
            ring.wrapped[:NONCE], ring.wrapped[NONCE:], WRAP_LABEL + ring.build
        )
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase: the keyring did not open") from None


def rewrap(ring: Keyring, old: str, new: str, iterations: int | None = None) -> Keyring:
    """Change the passphrase (and maybe the iteration count); the site's keys stay the same."""
    master = unwrap(ring, old)
    return _wrap(master, new, ring.build, iterations or max(ring.iterations, default_iterations()))


def read_keyring(root: Path) -> Keyring | None:
    path = root / KEYRING_FILE
    if not path.exists():
        return None
    ring = Keyring.from_json(path.read_text(encoding="utf-8"), str(path))
    if ring.iterations < iterations_floor():
        raise JournalError(
            f"{path}: {ring.iterations} PBKDF2 iterations is below the floor of "
            f"{MIN_ITERATIONS:,}; run `journal passphrase` to re-wrap it"
        )
    return ring


def write_keyring(root: Path, ring: Keyring) -> Path:
    """Written via a temp file and rename: a keyring half-written would lock the site forever."""
    path = root / KEYRING_FILE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(ring.to_json() + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


@dataclass(frozen=True)
class SiteKeys:
    content: bytes
    ids: bytes
    build: bytes

    @classmethod
    def derive(cls, master: bytes, build: bytes) -> SiteKeys:
        def hkdf(info: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=build, info=info).derive(master)

        return cls(hkdf(CONTENT_INFO), hkdf(IDS_INFO), build)

    def opaque_name(self, logical: str) -> str:
        """Stable across builds, unguessable without the key: 24 hex digits."""
        return hmac.new(self.ids, logical.encode("utf-8"), hashlib.sha256).hexdigest()[:24]

    def _aad(self, object_id: str) -> bytes:
        return OBJECT_LABEL + object_id.encode("utf-8") + b"\0" + self.build

    def seal(self, object_id: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE)
        sealed = AESGCM(self.content).encrypt(nonce, pad(plaintext), self._aad(object_id))
        return bytes([OBJECT_VERSION]) + nonce + sealed

    def open(self, object_id: str, blob: bytes) -> bytes:
        if len(blob) < 1 + NONCE + 16 or blob[0] != OBJECT_VERSION:
            raise TamperedObject(f"{object_id}: not an encrypted object of version 1")
        try:
            padded = AESGCM(self.content).decrypt(
                blob[1 : 1 + NONCE], blob[1 + NONCE :], self._aad(object_id)
            )
        except InvalidTag:
            raise TamperedObject(f"{object_id}: the object failed authentication") from None
        return unpad(padded)


def bucket(size: int) -> int:
    step = max(1024, (1 << max(size - 1, 1).bit_length()) // 8)
    return -(-size // step) * step


def pad(plaintext: bytes) -> bytes:
    z = zlib.compress(plaintext, 9)
    body = struct.pack(">I", len(z)) + z
    return body + bytes(bucket(len(body)) - len(body))


def unpad(padded: bytes) -> bytes:
    (n,) = struct.unpack(">I", padded[:4])
    return zlib.decompress(padded[4 : 4 + n])
