"""The individual number is refused wherever it appears, and the refusal never repeats it."""

import pytest
from django.utils import translation

from madoguchi.prefill.mynumber import (
    IndividualNumberRefused,
    contains_individual_number,
    find_individual_numbers,
    is_valid_individual_number,
    refuse_individual_number,
)

# Built at run time so that no 12-digit literal sits in the source as a "fixture".
TWELVE = "1234" + "5678" + "9012"


@pytest.mark.parametrize("text", [
    TWELVE,
    f"{TWELVE[:4]} {TWELVE[4:8]} {TWELVE[8:]}",
    f"{TWELVE[:4]}-{TWELVE[4:8]}-{TWELVE[8:]}",
    f"{TWELVE[:4]}ー{TWELVE[4:8]}ー{TWELVE[8:]}",
    f"{TWELVE[:4]}\u3000{TWELVE[4:8]}\u3000{TWELVE[8:]}",
    TWELVE.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    f"番号は{TWELVE}です",
    f"{TWELVE[:8]} {TWELVE[8:]}",
])
def test_twelve_digits_written_as_one_number_are_found(text):
    assert contains_individual_number(text)


@pytest.mark.parametrize("text", [
    "03-1234-5678", "090-1234-5678", "173-8501", "1977-04-01", "19770401",
    "東京都板橋区板橋二丁目66番1号 101号室", "〒173-0004 板橋区板橋2-66-1", "12345678901", "1234567890123",
])
def test_other_numbers_are_not_mistaken_for_an_individual_number(text):
    assert not contains_individual_number(text)


def test_the_check_digit_is_computed_as_the_cabinet_order_says():
    assert is_valid_individual_number("12345678901" + "8")
    assert not is_valid_individual_number("12345678901" + "9")
    assert not is_valid_individual_number("1234")


def test_a_nested_value_is_found_and_named_by_its_path():
    data = {"name": "山田", "household": [{"name": "花子"}, {"memo": f"番号 {TWELVE}"}]}
    assert find_individual_numbers(data) == ["household[1].memo"]


def test_a_number_posted_as_a_json_integer_is_found():
    assert find_individual_numbers({"sex": 1, "id": int(TWELVE)}) == ["id"]


def test_a_number_used_as_a_key_is_found_without_naming_the_key():
    assert find_individual_numbers({"answers": {TWELVE: "x"}}) == ["answers.<key>"]


def test_refusal_names_the_fields_but_never_the_digits():
    with pytest.raises(IndividualNumberRefused) as refused:
        refuse_individual_number({"address": f"板橋区 {TWELVE}", "answers": {"note": TWELVE}})
    message = str(refused.value)
    assert refused.value.fields == ["address", "answers.note"]
    assert "個人番号" in message
    with translation.override("en"):
        assert "individual number" in str(refused.value)
    assert TWELVE not in message and TWELVE[:4] not in message


def test_clean_data_passes():
    refuse_individual_number({"name": "髙﨑 𠮷太郎", "postal_code": "173-8501", "household": [], "sex": 1})
