"""The office's key pairs for pre-application codes, kept as files. Pure: no Django.

- ``<private key dir>/<key id>.private``: one key pair as JSON (``kid``, ``private_key`` and ``public_key``
  in Base64, ``created_at`` and ``retired_at`` in ISO 8601), mode 0600 in a 0700 directory. Only the
  office side has this directory.
- the public key file: the current public key, one line of Base64. It is all the public side needs
  (copy it there); it reveals nothing that opens a code.

Rotation makes a new pair current and marks the old one retired, keeping it: codes sealed to it stay
readable until they expire. ``prune`` deletes pairs retired longer than the codes' maximum age ago.
Files are written to a temporary name and renamed, so a crash never leaves half a key.
"""

import base64
import binascii
import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from nacl.public import PrivateKey

from .sealed import key_id

PRIVATE_SUFFIX = ".private"


class KeyFileError(Exception):
    """A key file is missing or unreadable; the message names the file, never the key."""


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_key: bytes
    public_key: bytes
    created_at: datetime
    retired_at: datetime | None = None

    def __repr__(self) -> str:  # never print the private key in a traceback or a log
        return f"KeyPair(kid={self.kid!r}, created_at={self.created_at!r}, retired_at={self.retired_at!r})"


def generate(*, now: datetime) -> KeyPair:
    private = PrivateKey.generate()
    public = bytes(private.public_key)
    return KeyPair(key_id(public), bytes(private), public, now)


def _write_atomically(path: Path, text: str, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # the umask may have narrowed or (for 0644) kept it
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _private_directory(directory: Path) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory


def write_pair(directory: Path, pair: KeyPair) -> Path:
    path = _private_directory(directory) / f"{pair.kid}{PRIVATE_SUFFIX}"
    record = {
        "kid": pair.kid, "private_key": base64.b64encode(pair.private_key).decode(),
        "public_key": base64.b64encode(pair.public_key).decode(), "created_at": pair.created_at.isoformat(),
        "retired_at": pair.retired_at.isoformat() if pair.retired_at else None,
    }
    _write_atomically(path, json.dumps(record, indent=2) + "\n", 0o600)
    return path


def _read_pair(path: Path) -> KeyPair:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        private_key = base64.b64decode(record["private_key"], validate=True)
        public = bytes(PrivateKey(private_key).public_key)
        pair = KeyPair(record["kid"], private_key, public, datetime.fromisoformat(record["created_at"]),
                       datetime.fromisoformat(record["retired_at"]) if record.get("retired_at") else None)
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as error:
        raise KeyFileError(f"{path}: not a readable key pair ({type(error).__name__})") from None
    if pair.kid != key_id(public) or base64.b64decode(record.get("public_key", "")) != public:
        raise KeyFileError(f"{path}: its key id or public key does not match its private key")
    return pair


def read_pairs(directory: Path) -> list[KeyPair]:
    """Every key pair in ``directory``, oldest first; none when the directory does not exist."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    pairs = [_read_pair(path) for path in sorted(directory.glob(f"*{PRIVATE_SUFFIX}"))]
    return sorted(pairs, key=lambda pair: pair.created_at)


def current_pair(pairs: list[KeyPair]) -> KeyPair | None:
    """The newest pair not retired."""
    live = [pair for pair in pairs if pair.retired_at is None]
    return live[-1] if live else None


def write_public_key(path: Path, public_key: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, base64.b64encode(public_key).decode() + "\n", 0o644)


def read_public_key(path: Path) -> bytes:
    path = Path(path)
    try:
        key = base64.b64decode(path.read_text(encoding="utf-8").strip(), validate=True)
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no public key file (run `manage.py preapply_keys`)") from None
    except (OSError, ValueError, binascii.Error) as error:
        raise KeyFileError(f"{path}: not a readable public key ({type(error).__name__})") from None
    if len(key) != 32:
        raise KeyFileError(f"{path}: a public key has 32 bytes, this one {len(key)}")
    return key


def create(directory: Path, public_file: Path, *, now: datetime) -> KeyPair:
    """The first key pair, and the public key file. ``KeyFileError`` when a current pair exists."""
    if current_pair(read_pairs(directory)) is not None:
        raise KeyFileError(f"{directory}: a current key pair exists already (rotate it instead)")
    pair = generate(now=now)
    write_pair(directory, pair)
    write_public_key(public_file, pair.public_key)
    return pair


def rotate(directory: Path, public_file: Path, *, now: datetime) -> tuple[KeyPair, list[KeyPair]]:
    """A new current pair; the pairs current until now are marked retired (and kept). Returns both.

    The new pair is written before the old ones are marked, so a crash halfway leaves two current
    pairs (the newest wins) rather than none."""
    previous = [pair for pair in read_pairs(directory) if pair.retired_at is None]
    pair = generate(now=now)
    write_pair(directory, pair)
    write_public_key(public_file, pair.public_key)
    retired = [replace(old, retired_at=now) for old in previous]
    for old in retired:
        write_pair(directory, old)
    return pair, retired


def prune(directory: Path, *, now: datetime, keep_for: timedelta) -> list[KeyPair]:
    """Delete pairs retired more than ``keep_for`` ago (no code sealed to them is still valid)."""
    removed = []
    for pair in read_pairs(directory):
        if pair.retired_at is not None and now - pair.retired_at > keep_for:
            (Path(directory) / f"{pair.kid}{PRIVATE_SUFFIX}").unlink()
            removed.append(pair)
    return removed


def private_keys(pairs: list[KeyPair]) -> dict[str, bytes]:
    """``{key id: private key}`` for opening codes."""
    return {pair.kid: pair.private_key for pair in pairs}
