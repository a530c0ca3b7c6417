"""Manual identity entry: every field checked, every problem named, rare kanji kept exactly."""

from datetime import date

import pytest

from madoguchi.prefill.identity import (
    IdentityInvalid,
    IndividualNumberRefused,
    Sex,
    normalise_kana,
    normalise_postal_code,
    validate_household,
    validate_identity,
)

# The messages are checked in English (they are translated when shown).
pytestmark = pytest.mark.usefixtures("english")

TODAY = date(2025, 11, 26)
TWELVE = "1234" + "5678" + "9018"


def typed(**changes):
    raw = {
        "name": "山田　太郎", "name_kana": "やまだ　たろう", "birth_date": "S52.4.1", "sex": "1",
        "postal_code": "173-8501", "address": "東京都板橋区板橋二丁目66番1号",
    }
    raw.update(changes)
    return raw


def problems(raw) -> dict[str, str]:
    with pytest.raises(IdentityInvalid) as refused:
        validate_identity(raw, today=TODAY)
    return refused.value.as_dict()


def test_a_complete_entry_becomes_an_identity():
    identity = validate_identity(typed(), today=TODAY)
    assert identity.name == "山田　太郎"
    assert identity.name_kana == "ヤマダ　タロウ"
    assert identity.birth_date == date(1977, 4, 1)
    assert identity.sex is Sex.MALE
    assert identity.postal_code == "173-8501"


@pytest.mark.parametrize("name", [
    "髙橋　一郎", "山﨑　花子", "𠮷田　次郎", "葛󠄀飾　太郎", "ジョン・スミス", "SMITH John",
])
def test_rare_kanji_and_foreign_names_are_kept_exactly(name):
    assert validate_identity(typed(name=name), today=TODAY).name == name


def test_inner_space_runs_shrink_to_their_first_space_and_ends_are_trimmed():
    assert validate_identity(typed(name="  山田\u3000\u3000 太郎 "), today=TODAY).name == "山田\u3000太郎"


def test_an_address_with_rare_kanji_is_kept_exactly():
    address = "東京都板橋区髙島平一丁目﨑1-2 𠮷ハイツ101"
    assert validate_identity(typed(address=address), today=TODAY).address == address


@pytest.mark.parametrize(("typed_kana", "expected"), [
    ("やまだ たろう", "ヤマダ\u3000タロウ"),
    ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ"),
    ("ヤマダ　タロウ", "ヤマダ\u3000タロウ"),
    ("すゞき", "スヾキ"),
])
def test_kana_is_normalised_to_full_width_katakana(typed_kana, expected):
    assert normalise_kana(typed_kana) == expected


def test_kana_with_kanji_is_refused():
    assert "name_kana" in problems(typed(name_kana="山田"))


@pytest.mark.parametrize("code", ["173-8501", "1738501", "〒173-8501", "１７３－８５０１", "173ー8501"])
def test_postal_code_spellings_normalise_to_three_dash_four(code):
    assert normalise_postal_code(code) == "173-8501"


@pytest.mark.parametrize("code", ["173-850", "17385011", "173--8501", "abc-defg", "1738-501"])
def test_a_postal_code_without_seven_digits_is_refused(code):
    assert "7 digits" in problems(typed(postal_code=code))["postal_code"]


def test_card_identity_without_kana_or_postal_code_is_accepted():
    identity = validate_identity(typed(name_kana="", postal_code=None), today=TODAY)
    assert (identity.name_kana, identity.postal_code) == ("", "")


@pytest.mark.parametrize(("value", "sex"), [
    ("1", Sex.MALE), (2, Sex.FEMALE), ("9", Sex.NOT_APPLICABLE), (0, Sex.UNKNOWN), ("２", Sex.FEMALE),
    ("男", Sex.MALE), ("女性", Sex.FEMALE),
])
def test_sex_accepts_iso_5218_codes_and_words(value, sex):
    assert validate_identity(typed(sex=value), today=TODAY).sex is sex


@pytest.mark.parametrize("value", ["3", 5, "x", True])
def test_sex_outside_iso_5218_is_refused(value):
    assert "1 (male), 2 (female), 9 (not applicable), 0 (unknown)" in problems(typed(sex=value))["sex"]


def test_a_birth_date_in_the_future_is_refused():
    assert "future" in problems(typed(birth_date="R8.1.1"))["birth_date"]


def test_an_impossible_wareki_birth_date_is_refused_with_the_era_reason():
    assert "昭和 ended on 昭和64年1月7日" in problems(typed(birth_date="S64.1.8"))["birth_date"]


def test_every_problem_is_listed_at_once():
    found = problems({"name": "", "birth_date": "tomorrow", "sex": "", "address": " ", "nickname": "x"})
    assert set(found) == {"name", "birth_date", "sex", "address", "nickname"}


def test_a_name_with_digits_or_symbols_is_refused():
    assert "not allowed in a name" in problems(typed(name="山田太郎2"))["name"]


def test_an_address_with_a_control_character_is_refused():
    assert "control" in problems(typed(address="板橋区\x00板橋"))["address"]


@pytest.mark.parametrize("field_name", ["name", "name_kana", "address", "postal_code", "birth_date", "sex"])
def test_an_individual_number_in_any_field_is_refused_before_anything_else(field_name):
    with pytest.raises(IndividualNumberRefused) as refused:
        validate_identity(typed(**{field_name: f"{TWELVE[:4]} {TWELVE[4:8]} {TWELVE[8:]}"}), today=TODAY)
    assert refused.value.fields == [field_name]


def test_household_members_are_validated_and_named_by_index():
    members = validate_household([
        {"name": "山田　花子", "name_kana": "ヤマダ　ハナコ", "birth_date": "1980-02-03", "sex": 2,
         "relationship": "妻"},
        {"name": "山田　𠮷男", "birth_date": "R2.6.7", "sex": 1, "relationship": "子"},
    ], today=TODAY)
    assert [m.name for m in members] == ["山田　花子", "山田　𠮷男"]
    assert members[1].birth_date == date(2020, 6, 7)


def test_a_household_problem_names_the_member_and_field():
    with pytest.raises(IdentityInvalid) as refused:
        validate_household([{"name": "山田　花子", "birth_date": "1980-02-03", "sex": 2},
                            {"name": "山田　一", "birth_date": "S64.1.8", "sex": 1}], today=TODAY)
    assert list(refused.value.as_dict()) == ["household[1].birth_date"]


def test_an_individual_number_in_a_household_member_is_refused():
    with pytest.raises(IndividualNumberRefused) as refused:
        validate_household([{"name": "山田", "relationship": TWELVE}], today=TODAY)
    assert refused.value.fields == ["household[0].relationship"]
