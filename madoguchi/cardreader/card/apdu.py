"""ISO 7816-4 command APDUs for the card text applet, and what the status words mean.

Every command the product may send is built here, so a review of this file is a review of what
the product can ask of a card. SELECT of EF 00 01 (the individual number) cannot be built.
"""

from dataclasses import dataclass

from .errors import (
    CardCommunicationError,
    InvalidPin,
    PinLocked,
    SecurityStatusNotSatisfied,
    WrongPin,
)

AID_CARD_TEXT = bytes.fromhex("D3 92 10 00 31 00 01 01 04 08")  # 券面事項入力補助AP
EF_PIN = bytes.fromhex("00 11")  # the 4-digit PIN of the applet (3 tries)
EF_BASIC_FACTS = bytes.fromhex("00 02")  # 基本4情報: name, address, birth date, sex
EF_INDIVIDUAL_NUMBER = bytes.fromhex("00 01")  # 個人番号: never selected, never read

PIN_LENGTH = 4
MAX_READ = 0xFF  # short APDU: Le is one byte; 0xFF keeps every reader and card happy
MAX_OFFSET = 0x7FFF  # READ BINARY P1 bit 8 must stay 0 (else it means a short EF identifier)


def select_applet(aid: bytes = AID_CARD_TEXT) -> bytes:
    """SELECT by DF name, no response data (P2 0C)."""
    if not 5 <= len(aid) <= 16:
        raise ValueError("an AID has 5 to 16 bytes")
    return bytes([0x00, 0xA4, 0x04, 0x0C, len(aid)]) + aid


def select_ef(file_id: bytes) -> bytes:
    """SELECT EF by file identifier under the current DF, no response data."""
    if len(file_id) != 2:
        raise ValueError("a file identifier has 2 bytes")
    if file_id == EF_INDIVIDUAL_NUMBER:
        # 番号法: this product may not collect the individual number, so it cannot even ask.
        raise PermissionError("EF 00 01 holds the individual number; this product never selects it")
    return bytes([0x00, 0xA4, 0x02, 0x0C, 0x02]) + file_id


def _pin_bytes(pin: str) -> bytes:
    if not isinstance(pin, str) or len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        raise InvalidPin("暗証番号は数字4桁です", "the PIN is 4 digits")
    return pin.encode("ascii")


def verify(pin: str) -> bytes:
    """VERIFY the PIN of the current EF (P2 80: specific reference data), PIN as ASCII."""
    data = _pin_bytes(pin)
    return bytes([0x00, 0x20, 0x00, 0x80, len(data)]) + data


def verify_status() -> bytes:
    """VERIFY with no data: answers 63 Cx (x tries left) without using a try, 90 00 if verified."""
    return bytes([0x00, 0x20, 0x00, 0x80])


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY ``length`` (1–255) bytes at ``offset`` of the current EF."""
    if not 0 <= offset <= MAX_OFFSET:
        raise ValueError(f"offset {offset} outside 0..{MAX_OFFSET}")
    if not 1 <= length <= MAX_READ:
        raise ValueError(f"length {length} outside 1..{MAX_READ}")
    return bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, length])


def read_binary_chunks(offset: int, total: int, chunk: int = MAX_READ) -> list[bytes]:
    """READ BINARY commands covering ``total`` bytes from ``offset``, ``chunk`` bytes at a time."""
    commands = []
    position, end = offset, offset + total
    while position < end:
        size = min(chunk, end - position)
        commands.append(read_binary(position, size))
        position += size
    return commands


@dataclass(frozen=True)
class Status:
    sw1: int
    sw2: int

    @property
    def ok(self) -> bool:
        return (self.sw1, self.sw2) == (0x90, 0x00)

    @property
    def tries_left(self) -> int | None:
        """x of 63 Cx; None for any other status."""
        return self.sw2 & 0x0F if self.sw1 == 0x63 and self.sw2 & 0xF0 == 0xC0 else None

    @property
    def end_of_file(self) -> bool:
        """62 82: fewer bytes than asked were returned because the EF ended."""
        return (self.sw1, self.sw2) == (0x62, 0x82)

    def __str__(self) -> str:
        return f"{self.sw1:02X} {self.sw2:02X}"


_MEANINGS: dict[tuple[int, int], tuple[str, str]] = {
    (0x62, 0x82): ("ファイルの終わりに達しました", "end of file reached before the length asked"),
    (0x65, 0x81): ("カードのメモリ異常です", "card memory failure"),
    (0x67, 0x00): ("コマンドの長さが正しくありません", "wrong length"),
    (0x69, 0x82): ("暗証番号の照合が済んでいません", "security status not satisfied (PIN not verified)"),
    (0x69, 0x83): ("暗証番号がロックされています", "authentication method blocked (PIN locked)"),
    (0x69, 0x84): ("暗証番号がロックされています", "reference data not usable (PIN locked)"),
    (0x69, 0x86): ("このファイルには実行できないコマンドです", "command not allowed (no current EF)"),
    (0x6A, 0x81): ("この機能はサポートされていません", "function not supported"),
    (0x6A, 0x82): ("アプリケーションまたはファイルがありません", "file or application not found"),
    (0x6A, 0x86): ("パラメータ（P1・P2）が正しくありません", "incorrect parameters P1-P2"),
    (0x6B, 0x00): ("読み出し位置がファイルの外です", "wrong parameters (offset outside the EF)"),
    (0x6D, 0x00): ("カードが知らない命令です", "instruction not supported"),
    (0x6E, 0x00): ("カードが知らないクラスです", "class not supported"),
}


def describe(sw1: int, sw2: int) -> tuple[str, str]:
    """A (Japanese, English) explanation of any status word."""
    status = Status(sw1, sw2)
    if status.ok:
        return ("正常終了", "success")
    if status.tries_left is not None:
        return (f"暗証番号が違います（残り{status.tries_left}回）", f"wrong PIN ({status.tries_left} tries left)")
    if sw1 == 0x6C:
        return (f"長さの指定が違います（正しくは{sw2}バイト）", f"wrong Le (exact length {sw2})")
    if sw1 == 0x61:
        return (f"続きのデータがあります（{sw2}バイト）", f"{sw2} more bytes available")
    return _MEANINGS.get((sw1, sw2), ("カードがエラーを返しました", "the card returned an error"))


def raise_for_status(sw1: int, sw2: int, *, context: str) -> None:
    """Raise the ``CardError`` that fits the status word; return on 90 00.

    ``context`` names the step ("SELECT EF 00 02") so a support call can say where it stopped."""
    status = Status(sw1, sw2)
    if status.ok:
        return
    ja, en = describe(sw1, sw2)
    ja, en = f"{ja}（{context}: {status}）", f"{en} ({context}: {status})"
    if status.tries_left is not None:
        if status.tries_left == 0:
            raise PinLocked("暗証番号がロックされました。区役所の窓口で再設定が必要です",
                            f"the PIN is now locked; only a municipal counter can reset it ({context}: {status})",
                            tries_left=0)
        raise WrongPin(ja, en, tries_left=status.tries_left)
    if (sw1, sw2) in ((0x69, 0x83), (0x69, 0x84)):
        raise PinLocked("暗証番号がロックされています。区役所の窓口で再設定が必要です",
                        f"the PIN is locked; only a municipal counter can reset it ({context}: {status})",
                        tries_left=0)
    if (sw1, sw2) == (0x69, 0x82):
        raise SecurityStatusNotSatisfied(ja, en)
    raise CardCommunicationError(ja, en)
