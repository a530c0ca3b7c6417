"""BER-TLV of the card text applet's EF 00 02, parsed strictly.

The structure (JIS X 6320-4 / ISO 7816-4 BER): a private constructed tag ``FF 20`` holding
``DF 21`` header, ``DF 22`` name (UTF-8), ``DF 23`` address (UTF-8), ``DF 24`` birth date
``YYYYMMDD`` (ASCII) and ``DF 25`` sex (one ASCII digit, ISO 5218). Tags may take several bytes;
lengths are short form (< 0x80) or long form ``81 xx`` / ``82 xx xx`` / ``83 xx xx xx``.
Indefinite lengths and anything truncated, overlong, duplicated or undecodable are refused with
the offset and the reason: a card that answers garbage must not become a wrong name on a form.
"""

from dataclasses import dataclass, field
from datetime import date

from .errors import CardDataMalformed

TAG_BASIC_FACTS = 0xFF20
TAG_HEADER = 0xDF21
TAG_NAME = 0xDF22
TAG_ADDRESS = 0xDF23
TAG_BIRTH_DATE = 0xDF24
TAG_SEX = 0xDF25

MAX_LENGTH = 0xFFFF  # far above what the EF holds; a bigger claim is corruption
ISO_5218 = {0, 1, 2, 9}


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    offset: int  # where the tag starts in the parsed data
    children: tuple["Tlv", ...] = field(default=())

    @property
    def constructed(self) -> bool:
        first = self.tag.to_bytes(max(1, (self.tag.bit_length() + 7) // 8), "big")[0]
        return bool(first & 0x20)


@dataclass(frozen=True)
class BasicFacts:
    """The four basic facts (基本4情報) as the card holds them."""

    name: str
    address: str
    birth_date: date
    sex: int  # ISO 5218
    header: bytes = b""


class TruncatedData(CardDataMalformed):
    """The data ends inside a tag, a length or a value."""


def _malformed(offset: int, ja: str, en: str, kind: type[CardDataMalformed] = CardDataMalformed) -> CardDataMalformed:
    return kind(f"カードのデータが壊れています：{ja}（位置 {offset}）", f"malformed card data: {en} (offset {offset})")


def read_tag(data: bytes, offset: int) -> tuple[int, int]:
    """(tag, offset after it). A first byte with low bits 11111 continues while bit 8 is set."""
    if offset >= len(data):
        raise _malformed(offset, "タグが途中で切れています", "truncated tag", TruncatedData)
    first = data[offset]
    tag, position = first, offset + 1
    if first & 0x1F == 0x1F:
        while True:
            if position >= len(data):
                raise _malformed(offset, "タグが途中で切れています", "truncated multi-byte tag", TruncatedData)
            byte = data[position]
            tag = (tag << 8) | byte
            position += 1
            if not byte & 0x80:
                break
            if position - offset > 4:
                raise _malformed(offset, "タグが長すぎます", "tag longer than 4 bytes")
    return tag, position


def read_length(data: bytes, offset: int) -> tuple[int, int]:
    """(length, offset after it). Short form, or 81/82/83 long form; 80 (indefinite) refused."""
    if offset >= len(data):
        raise _malformed(offset, "長さが途中で切れています", "truncated length", TruncatedData)
    first = data[offset]
    if first < 0x80:
        return first, offset + 1
    count = first & 0x7F
    if count == 0:
        raise _malformed(offset, "不定長は使えません", "indefinite length is not allowed")
    if count > 3:
        raise _malformed(offset, "長さの表現が大きすぎます", f"length of {count} bytes is not allowed")
    if offset + 1 + count > len(data):
        raise _malformed(offset, "長さが途中で切れています", "truncated long-form length", TruncatedData)
    length = int.from_bytes(data[offset + 1:offset + 1 + count], "big")
    if length > MAX_LENGTH:
        raise _malformed(offset, "長さが大きすぎます", f"length {length} is implausible")
    return length, offset + 1 + count


def parse_tlv(data: bytes, start: int = 0, end: int | None = None) -> list[Tlv]:
    """Every TLV in ``data[start:end]``, constructed ones parsed recursively."""
    end = len(data) if end is None else end
    items: list[Tlv] = []
    position = start
    while position < end:
        tag_offset = position
        tag, position = read_tag(data[:end], position)
        length, position = read_length(data[:end], position)
        if position + length > end:
            raise _malformed(tag_offset, f"タグ {tag:X} の値が途中で切れています",
                             f"value of tag {tag:X} runs past the end ({length} bytes claimed)", TruncatedData)
        value = bytes(data[position:position + length])
        item = Tlv(tag, value, tag_offset)
        if item.constructed:
            item = Tlv(tag, value, tag_offset, tuple(parse_tlv(data, position, position + length)))
        items.append(item)
        position += length
    return items


def total_length(header: bytes) -> int | None:
    """From the first bytes of an EF: the size of its first TLV (tag + length + value), or None
    when ``header`` is too short to tell. Lets the reader ask for exactly what is there."""
    try:
        _, position = read_tag(header, 0)
        length, position = read_length(header, position)
    except TruncatedData:
        return None
    return position + length


def _text(item: Tlv, what_ja: str, what_en: str) -> str:
    try:
        text = item.value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _malformed(item.offset, f"{what_ja}がUTF-8ではありません", f"{what_en} is not valid UTF-8") from error
    if any(ord(ch) < 0x20 and ch not in "\t" for ch in text):
        raise _malformed(item.offset, f"{what_ja}に制御文字があります", f"{what_en} holds control characters")
    # Cards pad fixed-size fields with spaces (and some with NUL, refused above); trim both sides.
    text = text.strip(" \u3000")
    if not text:
        raise _malformed(item.offset, f"{what_ja}が空です", f"{what_en} is empty")
    return text


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big") + encode_length(len(value)) + value


def encode_basic_facts(*, name: str, address: str, birth_date: str, sex: str, header: bytes = b"\x00" * 8) -> bytes:
    """The EF 00 02 bytes for the given facts (used by the simulator and tests)."""
    body = b"".join((
        encode_tlv(TAG_HEADER, header),
        encode_tlv(TAG_NAME, name.encode("utf-8")),
        encode_tlv(TAG_ADDRESS, address.encode("utf-8")),
        encode_tlv(TAG_BIRTH_DATE, birth_date.encode("ascii")),
        encode_tlv(TAG_SEX, sex.encode("ascii")),
    ))
    return encode_tlv(TAG_BASIC_FACTS, body)


def parse_basic_facts(data: bytes) -> BasicFacts:
    """The four basic facts from EF 00 02. Raises ``CardDataMalformed`` with offset and reason."""
    items = parse_tlv(data)
    if not items or items[0].tag != TAG_BASIC_FACTS:
        found = f"{items[0].tag:X}" if items else "nothing"
        raise _malformed(0, "先頭が FF 20 ではありません", f"expected tag FF20 first, found {found}")
    outer = items[0]
    by_tag: dict[int, Tlv] = {}
    for child in outer.children:
        if child.tag in by_tag:
            raise _malformed(child.offset, f"タグ {child.tag:X} が重複しています", f"tag {child.tag:X} appears twice")
        by_tag[child.tag] = child
    for tag, ja, en in ((TAG_NAME, "氏名", "name"), (TAG_ADDRESS, "住所", "address"),
                        (TAG_BIRTH_DATE, "生年月日", "birth date"), (TAG_SEX, "性別", "sex")):
        if tag not in by_tag:
            raise _malformed(outer.offset, f"{ja}（{tag:X}）がありません", f"{en} ({tag:X}) is missing")

    birth_item = by_tag[TAG_BIRTH_DATE]
    birth_text = birth_item.value.decode("ascii", errors="replace").strip()
    try:
        if len(birth_text) != 8 or not birth_text.isdigit():
            raise ValueError(birth_text)
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError as error:
        raise _malformed(birth_item.offset, "生年月日が YYYYMMDD の日付ではありません",
                         "birth date is not a YYYYMMDD date") from error

    sex_item = by_tag[TAG_SEX]
    sex_text = sex_item.value.decode("ascii", errors="replace").strip()
    if not (sex_text.isdigit() and int(sex_text) in ISO_5218):
        raise _malformed(sex_item.offset, "性別が ISO 5218 の値ではありません", "sex is not an ISO 5218 code")

    header = by_tag[TAG_HEADER].value if TAG_HEADER in by_tag else b""
    return BasicFacts(
        name=_text(by_tag[TAG_NAME], "氏名", "name"),
        address=_text(by_tag[TAG_ADDRESS], "住所", "address"),
        birth_date=birth,
        sex=int(sex_text),
        header=header,
    )
