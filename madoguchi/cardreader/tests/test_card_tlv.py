"""BER-TLV of EF 00 02: multi-byte tags, long lengths, and malformed data refused with a reason."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.cardreader.card.errors import CardDataMalformed
from madoguchi.cardreader.card.tlv import (
    TAG_BASIC_FACTS,
    TAG_NAME,
    encode_basic_facts,
    encode_length,
    encode_tlv,
    parse_basic_facts,
    parse_tlv,
    read_length,
    read_tag,
    total_length,
)


def facts(**changes) -> bytes:
    values = {"name": "山田　太郎", "address": "東京都板橋区板橋二丁目66番1号", "birth_date": "19770401", "sex": "1"}
    values.update(changes)
    return encode_basic_facts(**values)


def test_the_four_facts_are_read():
    parsed = parse_basic_facts(facts())
    assert (parsed.name, parsed.address, parsed.birth_date, parsed.sex) == (
        "山田　太郎", "東京都板橋区板橋二丁目66番1号", date(1977, 4, 1), 1)


def test_a_two_byte_private_tag_is_read_as_one_tag():
    assert read_tag(bytes.fromhex("FF 20 05"), 0) == (0xFF20, 2)
    assert read_tag(bytes.fromhex("DF 22 05"), 0) == (0xDF22, 2)


def test_a_one_byte_tag_is_read():
    assert read_tag(bytes.fromhex("04 01"), 0) == (0x04, 1)


@pytest.mark.parametrize(("encoded", "length", "after"), [
    ("05", 5, 1), ("7F", 127, 1), ("81 80", 128, 2), ("81 FF", 255, 2), ("82 01 00", 256, 3), ("82 02 58", 600, 3),
])
def test_short_and_long_form_lengths(encoded, length, after):
    assert read_length(bytes.fromhex(encoded), 0) == (length, after)


def test_encode_length_uses_the_shortest_form():
    assert encode_length(127) == b"\x7f"
    assert encode_length(128) == b"\x81\x80"
    assert encode_length(600) == b"\x82\x02\x58"


def test_the_outer_tag_is_constructed_and_holds_the_children():
    (outer,) = parse_tlv(facts())
    assert outer.tag == TAG_BASIC_FACTS and outer.constructed
    assert [child.tag for child in outer.children] == [0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25]


def test_a_long_address_uses_a_long_form_length():
    address = "東京都板橋区" + "髙島平" * 60
    data = facts(address=address)
    assert data[2] == 0x82
    assert parse_basic_facts(data).address == address


@pytest.mark.parametrize("name", ["髙橋　一郎", "山﨑　花子", "𠮷田　次郎", "葛󠄀城　太郎"])
def test_rare_kanji_come_through_byte_exact(name):
    assert parse_basic_facts(facts(name=name)).name == name


def test_total_length_is_known_from_the_first_bytes():
    data = facts(address="板橋" * 200)
    assert total_length(data[:8]) == len(data)


def test_total_length_is_unknown_from_too_few_bytes():
    assert total_length(bytes.fromhex("FF 20 82 01")) is None


@pytest.mark.parametrize(("data", "reason"), [
    (bytes.fromhex("FF"), "truncated multi-byte tag"),
    (bytes.fromhex("FF 20"), "truncated length"),
    (bytes.fromhex("FF 20 80 00 00"), "indefinite length"),
    (bytes.fromhex("FF 20 85 00 00 00 00 01"), "length of 5 bytes"),
    (bytes.fromhex("FF 20 10 DF 22 02 41"), "runs past the end"),
    (bytes.fromhex("FF 20 05 DF 22 05 41 41"), "runs past the end"),
    (bytes.fromhex("FF 20 03 DF 22 81"), "truncated long-form length"),
])
def test_broken_structure_is_refused_with_offset_and_reason(data, reason):
    with pytest.raises(CardDataMalformed) as refused:
        parse_basic_facts(data)
    assert reason in str(refused.value)
    assert "offset" in str(refused.value)


def test_a_structure_without_ff20_is_refused():
    with pytest.raises(CardDataMalformed, match="expected tag FF20"):
        parse_basic_facts(encode_tlv(TAG_NAME, "山田".encode()))


def test_a_missing_fact_is_refused():
    body = encode_tlv(TAG_NAME, "山田".encode())
    with pytest.raises(CardDataMalformed, match=r"address \(DF23\) is missing"):
        parse_basic_facts(encode_tlv(TAG_BASIC_FACTS, body))


def test_a_duplicated_fact_is_refused():
    data = facts()
    (outer,) = parse_tlv(data)
    doubled = encode_tlv(TAG_BASIC_FACTS, outer.value + encode_tlv(TAG_NAME, "別人".encode()))
    with pytest.raises(CardDataMalformed, match="DF22 appears twice"):
        parse_basic_facts(doubled)


def test_a_name_that_is_not_utf8_is_refused():
    body = b"".join(encode_tlv(t, v) for t, v in (
        (0xDF22, "山田".encode("shift_jis")), (0xDF23, "板橋".encode()), (0xDF24, b"19770401"), (0xDF25, b"1")))
    with pytest.raises(CardDataMalformed, match="name is not valid UTF-8"):
        parse_basic_facts(encode_tlv(TAG_BASIC_FACTS, body))


@pytest.mark.parametrize("birth", ["1977041", "19771301", "1977-4-1", "ABCDEFGH"])
def test_a_birth_date_that_is_not_yyyymmdd_is_refused(birth):
    with pytest.raises(CardDataMalformed, match="birth date is not a YYYYMMDD date"):
        parse_basic_facts(facts(birth_date=birth))


@pytest.mark.parametrize("sex", ["3", "M", "12"])
def test_a_sex_outside_iso_5218_is_refused(sex):
    with pytest.raises(CardDataMalformed, match="ISO 5218"):
        parse_basic_facts(facts(sex=sex))


def test_space_padding_of_a_fixed_size_field_is_trimmed():
    assert parse_basic_facts(facts(name="山田　太郎    ")).name == "山田　太郎"


@given(st.binary(max_size=64))
def test_random_bytes_never_crash_the_parser_with_anything_but_malformed_data(data):
    try:
        parse_basic_facts(data)
    except CardDataMalformed:
        pass


@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip(" \u3000") == t and t.isprintable()))
def test_any_printable_name_round_trips_through_the_encoding(name):
    assert parse_basic_facts(facts(name=name)).name == name
