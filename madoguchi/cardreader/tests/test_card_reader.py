"""The reading sequence against a simulated card that answers the real commands."""

from datetime import date

import pytest

from madoguchi.cardreader.card import apdu
from madoguchi.cardreader.card.errors import (
    CardCommunicationError,
    CardDataMalformed,
    CardRemoved,
    InvalidPin,
    NotACardTextApplet,
    PinLocked,
    WrongPin,
)
from madoguchi.cardreader.card.reader import CardSession
from madoguchi.cardreader.card.simulator import SimulatedCard
from madoguchi.cardreader.card.tlv import encode_tlv


def read(card: SimulatedCard, pin: str):
    card.reset()  # each reading is a new connection, as with a real reader
    return CardSession(card).read_basic_facts(pin)


def test_the_right_pin_returns_the_four_facts():
    facts = read(SimulatedCard(), "1234")
    assert (facts.name, facts.address, facts.birth_date, facts.sex) == (
        "山田　太郎", "東京都板橋区板橋二丁目66番1号", date(1977, 4, 1), 1)


def test_the_tries_left_are_read_before_the_pin_is_sent():
    card = SimulatedCard()
    read(card, "1234")
    verify_commands = [c for c in card.commands if c[1] == 0x20]
    assert verify_commands == [apdu.verify_status(), apdu.verify("1234")]


def test_the_pin_status_is_read_without_using_a_try():
    card = SimulatedCard()
    status = CardSession(card).pin_status()
    assert (status.tries_left, status.locked) == (3, False)
    assert card.tries_left == 3


def test_a_wrong_pin_reports_two_tries_left_then_one():
    card = SimulatedCard()
    with pytest.raises(WrongPin) as first:
        read(card, "0000")
    with pytest.raises(WrongPin) as second:
        read(card, "0000")
    assert (first.value.tries_left, second.value.tries_left) == (2, 1)


def test_a_wrong_pin_is_sent_once_and_never_retried():
    card = SimulatedCard()
    with pytest.raises(WrongPin):
        read(card, "0000")
    assert card.verify_attempts == 1


def test_the_right_pin_after_a_wrong_one_restores_the_tries():
    card = SimulatedCard()
    with pytest.raises(WrongPin):
        read(card, "0000")
    read(card, "1234")
    assert card.tries_left == 3


def test_the_third_wrong_pin_locks_the_card():
    card = SimulatedCard(tries_left=1)
    with pytest.raises(PinLocked) as locked:
        read(card, "0000")
    assert locked.value.tries_left == 0
    assert card.locked


def test_a_locked_card_is_never_sent_a_pin():
    card = SimulatedCard(tries_left=0)
    with pytest.raises(PinLocked, match="only a municipal counter can reset it"):
        read(card, "1234")
    assert card.verify_attempts == 0


def test_a_malformed_pin_is_refused_before_the_card_is_touched():
    card = SimulatedCard()
    with pytest.raises(InvalidPin):
        read(card, "12")
    assert card.commands == []


def test_a_card_removed_mid_read_is_reported_as_removed():
    card = SimulatedCard(address="東京都板橋区" + "髙島平一丁目" * 50, remove_after_reads=2)
    with pytest.raises(CardRemoved, match="put the card back"):
        read(card, "1234")
    assert not card.present


def test_a_card_absent_from_the_start_is_a_communication_error():
    card = SimulatedCard(present=False)
    with pytest.raises(CardCommunicationError):
        CardSession(card).read_basic_facts("1234")


def test_malformed_card_data_is_refused():
    card = SimulatedCard(ef_content=bytes.fromhex("FF 20 05 DF 22 05 41 41"))
    with pytest.raises(CardDataMalformed, match="runs past the end"):
        read(card, "1234")


def test_an_ef_that_claims_more_bytes_than_it_holds_is_refused():
    card = SimulatedCard(ef_content=bytes.fromhex("FF 20 82 01 00") + b"\xDF\x22\x02AB")
    with pytest.raises(CardDataMalformed, match="ended after"):
        read(card, "1234")


def test_an_ef_too_short_for_a_header_is_refused():
    card = SimulatedCard(ef_content=bytes.fromhex("FF 20"))
    with pytest.raises(CardDataMalformed):
        read(card, "1234")


def test_a_long_address_is_read_in_several_chunks():
    address = "東京都板橋区高島平一丁目" + "髙島平ハイツ﨑棟" * 40
    card = SimulatedCard(address=address)
    facts = read(card, "1234")
    assert facts.address == address
    reads = [c for c in card.commands if c[1] == 0xB0]
    assert len(reads) >= 4
    assert all(c[4] <= 0xFF for c in reads)


@pytest.mark.parametrize("name", ["髙橋　一郎", "山﨑　花子", "𠮷田　次郎"])
def test_rare_kanji_come_through_intact(name):
    assert read(SimulatedCard(name=name), "1234").name == name


def test_another_card_without_the_applet_is_named_as_such():
    class OtherCard(SimulatedCard):
        def _select(self, p1, p2, body):
            result = super()._select(p1, p2, body)
            return (0x6A, 0x82) if p1 == 0x04 else result

    with pytest.raises(NotACardTextApplet):
        read(OtherCard(), "1234")


def test_the_individual_number_ef_is_never_selected_in_any_outcome():
    cards = [SimulatedCard(), SimulatedCard(tries_left=0), SimulatedCard(remove_after_reads=0),
             SimulatedCard(ef_content=encode_tlv(0xDF22, b"x"))]
    for card, pin in zip(cards, ["1234", "1234", "1234", "1234"], strict=True):
        try:
            read(card, pin)
        except Exception:  # noqa: S110 - every outcome is fine here; only the selection matters
            pass
        assert not card.individual_number_selected
        assert apdu.EF_INDIVIDUAL_NUMBER not in b"".join(c[5:] for c in card.commands if c[:3] == b"\x00\xa4\x02")


def test_the_simulator_refuses_reading_facts_before_verify():
    card = SimulatedCard()
    card.transmit(apdu.select_applet())
    card.transmit(apdu.select_ef(apdu.EF_BASIC_FACTS))
    assert card.transmit(apdu.read_binary(0, 8)) == (b"", 0x69, 0x82)


def test_the_simulator_records_a_selection_of_the_individual_number_ef():
    card = SimulatedCard()
    card.transmit(apdu.select_applet())
    card.transmit(bytes.fromhex("00 A4 02 0C 02 00 01"))
    assert card.individual_number_selected


def test_a_pin_left_verified_by_an_earlier_session_is_verified_again():
    card = SimulatedCard()
    read(card, "1234")
    # no reset: the card still counts the PIN as verified
    with pytest.raises(WrongPin):
        CardSession(card).read_basic_facts("9999")
