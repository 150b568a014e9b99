"""The passphrase keyring and the encryption of published objects (pages, search index).

Every primitive comes from the `cryptography` package; the browser does the same steps with
WebCrypto (templates/publish/unlock.js). Byte formats, all integers big-endian:

Keyring (`journal.keyring.json` in the journal root; safe to commit, and published inside
the page shell, since without the passphrase it is useless):
    {"format": "evidence-journal-keyring", "version": 1, "kdf": "PBKDF2-HMAC-SHA256",
     "iterations": N, "salt": b64(16 random bytes), "build": b64(16 random bytes),
     "wrapped": b64(nonce[12] | AES-256-GCM(wrapping key, master[32]) | tag[16])}
    wrapping key = PBKDF2-HMAC-SHA256(UTF-8(NFC(passphrase)), salt, N) -> 32 bytes
    wrap AAD     = b"evidence-journal/keyring/v1\\0" | build
    N is an integer from 600,000 to 100,000,000; anything else is refused.

`journal passphrase` makes a new master secret and site id (`build`) by default, so the old
passphrase and every old keyring open nothing published afterwards; `--rewrap-only` keeps
the master and re-wraps it. `build` is bound into every object and the manifest.

Keys derived from the master, HKDF-SHA256 with salt = build, 32 bytes each:
    content key: info b"evidence-journal/content/v1"  (AES-256-GCM for every object)
    id key:      info b"evidence-journal/ids/v1"      (HMAC-SHA256 for opaque file names)
    nonce key:   info b"evidence-journal/nonce/v2"    (HMAC-SHA256 for object nonces)

Sealed object (a page or the search index), published as `p/<id>.js`:
    0x02 | nonce[12] | AES-256-GCM(content key, nonce, padded, aad) | tag[16]
    aad    = b"evidence-journal/object/v2\\0" | UTF-8(id) | b"\\0" | build
    nonce  = HMAC-SHA256(nonce key, u32 len(epoch) | epoch | aad | padded)[:12]
    padded = u32 len(z) | z | zero bytes up to the size bucket, z = zlib(plaintext)
    bucket = 4 KiB, then powers of two up to 64 KiB, then quarter steps between powers
             of two (see `bucket`).
The nonce is synthetic: the same bytes at the same id give the same blob (an unchanged page
keeps its file), different bytes never share a nonce. `--reseal-all` picks a new random
epoch, so every blob changes.

Manifest of one publish, inline in the page shell:
    0x02 | nonce[12] | AES-256-GCM(content key, nonce, zlib(json), aad) | tag[16]
    aad  = b"evidence-journal/manifest/v2\\0" | build, nonce random
    json = {"publish": sequence number, "home": id, "objects": {id: b64url(SHA-256(blob)[:16])}}
The browser opens an object only if its blob hashes to the manifest's value: an older
version of a page, or a page of another publish, is refused.
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
MAX_ITERATIONS = 100_000_000  # above this a browser would hang for minutes: a damaged file

OBJECT_VERSION = 2
NONCE = 12
DIGEST = 16
WRAP_LABEL = b"evidence-journal/keyring/v1\0"
OBJECT_LABEL = b"evidence-journal/object/v2\0"
MANIFEST_LABEL = b"evidence-journal/manifest/v2\0"
CONTENT_INFO = b"evidence-journal/content/v1"
IDS_INFO = b"evidence-journal/ids/v1"
NONCE_INFO = b"evidence-journal/nonce/v2"
MIN_BUCKET = 4096
POWER_BUCKETS_UP_TO = 65536


class WrongPassphrase(JournalError):
    """The keyring did not open: the passphrase is not the one it was made with."""


class TamperedObject(JournalError):
    """An object failed authentication: altered, moved, or from another site."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def digest(blob: bytes) -> str:
    """What the manifest lists for a blob: URL-safe, as the browser also uses it in URLs."""
    return base64.urlsafe_b64encode(hashlib.sha256(blob).digest()[:DIGEST]).decode().rstrip("=")


