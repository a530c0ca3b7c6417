"""The commands the product can send to a card, byte for byte, and what status words mean."""

import pytest

from madoguchi.cardreader.card import apdu
from madoguchi.cardreader.card.errors import (
    CardCommunicationError,
    InvalidPin,
    PinLocked,
    SecurityStatusNotSatisfied,
    WrongPin,
)


def test_select_applet_is_the_card_text_aid():
    assert apdu.select_applet() == bytes.fromhex("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")


def test_select_pin_ef():
    assert apdu.select_ef(apdu.EF_PIN) == bytes.fromhex("00 A4 02 0C 02 00 11")


def test_select_basic_facts_ef():
    assert apdu.select_ef(apdu.EF_BASIC_FACTS) == bytes.fromhex("00 A4 02 0C 02 00 02")


def test_the_individual_number_ef_cannot_even_be_built():
    with pytest.raises(PermissionError, match="individual number"):
        apdu.select_ef(bytes.fromhex("00 01"))


def test_verify_sends_the_pin_as_ascii():
    assert apdu.verify("1234") == bytes.fromhex("00 20 00 80 04 31 32 33 34")


def test_verify_status_carries_no_data():
    assert apdu.verify_status() == bytes.fromhex("00 20 00 80")


@pytest.mark.parametrize("pin", ["123", "12345", "12a4", "１２３４", "", None])
def test_a_pin_that_is_not_four_ascii_digits_is_refused_before_sending(pin):
    with pytest.raises(InvalidPin) as refused:
        apdu.verify(pin)
    assert str(refused.value) == "暗証番号は数字4桁です／the PIN is 4 digits"  # never echoes it


def test_read_binary_puts_the_offset_in_p1_p2():
    assert apdu.read_binary(0x0123, 0xFF) == bytes.fromhex("00 B0 01 23 FF")


def test_read_binary_refuses_an_offset_that_would_set_p1_bit_8():
    with pytest.raises(ValueError, match="offset"):
        apdu.read_binary(0x8000, 1)


def test_read_binary_chunks_cover_the_whole_length_in_255_byte_steps():
    commands = apdu.read_binary_chunks(8, 600)
    assert [(c[2] << 8 | c[3], c[4]) for c in commands] == [(8, 255), (263, 255), (518, 90)]


@pytest.mark.parametrize(("sw", "tries"), [
    ((0x63, 0xC2), 2), ((0x63, 0xC1), 1), ((0x63, 0xC0), 0), ((0x90, 0x00), None),
])
def test_63_cx_tells_the_tries_left(sw, tries):
    assert apdu.Status(*sw).tries_left == tries


def test_a_wrong_pin_status_raises_with_the_tries_left():
    with pytest.raises(WrongPin) as refused:
        apdu.raise_for_status(0x63, 0xC2, context="VERIFY")
    assert refused.value.tries_left == 2
    assert "2 tries left" in str(refused.value)


@pytest.mark.parametrize("sw", [(0x63, 0xC0), (0x69, 0x83), (0x69, 0x84)])
def test_locked_statuses_raise_pin_locked_saying_only_a_counter_can_reset(sw):
    with pytest.raises(PinLocked) as refused:
        apdu.raise_for_status(*sw, context="VERIFY")
    assert refused.value.tries_left == 0
    assert "municipal counter" in str(refused.value)


def test_security_status_not_satisfied_is_its_own_error():
    with pytest.raises(SecurityStatusNotSatisfied):
        apdu.raise_for_status(0x69, 0x82, context="READ BINARY")


@pytest.mark.parametrize(("sw", "words"), [
    ((0x6A, 0x82), "not found"), ((0x6A, 0x86), "P1-P2"), ((0x67, 0x00), "wrong length"),
    ((0x6B, 0x00), "offset"), ((0x6D, 0x00), "instruction"), ((0x12, 0x34), "error"),
])
def test_other_statuses_raise_a_communication_error_naming_the_step(sw, words):
    with pytest.raises(CardCommunicationError) as refused:
        apdu.raise_for_status(*sw, context="SELECT EF 00 02")
    assert words in str(refused.value)
    assert "SELECT EF 00 02" in str(refused.value)


def test_success_raises_nothing():
    apdu.raise_for_status(0x90, 0x00, context="SELECT AP")
