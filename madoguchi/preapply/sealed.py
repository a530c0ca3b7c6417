"""The pre-application's QR codes: the resident's data sealed to the office's public key. Pure: no Django.

One part of a code is one line of text, six fields separated by ``:``::

    MDGPRE1:K7Q2ZD4A:M3XTP2QE:1/2:742:<Base45 data>

1. the format and its version;
2. the key id: 8 Base32 characters of the SHA-256 of the office's public key the data is sealed to,
   so the office picks the private key that opens it (and says so when it holds none);
3. the set id: 8 Base32 characters of the SHA-256 of the whole sealed box, so parts of two different
   codes are never joined, and a changed or damaged code is named before any key is tried;
4. ``part/total`` (up to ``MAX_PARTS``);
5. the length of the whole sealed box in bytes, so a part cut short is known as soon as it is read;
6. this part's bytes of the box in Base45 (RFC 9285).

Every character is in the QR code's alphanumeric alphabet (digits, capitals, space, ``$%*+-./:``),
which QR stores at 5.5 bits a character: a part holds ``MAX_PART_BYTES`` and stays at QR version 20
or below (97 × 97 modules at error correction M), which a handheld scanner reads from paper and from
a phone screen. A keyboard-wedge scanner with Caps Lock on types lower case; since a valid code has
no lower-case letter, text is read upper-cased.

The sealed box is libsodium's ``crypto_box_seal`` through PyNaCl's ``SealedBox`` (an ephemeral X25519
key, XSalsa20-Poly1305): only the holder of the private key can open it, and any change to it makes
opening fail. What it seals is ``b"\\x01"`` (the content version) and the zlib-compressed JSON of the
content with the key id (``kid``) and the time it was made (``created``, Unix seconds) added.

Anyone holding the public key — it is public — can make a box that opens. So an opened box proves
only that nothing was changed on the way, not who made it: the content is checked again after
opening (by the caller), and the clerk checks the resident's identity at the counter as on paper.
"""

import hashlib
import json
import re
import zlib
from base64 import b32encode
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from . import base45

PREFIX = "MDGPRE1"
SEPARATOR = ":"
MAX_PART_BYTES = 600
MAX_PARTS = 8
SEAL_OVERHEAD = 48  # the ephemeral public key and the authenticator
MAX_CONTENT_BYTES = 64 * 1024  # decompressed: a code cannot make the office inflate a bomb
CLOCK_SKEW = timedelta(minutes=5)
CONTENT_VERSION = 1
_ID = re.compile(r"^[A-Z2-7]{8}$")
_PART = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_LENGTH = re.compile(r"^\d{1,6}$")


class Reason(StrEnum):
    NOT_A_CODE = "not_a_code"  # some other text (a navigator code, a URL, noise)
    MALFORMED = "malformed"  # the header does not read
    TRUNCATED = "truncated"  # cut short: fields or data missing
    DAMAGED = "damaged"  # data characters that no code holds
    MIXED = "mixed"  # parts of different codes
    INCOMPLETE = "incomplete"  # parts still to scan
    UNKNOWN_KEY = "unknown_key"  # sealed to a key this office does not hold
    TAMPERED = "tampered"  # changed: the checksum or the seal does not hold
    EXPIRED = "expired"  # older than the office accepts
    NOT_YET_VALID = "not_yet_valid"  # made in the future
    INVALID = "invalid"  # opened, but the content is not a pre-application


class CodeRefused(ValueError):
    """Why a code cannot be read. ``reason`` is for the caller's message; ``detail`` says more in
    English and never holds the code's content."""

    def __init__(self, reason: Reason, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else str(reason))


class ContentTooLarge(ValueError):
    """The content does not fit in ``MAX_PARTS`` codes."""


@dataclass(frozen=True)
class Part:
    key_id: str
    set_id: str
    number: int
    total: int
    length: int
    data: bytes


@dataclass(frozen=True)
class Collection:
    """The parts read so far of one code."""

    key_id: str
    set_id: str
    total: int
    length: int
    parts: Mapping[int, bytes] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(n for n in range(1, self.total + 1) if n not in self.parts)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Opened:
    content: dict
    key_id: str
    set_id: str
    created_at: datetime


def _short_id(data: bytes) -> str:
    return b32encode(hashlib.sha256(data).digest()[:5]).decode()


def key_id(public_key: bytes) -> str:
    """The id of an office key pair, from its public half."""
    return _short_id(bytes(public_key))


def _part_sizes(length: int, total: int) -> list[int]:
    base, extra = divmod(length, total)
    return [base + (1 if number <= extra else 0) for number in range(1, total + 1)]


