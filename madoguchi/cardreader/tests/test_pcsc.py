"""The PC/SC glue, against a stand-in for pyscard (the real one needs a reader and pcscd)."""

import sys
import types

import pytest

from madoguchi.cardreader.card.errors import CardAbsent, ReaderAbsent
from madoguchi.cardreader.card.reader import CardSession, TransportError
from madoguchi.cardreader.card.simulator import SimulatedCard
from madoguchi.cardreader.pcsc import PcscSource, PcscTransport


class NoCardException(Exception):
    pass


class CardConnectionException(Exception):
    pass


class FakeConnection:
    """pyscard's connection API (lists of ints) over the simulated card."""

    def __init__(self, card: SimulatedCard):
        self.card = card
        self.disposition = None
        self.disconnected = False

    def connect(self, protocol=None, mode=None, disposition=None):
        if not self.card.present:
            raise NoCardException("no card")
        self.card.reset()
        self.disposition = disposition

    def transmit(self, apdu):
        assert isinstance(apdu, list)
        try:
            data, sw1, sw2 = self.card.transmit(bytes(apdu))
        except TransportError as error:
            raise CardConnectionException(str(error)) from error
        return list(data), sw1, sw2

    def disconnect(self):
        self.disconnected = True


class FakeReader:
    def __init__(self, name, card):
        self.name, self.card = name, card
        self.connections = []

    def createConnection(self):
        connection = FakeConnection(self.card)
        self.connections.append(connection)
        return connection

    def __str__(self):
        return self.name


@pytest.fixture
def pyscard(monkeypatch):
    """Install a stand-in ``smartcard`` package; returns the list its ``readers()`` answers."""
    readers: list[FakeReader] = []
    smartcard = types.ModuleType("smartcard")
    smartcard.System = types.SimpleNamespace(readers=lambda: list(readers))
    smartcard.Exceptions = types.SimpleNamespace(NoCardException=NoCardException,
                                                 CardConnectionException=CardConnectionException)
    smartcard.scard = types.SimpleNamespace(SCARD_UNPOWER_CARD=2)
    monkeypatch.setitem(sys.modules, "smartcard", smartcard)
    return readers


def test_facts_are_read_through_pcsc_and_the_card_is_powered_down_after(pyscard):
    reader = FakeReader("Sony RC-S380", SimulatedCard(name="𠮷田　花子"))
    pyscard.append(reader)
    with PcscSource().connect() as transport:
        facts = CardSession(transport).read_basic_facts("1234")
    assert facts.name == "𠮷田　花子"
    assert reader.connections[0].disposition == 2
    assert reader.connections[0].disconnected


def test_the_named_reader_is_used(pyscard):
    pyscard.extend([FakeReader("A", SimulatedCard(name="甲")), FakeReader("B", SimulatedCard(name="乙"))])
    with PcscSource("B").connect() as transport:
        assert CardSession(transport).read_basic_facts("1234").name == "乙"


def test_no_reader_is_reader_absent(pyscard):
    with pytest.raises(ReaderAbsent), PcscSource().connect():
        pass


def test_no_card_is_card_absent(pyscard):
    pyscard.append(FakeReader("R", SimulatedCard(present=False)))
    with pytest.raises(CardAbsent), PcscSource().connect():
        pass


def test_state_reports_reader_and_card_without_reading(pyscard):
    card = SimulatedCard()
    pyscard.append(FakeReader("R", card))
    state = PcscSource().state()
    assert (state.reader, state.reader_name, state.card) == (True, "R", True)
    assert card.commands == []


def test_a_lost_connection_becomes_a_transport_error(pyscard):
    card = SimulatedCard()
    transport = PcscTransport(FakeConnection(card), sys.modules["smartcard"].Exceptions)
    card.remove()
    with pytest.raises(TransportError):
        transport.transmit(bytes.fromhex("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"))


def test_t0_more_data_is_fetched_with_get_response():
    class T0Connection:
        sent: list = []

        def transmit(self, apdu):
            self.sent.append(apdu)
            return ([], 0x61, 0x02) if apdu[1] != 0xC0 else ([0xAB, 0xCD], 0x90, 0x00)

    transport = PcscTransport(T0Connection(), types.SimpleNamespace(CardConnectionException=CardConnectionException))
    assert transport.transmit(b"\x00\xb0\x00\x00\x02") == (b"\xab\xcd", 0x90, 0x00)


def test_without_pyscard_the_reader_is_absent_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "smartcard", None)
    with pytest.raises(ReaderAbsent, match=r"madoguchi\[cardreader\]"), PcscSource().connect():
        pass


def test_without_pyscard_the_status_says_no_reader(monkeypatch):
    monkeypatch.setitem(sys.modules, "smartcard", None)
    assert PcscSource().state().reader is False
