"""The individual-number detector: every shape a person can type is found, ordinary numbers are not.

Property tests (hypothesis) both ways: a valid number in any generated shape is found; twelve digits
that fail the check digit, in the same shapes, are not. No 12-digit literal sits in this file: the
numbers are built from their eleven-digit bodies at run time.
"""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.core.mynumber import (
    IndividualNumberRefused,
    candidates,
    contains_individual_number,
    find_individual_numbers,
    fold,
    is_valid_individual_number,
    random_text_without_number,
    refuse_individual_number,
)


def check_digit(body: str) -> str:
    return next(d for d in "0123456789" if is_valid_individual_number(body + d))


def valid(body: str = "12345678901") -> str:
    return body + check_digit(body)


def invalid(body: str = "12345678901") -> str:
    return body + str((int(check_digit(body)) + 1) % 10)


VALID = valid()
INVALID = invalid()

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")
CIRCLED = str.maketrans("0123456789", "⓪①②③④⑤⑥⑦⑧⑨")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SEPARATORS = [" ", "-", ".", "/", "_", ",", ":", "\u2212", "\u00a0", "\u3000", "   ", "ー", "－", " - ", "\n"]


def grouped(number: str, sizes: tuple[int, ...], separator: str) -> str:
    out, start = [], 0
    for size in sizes:
        out.append(number[start:start + size])
        start += size
    return separator.join(out)


# --- examples -----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [
    lambda n: n,
    lambda n: grouped(n, (4, 4, 4), " "),
    lambda n: grouped(n, (4, 4, 4), "."),
    lambda n: grouped(n, (4, 4, 4), "/"),
    lambda n: grouped(n, (4, 4, 4), "_"),
    lambda n: grouped(n, (4, 4, 4), ","),
    lambda n: grouped(n, (4, 4, 4), ":"),
    lambda n: grouped(n, (4, 4, 4), "\u2212"),
    lambda n: grouped(n, (4, 4, 4), "\u00a0"),
    lambda n: grouped(n, (4, 4, 4), "\u3000"),
    lambda n: grouped(n, (4, 4, 4), "    "),
    lambda n: grouped(n, (5, 7), "-"),
    lambda n: n.translate(FULL_WIDTH),
    lambda n: n.translate(KANJI),
    lambda n: grouped(n, (4, 4, 4), "・").translate(KANJI),
    lambda n: n.translate(CIRCLED),
    lambda n: n.translate(SUPERSCRIPT),
    lambda n: f"番号は{n}です",
    lambda n: f"memo: {grouped(n, (4, 4, 4), ' ')} (本人)",
])
def test_a_valid_number_is_found_in_every_shape(shape):
    assert contains_individual_number(shape(VALID))


@pytest.mark.parametrize("text", [
    "03-3964-1111 2026-11-30",  # a phone number next to a date
    "12345-1234561",  # a ゆうちょ account written 5+7 (without a valid check digit)
    "03-1234-5678", "090-1234-5678", "173-8501", "1977-04-01", "19770401",
    "東京都板橋区板橋二丁目66番1号 101号室", "〒173-0004 板橋区板橋2-66-1",
    "12345678901", "1234567890123", "1234567890123456",
])
def test_ordinary_values_are_accepted(text):
    assert not any(is_valid_individual_number(c) for c in candidates(text)), "an example that passes by chance"
    assert not contains_individual_number(text)


def test_twelve_digits_that_fail_the_check_digit_are_accepted():
    assert not contains_individual_number(INVALID)
    assert not contains_individual_number(grouped(INVALID, (4, 4, 4), "-"))


def test_letters_end_a_number():
    assert not contains_individual_number(grouped(VALID, (4, 4, 4), "番"))


def test_a_longer_run_of_digits_is_not_cut_into_a_number():
    assert not contains_individual_number("9" + VALID)
    assert not contains_individual_number(VALID + "0")


def test_fold_reads_full_width_kanji_circled_and_superscript_digits():
    assert fold("１〇③²") == "1032"


def test_the_check_digit_is_computed_as_the_cabinet_order_says():
    assert is_valid_individual_number("12345678901" + "8")
    assert not is_valid_individual_number("12345678901" + "9")
    assert not is_valid_individual_number("1234")


# --- properties ---------------------------------------------------------------------------------

bodies = st.text(alphabet="0123456789", min_size=11, max_size=11)
splits = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=6).map(tuple)
separators = st.sampled_from(SEPARATORS)
digit_forms = st.sampled_from([None, FULL_WIDTH, KANJI, CIRCLED, SUPERSCRIPT])
surroundings = st.sampled_from([("", ""), ("番号 ", " です"), ("memo: ", "."), ("(", ")")])