def _base45_length(byte_count: int) -> int:
    return byte_count // 2 * 3 + (2 if byte_count % 2 else 0)


def seal(content: Mapping, *, public_key: bytes, created_at: datetime) -> list[str]:
    """The texts of the QR codes carrying ``content`` (a JSON-able mapping) sealed to ``public_key``.

    ``ContentTooLarge`` when it needs more than ``MAX_PARTS`` codes."""
    if "kid" in content or "created" in content:
        raise ValueError("content may not hold the keys 'kid' or 'created'")
    kid = key_id(public_key)
    body = {"kid": kid, "created": int(created_at.timestamp()), **content}
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    plain = bytes([CONTENT_VERSION]) + zlib.compress(text.encode("utf-8"), 9)
    box = SealedBox(PublicKey(bytes(public_key))).encrypt(plain)
    total = -(-len(box) // MAX_PART_BYTES)
    if total > MAX_PARTS:
        raise ContentTooLarge(f"{len(box)} bytes need {total} codes; at most {MAX_PARTS}")
    set_id = _short_id(box)
    texts, start = [], 0
    for number, size in enumerate(_part_sizes(len(box), total), start=1):
        chunk = box[start:start + size]
        start += size
        texts.append(SEPARATOR.join((PREFIX, kid, set_id, f"{number}/{total}", str(len(box)), base45.encode(chunk))))
    return texts


def parse_part(text: str) -> Part:
    """One scanned part. Raises ``CodeRefused`` saying what is wrong with it."""
    if not isinstance(text, str):
        raise CodeRefused(Reason.NOT_A_CODE, "not text")
    # A scanner ends with a line break or tab; spaces are data (Base45 has one), so only the left goes.
    text = text.strip("\r\n\t").lstrip(" ").upper()
    if not text.startswith(PREFIX + SEPARATOR):
        if text.startswith(PREFIX):
            raise CodeRefused(Reason.TRUNCATED, "the header is cut short")
        if text.startswith("MDGPRE"):
            raise CodeRefused(Reason.NOT_A_CODE, "another version of the pre-application format")
        if text.startswith("MDGNAV"):
            raise CodeRefused(Reason.NOT_A_CODE, "a navigator code")
        raise CodeRefused(Reason.NOT_A_CODE, f"it does not start with {PREFIX}{SEPARATOR}")
    fields = text.split(SEPARATOR, 5)
    if len(fields) < 6:
        raise CodeRefused(Reason.TRUNCATED, f"{len(fields)} of 6 fields")
    _prefix, kid, set_id, part, length_text, data = fields
    if not _ID.match(kid) or not _ID.match(set_id):
        raise CodeRefused(Reason.MALFORMED, "the key id or set id does not read")
    match = _PART.match(part)
    if not match:
        raise CodeRefused(Reason.MALFORMED, "the part number does not read")
    number, total = int(match.group(1)), int(match.group(2))
    if not 1 <= number <= total <= MAX_PARTS:
        raise CodeRefused(Reason.MALFORMED, f"part {number} of {total}")
    if not _LENGTH.match(length_text):
        raise CodeRefused(Reason.MALFORMED, "the length does not read")
    length = int(length_text)
    if not max(SEAL_OVERHEAD + 1, total) <= length <= MAX_PARTS * MAX_PART_BYTES:
        raise CodeRefused(Reason.MALFORMED, f"a length of {length} bytes does not go with {total} part(s)")
    size = _part_sizes(length, total)[number - 1]
    expected = _base45_length(size)
    if len(data) < expected:
        raise CodeRefused(Reason.TRUNCATED, f"{len(data)} of {expected} data characters")
    if len(data) > expected:
        raise CodeRefused(Reason.DAMAGED, f"{len(data) - expected} data characters too many")
    try:
        chunk = base45.decode(data)
    except ValueError as error:
        raise CodeRefused(Reason.DAMAGED, str(error)) from None
    return Part(kid, set_id, number, total, length, chunk)


def split_parts(text: str) -> list[str]:
    """The parts in text scanned into one field: one per line, or run together when the scanner sent
    no line break between scans (each part's header says how long its data is, so they come apart
    without guessing). Text that does not read is passed on whole for ``parse_part`` to explain."""
    out: list[str] = []
    for line in re.split(r"[\r\n\t]+", text if isinstance(text, str) else ""):
        rest = line.lstrip(" ")
        while rest:
            fields = rest.upper().split(SEPARATOR, 5)
            part = _PART.match(fields[3]) if len(fields) == 6 and fields[0] == PREFIX else None
            if part is None or not _LENGTH.match(fields[4]) or not 1 <= int(part.group(1)) <= int(part.group(2)):
                out.append(rest)
                break
            length, total = int(fields[4]), int(part.group(2))
            if length < total:
                out.append(rest)
                break
            size = _part_sizes(length, total)[int(part.group(1)) - 1]
            end = len(SEPARATOR.join(fields[:5])) + 1 + _base45_length(size)
            if not rest[end:].upper().startswith(PREFIX):
                out.append(rest)  # one part (perhaps cut short or too long): parse_part tells which
                break
            out.append(rest[:end])
            rest = rest[end:]
    return out


def collect(texts: Iterable[str]) -> Collection:
    """The parts of one code from the scanned ``texts`` (blank ones skipped; the same part scanned
    twice counts once). Raises ``CodeRefused`` for a bad part or parts of different codes."""
    first: Part | None = None
    parts: dict[int, bytes] = {}
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        part = parse_part(text)
        if first is None:
            first = part
        elif (part.key_id, part.set_id, part.total, part.length) != (first.key_id, first.set_id, first.total,
                                                                     first.length):
            raise CodeRefused(Reason.MIXED, "the parts belong to different codes")
        if parts.get(part.number, part.data) != part.data:
            raise CodeRefused(Reason.MIXED, f"two different parts numbered {part.number}")
        parts[part.number] = part.data
    if first is None:
        raise CodeRefused(Reason.NOT_A_CODE, "nothing scanned")
    return Collection(first.key_id, first.set_id, first.total, first.length, dict(sorted(parts.items())))


def _content(plain: bytes) -> dict:
    if not plain or plain[0] != CONTENT_VERSION:
        raise CodeRefused(Reason.INVALID, "unknown content version")
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(plain[1:], MAX_CONTENT_BYTES)
    except zlib.error:
        raise CodeRefused(Reason.INVALID, "the content does not decompress") from None
    if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
        raise CodeRefused(Reason.INVALID, "the content is too large or has trailing data")
    try:
        content = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CodeRefused(Reason.INVALID, "the content is not JSON") from None
    if not isinstance(content, dict):
        raise CodeRefused(Reason.INVALID, "the content is not a mapping")
    return content


def open_collection(collection: Collection, *, private_keys: Mapping[str, bytes], now: datetime,
                    max_age: timedelta) -> Opened:
    """Open a complete code with the office's private keys (by key id). Raises ``CodeRefused``:
    incomplete, changed, sealed to a key not held, unreadable content, older than ``max_age``."""
    if not collection.complete:
        missing = ", ".join(str(n) for n in collection.missing)
        raise CodeRefused(Reason.INCOMPLETE, f"part(s) {missing} of {collection.total} not scanned")
    box = b"".join(collection.parts[n] for n in range(1, collection.total + 1))
    if len(box) != collection.length or _short_id(box) != collection.set_id:
        raise CodeRefused(Reason.TAMPERED, "the checksum does not match")
    private_key = private_keys.get(collection.key_id)
    if private_key is None:
        raise CodeRefused(Reason.UNKNOWN_KEY, f"no private key {collection.key_id}")
    try:
        plain = SealedBox(PrivateKey(bytes(private_key))).decrypt(box)
    except CryptoError:
        raise CodeRefused(Reason.TAMPERED, "the seal does not open with the office's key") from None
    content = _content(plain)
    if content.pop("kid", None) != collection.key_id:
        raise CodeRefused(Reason.TAMPERED, "the key id inside does not match the header")
    created = content.pop("created", None)
    if not isinstance(created, int) or isinstance(created, bool):
        raise CodeRefused(Reason.INVALID, "no creation time")
    try:
        created_at = datetime.fromtimestamp(created, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise CodeRefused(Reason.INVALID, "the creation time does not read") from None
    if created_at > now + CLOCK_SKEW:
        raise CodeRefused(Reason.NOT_YET_VALID, "made in the future")
    if now - created_at > max_age:
        raise CodeRefused(Reason.EXPIRED, f"made {(now - created_at).days} days ago")
    return Opened(content, collection.key_id, collection.set_id, created_at)


def unseal(texts: Iterable[str], *, private_keys: Mapping[str, bytes], now: datetime, max_age: timedelta) -> Opened:
    """``collect`` then ``open_collection``: the content of a fully scanned code, or ``CodeRefused``."""
    return open_collection(collect(texts), private_keys=private_keys, now=now, max_age=max_age)
