"""A simulated My Number card that answers the real commands of the card text applet.

It keeps the state a real card keeps — selected applet and EF, PIN tries (3, then locked),
verified or not — and answers with the real status words, so ``CardSession`` is tested against
behaviour, not against a mock of itself. It records every command, and whether EF 00 01 (the
individual number) was ever selected, so tests can assert that it never is. It holds no
individual number at all.

Knobs for tests: any name/address (long ones, rare kanji), ``ef_content`` to serve malformed bytes,
``remove_after_reads`` to have the card pulled away mid-read (the transport raises
``TransportError``), ``remove()`` / ``insert()``.
"""

from dataclasses import dataclass, field

from .apdu import AID_CARD_TEXT, EF_BASIC_FACTS, EF_INDIVIDUAL_NUMBER, EF_PIN
from .reader import TransportError
from .tlv import encode_basic_facts

MAX_TRIES = 3

OK = (0x90, 0x00)
END_OF_FILE = (0x62, 0x82)
WRONG_LENGTH = (0x67, 0x00)
SECURITY_NOT_SATISFIED = (0x69, 0x82)
PIN_BLOCKED = (0x69, 0x83)
NOT_ALLOWED_NO_EF = (0x69, 0x86)
NOT_FOUND = (0x6A, 0x82)
WRONG_P1P2 = (0x6A, 0x86)
OFFSET_OUTSIDE = (0x6B, 0x00)
INS_NOT_SUPPORTED = (0x6D, 0x00)
CLA_NOT_SUPPORTED = (0x6E, 0x00)


class CardRemovedError(TransportError):
    pass


@dataclass
class SimulatedCard:
    name: str = "山田　太郎"
    address: str = "東京都板橋区板橋二丁目66番1号"
    birth_date: str = "19770401"  # YYYYMMDD as on the card
    sex: str = "1"
    pin: str = field(default="1234", repr=False)
    tries_left: int = MAX_TRIES
    ef_content: bytes | None = None  # raw EF 00 02 bytes, to serve malformed data
    remove_after_reads: int | None = None  # pull the card away after this many READ BINARY
    present: bool = True

    commands: list[bytes] = field(default_factory=list, init=False, repr=False)
    individual_number_selected: bool = field(default=False, init=False)
    verify_attempts: int = field(default=0, init=False)  # VERIFY commands that carried a PIN
    reads: int = field(default=0, init=False)  # READ BINARY commands answered
    _applet: bool = field(default=False, init=False, repr=False)
    _ef: bytes | None = field(default=None, init=False, repr=False)
    _verified: bool = field(default=False, init=False, repr=False)

    @property
    def facts_bytes(self) -> bytes:
        if self.ef_content is not None:
            return self.ef_content
        return encode_basic_facts(name=self.name, address=self.address, birth_date=self.birth_date, sex=self.sex)

    # --- the physical card ------------------------------------------------------------------

    def reset(self) -> None:
        """Power-on reset (a new connection): nothing selected, PIN not verified."""
        self._applet = False
        self._ef = None
        self._verified = False

    def remove(self) -> None:
        self.present = False
        self.reset()

    def insert(self) -> None:
        self.present = True
        self.reset()

    @property
    def locked(self) -> bool:
        return self.tries_left == 0

    # --- the transport ----------------------------------------------------------------------

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if not self.present:
            raise CardRemovedError("no card on the reader")
        apdu = bytes(apdu)
        self.commands.append(apdu)
        data, (sw1, sw2) = self._answer(apdu)
        return data, sw1, sw2

    def _answer(self, apdu: bytes) -> tuple[bytes, tuple[int, int]]:
        if len(apdu) < 4:
            return b"", WRONG_LENGTH
        cla, ins, p1, p2 = apdu[:4]
        if cla != 0x00:
            return b"", CLA_NOT_SUPPORTED
        body = apdu[4:]
        if ins == 0xA4:
            return b"", self._select(p1, p2, body)
        if ins == 0x20:
            return b"", self._verify(p1, p2, body)
        if ins == 0xB0:
            return self._read(p1, p2, body)
        return b"", INS_NOT_SUPPORTED

    @staticmethod
    def _data(body: bytes) -> bytes | None:
        """The command data of a case-3 APDU (Lc + data), or None when Lc does not match."""
        if not body or body[0] != len(body) - 1:
            return None
        return body[1:]

    def _select(self, p1: int, p2: int, body: bytes) -> tuple[int, int]:
        data = self._data(body)
        if data is None:
            return WRONG_LENGTH
        if p2 != 0x0C:
            return WRONG_P1P2
        if p1 == 0x04:  # by DF name (AID)
            self._applet = data == AID_CARD_TEXT
            self._ef = None
            self._verified = False
            return OK if self._applet else NOT_FOUND
        if p1 == 0x02:  # EF under the current DF
            if len(data) != 2:
                return WRONG_LENGTH
            if data == EF_INDIVIDUAL_NUMBER:
                self.individual_number_selected = True
            if not self._applet or data not in (EF_PIN, EF_BASIC_FACTS, EF_INDIVIDUAL_NUMBER):
                return NOT_FOUND
            self._ef = data
            return OK
        return WRONG_P1P2

    def _verify(self, p1: int, p2: int, body: bytes) -> tuple[int, int]:
        if (p1, p2) != (0x00, 0x80):
            return WRONG_P1P2
        if self._ef != EF_PIN:
            return NOT_ALLOWED_NO_EF
        if self.locked:
            return PIN_BLOCKED
        if not body:  # status only
            return OK if self._verified else (0x63, 0xC0 | self.tries_left)
        data = self._data(body)
        if data is None or len(data) != 4:
            return WRONG_LENGTH
        self.verify_attempts += 1
        if data == self.pin.encode("ascii"):
            self.tries_left = MAX_TRIES
            self._verified = True
            return OK
        self.tries_left -= 1
        self._verified = False
        return (0x63, 0xC0 | self.tries_left)

    def _read(self, p1: int, p2: int, body: bytes) -> tuple[bytes, tuple[int, int]]:
        if len(body) != 1:
            return b"", WRONG_LENGTH
        if p1 & 0x80:
            return b"", WRONG_P1P2
        if self._ef is None:
            return b"", NOT_ALLOWED_NO_EF
        if self._ef != EF_BASIC_FACTS or not self._verified:
            return b"", SECURITY_NOT_SATISFIED
        if self.remove_after_reads is not None and self.reads >= self.remove_after_reads:
            self.remove()
            raise CardRemovedError("the card was removed during READ BINARY")
        self.reads += 1
        content = self.facts_bytes
        offset = (p1 << 8) | p2
        wanted = body[0] or 256
        if offset > len(content):
            return b"", OFFSET_OUTSIDE
        chunk = content[offset:offset + wanted]
        return chunk, (OK if len(chunk) == wanted else END_OF_FILE)
