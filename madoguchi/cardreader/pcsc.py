"""A real reader through PC/SC (pyscard, the ``cardreader`` extra), imported only when used."""

from collections.abc import Iterator
from contextlib import contextmanager

from madoguchi.cardreader.card.errors import CardAbsent, ReaderAbsent
from madoguchi.cardreader.card.reader import Transport, TransportError

from .sources import ReaderState

GET_RESPONSE = 0xC0


def _pyscard():
    try:
        from smartcard import Exceptions, System, scard
    except ImportError as error:
        raise ReaderAbsent(
            "pyscard がインストールされていません（pip install 'madoguchi[cardreader]'）",
            "pyscard is not installed: pip install 'madoguchi[cardreader]' (or run with --simulate)",
        ) from error
    return System, Exceptions, scard


class PcscTransport:
    """``Transport`` over a pyscard connection. Answers 61 xx (T=0 "more data") itself."""

    def __init__(self, connection, exceptions):
        self.connection = connection
        self.exceptions = exceptions

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        try:
            data, sw1, sw2 = self.connection.transmit(list(apdu))
            while sw1 == 0x61:  # T=0: fetch the rest with GET RESPONSE
                more, sw1, sw2 = self.connection.transmit([0x00, GET_RESPONSE, 0x00, 0x00, sw2])
                data = list(data) + list(more)
        except self.exceptions.CardConnectionException as error:
            raise TransportError("the card or reader went away") from error
        return bytes(data), sw1, sw2


class PcscSource:
    """The first PC/SC reader (or the one named) and the card on it."""

    def __init__(self, reader_name: str | None = None):
        self.reader_name = reader_name

    def _reader(self):
        system, _, _ = _pyscard()
        try:
            readers = system.readers()
        except Exception as error:  # pcscd not running: pyscard raises its own context errors
            raise ReaderAbsent("PC/SC サービスに接続できません", "cannot reach the PC/SC service (pcscd)") from error
        for reader in readers:
            if self.reader_name is None or str(reader) == self.reader_name:
                return reader
        wanted = f" named {self.reader_name!r}" if self.reader_name else ""
        raise ReaderAbsent("カードリーダーが見つかりません", f"no card reader{wanted} found")

    def state(self) -> ReaderState:
        try:
            reader = self._reader()
        except ReaderAbsent:
            return ReaderState(reader=False, reader_name=None, card=False)
        _, exceptions, _ = _pyscard()
        connection = reader.createConnection()
        try:
            connection.connect()
        except (exceptions.NoCardException, exceptions.CardConnectionException):
            return ReaderState(reader=True, reader_name=str(reader), card=False)
        connection.disconnect()
        return ReaderState(reader=True, reader_name=str(reader), card=True)

    @contextmanager
    def connect(self) -> Iterator[Transport]:
        reader = self._reader()
        _, exceptions, scard = _pyscard()
        connection = reader.createConnection()
        try:
            # Power the card down when done: a VERIFY stays in effect until then.
            connection.connect(disposition=scard.SCARD_UNPOWER_CARD)
        except (exceptions.NoCardException, exceptions.CardConnectionException) as error:
            raise CardAbsent("カードが置かれていません", "no card on the reader") from error
        try:
            yield PcscTransport(connection, exceptions)
        finally:
            try:
                connection.disconnect()
            except exceptions.CardConnectionException:
                pass  # already gone (card removed): nothing left to close
