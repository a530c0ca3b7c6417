"""Reading the four basic facts: the command sequence, over any ``Transport``.

The rules the sequence keeps, because a mistake here costs a resident a trip to the ward:

- The tries left are read first (VERIFY with no data uses no try) and a locked card is never
  sent a PIN.
- The PIN is verified on every reading, even when the card says an earlier session left it
  verified, so a wrong PIN is never let through.
- The PIN is sent exactly once per ``read_basic_facts`` call. There is no retry: a wrong PIN
  comes back to the person at the PIN pad with the tries left, and only they decide to try again.
- EF 00 01 (the individual number) is never selected; ``apdu.select_ef`` cannot even build it.
- The PIN never appears in an exception, a log line or a return value.
"""

from dataclasses import dataclass
from typing import Protocol

from . import apdu
from .errors import (
    CardCommunicationError,
    CardDataMalformed,
    CardError,
    CardRemoved,
    NotACardTextApplet,
    PinLocked,
)
from .tlv import BasicFacts, parse_basic_facts, total_length

HEADER_READ = 8  # enough for FF 20 + an 83-form length
MAX_EF_SIZE = 4096  # the real EF is a few hundred bytes; more is a broken card or a wrong EF


class TransportError(Exception):
    """Raised by a transport when the card or reader is gone (removed mid-read, unplugged)."""


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        """Send one command APDU; return (response data, SW1, SW2). Raise ``TransportError``."""
        ...


@dataclass(frozen=True)
class PinStatus:
    tries_left: int | None  # None when the card says the PIN is already verified
    verified: bool

    @property
    def locked(self) -> bool:
        return self.tries_left == 0


class CardSession:
    """One conversation with one inserted card."""

    def __init__(self, transport: Transport):
        self.transport = transport

    def _send(self, command: bytes, context: str) -> tuple[bytes, int, int]:
        try:
            data, sw1, sw2 = self.transport.transmit(command)
        except TransportError as error:
            raise CardRemoved(
                f"カードとの通信が切れました。カードを置き直してください（{context}）",
                f"lost the card during {context}; put the card back on the reader",
            ) from error
        return bytes(data), sw1, sw2

    def _select_applet(self) -> None:
        _, sw1, sw2 = self._send(apdu.select_applet(), "SELECT AP")
        if (sw1, sw2) == (0x6A, 0x82):
            raise NotACardTextApplet("マイナンバーカードの券面事項入力補助APが見つかりません",
                                     "this card has no card text applet: not a My Number card?")
        apdu.raise_for_status(sw1, sw2, context="SELECT AP")

    def _select_ef(self, file_id: bytes) -> None:
        context = f"SELECT EF {file_id.hex(' ').upper()}"
        _, sw1, sw2 = self._send(apdu.select_ef(file_id), context)
        apdu.raise_for_status(sw1, sw2, context=context)

    def pin_status(self) -> PinStatus:
        """Select the applet and its PIN and ask the tries left, using no try."""
        self._select_applet()
        self._select_ef(apdu.EF_PIN)
        _, sw1, sw2 = self._send(apdu.verify_status(), "VERIFY (status)")
        status = apdu.Status(sw1, sw2)
        if status.ok:
            return PinStatus(tries_left=None, verified=True)
        if status.tries_left is not None:
            return PinStatus(tries_left=status.tries_left, verified=False)
        if (sw1, sw2) in ((0x69, 0x83), (0x69, 0x84)):
            return PinStatus(tries_left=0, verified=False)
        apdu.raise_for_status(sw1, sw2, context="VERIFY (status)")
        raise CardCommunicationError("カードの応答が想定外です", f"unexpected answer {status} to VERIFY (status)")

    def _verify_once(self, pin: str) -> None:
        command = apdu.verify(pin)  # raises InvalidPin before anything is sent
        _, sw1, sw2 = self._send(command, "VERIFY")
        apdu.raise_for_status(sw1, sw2, context="VERIFY")

    def _read_ef(self) -> bytes:
        data, sw1, sw2 = self._send(apdu.read_binary(0, HEADER_READ), "READ BINARY")
        if sw1 == 0x6C and 0 < sw2 < HEADER_READ:  # the EF is shorter than the header read: ask again
            data, sw1, sw2 = self._send(apdu.read_binary(0, sw2), "READ BINARY")
        if not (apdu.Status(sw1, sw2).ok or apdu.Status(sw1, sw2).end_of_file):
            apdu.raise_for_status(sw1, sw2, context="READ BINARY")
        size = total_length(data)
        if size is None:
            raise CardDataMalformed("カードのデータが短すぎます", f"EF 00 02 holds only {len(data)} bytes")
        if size > MAX_EF_SIZE:
            raise CardDataMalformed("カードのデータが大きすぎます", f"EF 00 02 claims {size} bytes")
        content = bytearray(data[:size])
        for command in apdu.read_binary_chunks(len(content), size - len(content)):
            offset = (command[2] << 8) | command[3]
            chunk, sw1, sw2 = self._send(command, f"READ BINARY @{offset}")
            status = apdu.Status(sw1, sw2)
            if not status.ok and not status.end_of_file:
                apdu.raise_for_status(sw1, sw2, context=f"READ BINARY @{offset}")
            content += chunk
            if status.end_of_file or len(chunk) < command[4]:
                break
        if len(content) < size:
            raise CardDataMalformed("カードのデータが途中で終わっています",
                                    f"EF 00 02 ended after {len(content)} of {size} bytes")
        return bytes(content)

    def read_basic_facts(self, pin: str) -> BasicFacts:
        """The four basic facts, after one VERIFY of ``pin``.

        Raises ``InvalidPin`` (not 4 digits; no try used), ``PinLocked`` (tries_left 0),
        ``WrongPin`` (with ``tries_left``), ``NotACardTextApplet``, ``CardCommunicationError``
        (card removed), ``CardDataMalformed``."""
        apdu.verify(pin)  # a malformed PIN is refused before the card is touched
        status = self.pin_status()
        if status.locked:
            raise PinLocked("暗証番号がロックされています。区役所の窓口で再設定が必要です",
                            "the PIN is locked; only a municipal counter can reset it", tries_left=0)
        # Verify even when the card says it is verified already: a state left by an earlier
        # session must not let a wrong PIN through.
        self._verify_once(pin)
        self._select_ef(apdu.EF_BASIC_FACTS)
        return parse_basic_facts(self._read_ef())


__all__ = ["CardError", "CardSession", "PinStatus", "Transport", "TransportError"]