def normalise(passphrase: str) -> bytes:
    """NFC first, so the same words typed on another keyboard or OS give the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_iterations(iterations: object, where: str) -> int:
    """Only an integer in the safe range: a keyring is read from a file anyone could edit."""
    if type(iterations) is not int:
        raise JournalError(f"{where}: the iteration count {iterations!r} is not a whole number")
    if iterations < MIN_ITERATIONS:
        raise JournalError(
            f"{where}: {iterations:,} PBKDF2 iterations is below the floor of "
            f"{MIN_ITERATIONS:,}; run `journal passphrase` to make a new keyring"
        )
    if iterations > MAX_ITERATIONS:
        raise JournalError(
            f"{where}: {iterations:,} PBKDF2 iterations is absurd (the most is "
            f"{MAX_ITERATIONS:,}); the keyring is damaged"
        )
    return iterations


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
        """A damaged keyring is a one-line JournalError, never a traceback."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if data.get("format") != "evidence-journal-keyring" or data.get("version") != 1:
                raise ValueError("not an Evidence Journal keyring, version 1")
            if data.get("kdf") != "PBKDF2-HMAC-SHA256":
                raise ValueError(f"unknown kdf {data.get('kdf')!r}")
            fields = [_unb64(data[k]) for k in ("salt", "build", "wrapped")]
            iterations = data["iterations"]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = "not valid JSON" if isinstance(exc, json.JSONDecodeError) else exc
            raise JournalError(f"{where}: cannot read the keyring ({reason})") from None
        ring = cls(check_iterations(iterations, where), *fields)
        if len(ring.salt) != 16 or len(ring.build) != 16 or len(ring.wrapped) != NONCE + 48:
            raise JournalError(f"{where}: the keyring is damaged (wrong field sizes)")
        return ring


def _wrapping_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(normalise(passphrase))


def _wrap(master: bytes, passphrase: str, build: bytes, iterations: int) -> Keyring:
    check_iterations(iterations, "new keyring")
    salt = os.urandom(16)
    nonce = os.urandom(NONCE)
    key = _wrapping_key(passphrase, salt, iterations)
    wrapped = nonce + AESGCM(key).encrypt(nonce, master, WRAP_LABEL + build)
    return Keyring(iterations, salt, build, wrapped)


def create_keyring(passphrase: str, iterations: int | None = None) -> Keyring:
    """A new master secret and site id, wrapped under the passphrase."""
    return _wrap(os.urandom(32), passphrase, os.urandom(16), iterations or DEFAULT_ITERATIONS)


def unwrap(ring: Keyring, passphrase: str) -> bytes:
    """The master secret; a wrong passphrase raises WrongPassphrase, never a new key."""
    check_iterations(ring.iterations, "keyring")
    key = _wrapping_key(passphrase, ring.salt, ring.iterations)
    try:
        return AESGCM(key).decrypt(
            ring.wrapped[:NONCE], ring.wrapped[NONCE:], WRAP_LABEL + ring.build
        )
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase: the keyring did not open") from None


def rewrap(ring: Keyring, old: str, new: str) -> Keyring:
    """Only the passphrase changes: the old keyring still opens every later publish."""
    master = unwrap(ring, old)
    return _wrap(master, new, ring.build, max(ring.iterations, DEFAULT_ITERATIONS))


def rotate(ring: Keyring, old: str, new: str) -> Keyring:
    """A new master and site id: nothing published afterwards opens with the old keyring."""
    unwrap(ring, old)  # the current passphrase must be known to replace it
    return create_keyring(new, max(ring.iterations, DEFAULT_ITERATIONS))


def read_keyring(root: Path) -> Keyring | None:
    path = root / KEYRING_FILE
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise JournalError(f"{path}: cannot read the keyring ({exc})") from None
    return Keyring.from_json(text, str(path))