def _shape(number: str, sizes: tuple[int, ...], separator: str, form, around) -> str:
    cut = []
    total = 0
    for size in sizes:
        if total + size >= len(number):
            break
        cut.append(size)
        total += size
    cut.append(len(number) - total)
    text = grouped(number, tuple(cut), separator)
    if form is not None:
        text = text.translate(form)
    return around[0] + text + around[1]


@settings(max_examples=400, deadline=None)
@given(bodies, splits, separators, digit_forms, surroundings)
def test_any_valid_number_in_any_shape_is_found(body, sizes, separator, form, around):
    assert contains_individual_number(_shape(valid(body), sizes, separator, form, around))


@settings(max_examples=400, deadline=None)
@given(bodies, splits, separators, digit_forms, surroundings)
def test_twelve_digits_without_a_valid_check_digit_are_accepted_in_any_shape(body, sizes, separator, form, around):
    assert not contains_individual_number(_shape(invalid(body), sizes, separator, form, around))


# --- walking data and refusing ------------------------------------------------------------------


def test_a_nested_value_is_found_and_named_by_its_path():
    data = {"name": "山田", "household": [{"name": "花子"}, {"memo": f"番号 {VALID}"}]}
    assert find_individual_numbers(data) == ["household[1].memo"]


def test_a_number_posted_as_a_json_integer_is_found():
    assert find_individual_numbers({"sex": 1, "id": int(VALID)}) == ["id"]


def test_a_number_used_as_a_key_is_found_without_naming_the_key():
    assert find_individual_numbers({"answers": {VALID: "x"}}) == ["answers.<key>"]


def test_refusal_names_the_fields_but_never_the_digits():
    with pytest.raises(IndividualNumberRefused) as refused:
        refuse_individual_number({"address": f"板橋区 {VALID}", "answers": {"note": VALID}})
    message = str(refused.value)
    assert refused.value.fields == ["address", "answers.note"]
    assert "個人番号" in message
    with translation.override("en"):
        assert "individual number" in str(refused.value)
    assert VALID not in message and VALID[:4] not in message


def test_clean_data_passes():
    refuse_individual_number({"name": "髙﨑 𠮷太郎", "postal_code": "173-8501", "household": [], "sex": 1})


# Japanese phone numbers as written: 03-XXXX-XXXX, 090-XXXX-XXXX, 0120-XXX-XXX (10 or 11 digits).
phones = st.one_of(
    st.tuples(st.sampled_from(["03", "06"]), st.text("0123456789", min_size=4, max_size=4),
              st.text("0123456789", min_size=4, max_size=4)),
    st.tuples(st.sampled_from(["090", "080", "070"]), st.text("0123456789", min_size=4, max_size=4),
              st.text("0123456789", min_size=4, max_size=4)),
    st.tuples(st.just("0120"), st.text("0123456789", min_size=3, max_size=3),
              st.text("0123456789", min_size=3, max_size=3)),
).map("-".join)
dates = st.dates().map(lambda d: d.isoformat()) | st.dates().map(lambda d: f"{d.year}/{d.month}/{d.day}")


@settings(max_examples=300, deadline=None)
@given(phones, dates, st.sampled_from([" ", "  ", "、", " TEL ", "\u3000"]))
def test_a_phone_number_next_to_a_date_is_never_refused(phone, day, between):
    assert not contains_individual_number(phone + between + day)
    assert not contains_individual_number(day + between + phone)


def test_a_random_salt_or_token_that_reads_as_a_number_is_drawn_again():
    # A hex salt once held a run of exactly twelve digits with a valid check digit; the database scan of
    # the typed-text guard found it (CI, 1 Dec 2026). Such draws are thrown away.
    from madoguchi.core.models import ApiToken, new_token_salt
    from madoguchi.reception.models import Visit, new_status_token

    draws = iter([f"ab{valid()}cd", f"{valid('43218765093')[:6]}-{valid('43218765093')[6:]}", "ab12cd"])
    assert random_text_without_number(lambda: next(draws)) == "ab12cd"
    assert ApiToken._meta.get_field("salt").default is new_token_salt
    assert Visit._meta.get_field("status_token").default is new_status_token
    assert not any(contains_individual_number(new_token_salt()) for _ in range(2000))
    assert not any(contains_individual_number(new_status_token()) for _ in range(2000))