def write_keyring(root: Path, ring: Keyring) -> Path:
    """Replaced atomically (through a symlink, which stays) or created new, never over a
    keyring that appeared meanwhile: a keyring half-written would lock the site forever.
    WriteError (one line, the keyring as it was) when it cannot be written."""
    from journal.atomic import replace_or_create

    path = root / KEYRING_FILE
    try:
        replace_or_create(path, (ring.to_json() + "\n").encode("utf-8"))
    except FileExistsError:
        raise JournalError(
            f"{path}: made by another run meanwhile; nothing was changed (run this one again)"
        ) from None
    return path


@dataclass(frozen=True)
class SiteKeys:
    content: bytes
    ids: bytes
    nonces: bytes
    build: bytes

    @classmethod
    def derive(cls, master: bytes, build: bytes) -> SiteKeys:
        def hkdf(info: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=build, info=info).derive(master)

        return cls(hkdf(CONTENT_INFO), hkdf(IDS_INFO), hkdf(NONCE_INFO), build)

    def opaque_name(self, logical: str) -> str:
        """Stable across publishes, unguessable without the key: 24 hex digits."""
        return hmac.new(self.ids, logical.encode("utf-8"), hashlib.sha256).hexdigest()[:24]

    def _aad(self, object_id: str) -> bytes:
        return OBJECT_LABEL + object_id.encode("utf-8") + b"\0" + self.build

    def seal(self, object_id: str, plaintext: bytes, epoch: bytes = b"") -> bytes:
        """Deterministic for the same bytes, id and epoch (see the module docstring)."""
        padded, aad = pad(plaintext), self._aad(object_id)
        mac = hmac.new(self.nonces, struct.pack(">I", len(epoch)) + epoch, hashlib.sha256)
        mac.update(aad)
        mac.update(padded)
        nonce = mac.digest()[:NONCE]
        return bytes([OBJECT_VERSION]) + nonce + AESGCM(self.content).encrypt(nonce, padded, aad)

    def open(self, object_id: str, blob: bytes) -> bytes:
        if len(blob) < 1 + NONCE + 16 or blob[0] != OBJECT_VERSION:
            raise TamperedObject(f"{object_id}: not an encrypted object of version 2")
        try:
            padded = AESGCM(self.content).decrypt(
                blob[1 : 1 + NONCE], blob[1 + NONCE :], self._aad(object_id)
            )
        except InvalidTag:
            raise TamperedObject(f"{object_id}: the object failed authentication") from None
        return unpad(padded)

    def seal_manifest(self, manifest: dict) -> bytes:
        nonce = os.urandom(NONCE)
        body = zlib.compress(json.dumps(manifest, separators=(",", ":")).encode(), 9)
        sealed = AESGCM(self.content).encrypt(nonce, body, MANIFEST_LABEL + self.build)
        return bytes([OBJECT_VERSION]) + nonce + sealed

    def open_manifest(self, blob: bytes) -> dict:
        try:
            body = AESGCM(self.content).decrypt(
                blob[1 : 1 + NONCE], blob[1 + NONCE :], MANIFEST_LABEL + self.build
            )
        except InvalidTag:
            raise TamperedObject("the manifest failed authentication") from None
        return json.loads(zlib.decompress(body))


def bucket(size: int) -> int:
    """4 KiB at least, so every ordinary entry page has the same size whatever its kind;
    powers of two up to 64 KiB; above that quarter steps, under 25 % overhead."""
    if size <= MIN_BUCKET:
        return MIN_BUCKET
    power = 1 << (size - 1).bit_length()
    if power <= POWER_BUCKETS_UP_TO:
        return power
    step = power // 8
    return -(-size // step) * step


# zlib's level 6, not 9: on the search texts of 10,000 entries (18 MB) 0.9 s where 9 took
# 1.2 s, on the search index 0.25 s where 1.0 s, for 0.5 % more bytes before padding.
PAD_LEVEL = 6


def pad(plaintext: bytes) -> bytes:
    z = zlib.compress(plaintext, PAD_LEVEL)
    body = struct.pack(">I", len(z)) + z
    return body + bytes(bucket(len(body)) - len(body))


def unpad(padded: bytes) -> bytes:
    (n,) = struct.unpack(">I", padded[:4])
    return zlib.decompress(padded[4 : 4 + n])
