"""和暦: reading what a clerk types and printing what a form needs."""

import itertools
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.prefill.wareki import ERAS, WarekiError, format_wareki, parse_date, to_wareki

SHOWA_52 = date(1977, 4, 1)


@pytest.mark.parametrize("typed", [
    "S52.4.1", "S52/4/1", "s52-4-1", "S.52.4.1", "Ｓ５２．４．１", "昭和52年4月1日", "昭和５２年４月１日",
    "昭和五十二年四月一日", "昭和 52年 4月 1日", "㍼52年4月1日", "1977-04-01", "1977/4/1", "1977.4.1",
    "１９７７－０４－０１", "1977年4月1日", "19770401", " 1977-04-01 ",
])
def test_every_accepted_spelling_reads_as_the_same_day(typed):
    assert parse_date(typed) == SHOWA_52


@pytest.mark.parametrize(("typed", "expected"), [
    ("R6.4.1", date(2024, 4, 1)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("R1.5.1", date(2019, 5, 1)),
    ("R元.5.1", date(2019, 5, 1)),
    ("H31.4.30", date(2019, 4, 30)),
    ("平成元年1月8日", date(1989, 1, 8)),
    ("S64.1.7", date(1989, 1, 7)),
    ("昭和元年12月25日", date(1926, 12, 25)),
    ("T15.12.24", date(1926, 12, 24)),
    ("大正元年7月30日", date(1912, 7, 30)),
    ("M45.7.29", date(1912, 7, 29)),
    ("明治元年10月23日", date(1868, 10, 23)),
    ("平成十二年十二月三十一日", date(2000, 12, 31)),
])
def test_era_dates_convert_to_the_gregorian_day(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize(("typed", "reason"), [
    ("S64.1.8", "昭和は昭和64年1月7日まで"),
    ("H1.1.7", "平成は平成元年1月8日から"),
    ("H31.5.1", "平成は平成31年4月30日まで"),
    ("R1.4.30", "令和は令和元年5月1日から"),
    ("T15.12.25", "大正は大正15年12月24日まで"),
    ("M45.7.30", "明治は明治45年7月29日まで"),
])
def test_a_day_outside_its_era_is_refused_naming_the_era_boundary(typed, reason):
    with pytest.raises(WarekiError) as refused:
        parse_date(typed)
    assert reason in str(refused.value)
    assert "は存在しません" in str(refused.value)


def test_showa_64_january_8_is_refused_because_showa_ended_the_day_before(english):
    with pytest.raises(WarekiError, match="昭和 ended on 昭和64年1月7日"):
        parse_date("昭和64年1月8日")


@pytest.mark.parametrize("typed", ["S52.2.29", "2023-02-29", "R6.13.1", "昭和52年4月31日"])
def test_a_day_that_is_not_in_the_calendar_is_refused(typed, english):
    with pytest.raises(WarekiError, match="not a calendar date"):
        parse_date(typed)


@pytest.mark.parametrize("typed", ["", "  ", "yesterday", "X52.4.1", "52.4.1", "昭和52年", "1977-4", "S0.4.1x"])
def test_unreadable_text_is_refused_with_examples(typed):
    with pytest.raises(WarekiError):
        parse_date(typed)


def test_era_year_zero_is_refused(english):
    with pytest.raises(WarekiError, match="the year of an era starts at 1"):
        parse_date("S0.4.1")


def test_a_date_before_meiji_is_refused(english):
    with pytest.raises(WarekiError, match="before the Meiji era"):
        parse_date("1868-10-22")


def test_a_two_digit_western_year_is_refused_as_ambiguous(english):
    with pytest.raises(WarekiError, match="4-digit year"):
        parse_date("77年4月1日")


def test_an_error_message_is_in_the_language_it_is_shown_in():
    with pytest.raises(WarekiError) as refused:
        parse_date("S64.1.8")
    with translation.override("ja"):
        assert str(refused.value).startswith("昭和64年1月8日 は存在しません")
    with translation.override("en"):
        assert str(refused.value).startswith("昭和64年1月8日 does not exist")


@pytest.mark.parametrize("typed", ["令和99999999999年1月1日", "R99999999999.1.1", "令和1年99999999999月1日",
                                   "一九七七年九九九九九九九九九九九月一日"])
def test_an_overflowing_number_is_refused_not_crashed(typed):
    with pytest.raises(WarekiError):
        parse_date(typed)


@pytest.mark.parametrize(("day", "printed"), [
    (SHOWA_52, "昭和52年4月1日"),
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
    (date(1989, 1, 8), "平成元年1月8日"),
    (date(2024, 4, 1), "令和6年4月1日"),
    (date(1926, 12, 25), "昭和元年12月25日"),
])
def test_a_date_prints_in_wareki_with_gannen_for_the_first_year(day, printed):
    assert format_wareki(day) == printed


def test_the_first_day_of_each_era_is_year_one_of_that_era():
    for era in ERAS:
        wareki = to_wareki(era.first_day)
        assert (wareki.era, wareki.year) == (era, 1)


def test_the_last_day_before_each_era_belongs_to_the_previous_era():
    for previous, era in itertools.pairwise(ERAS):
        assert to_wareki(date.fromordinal(era.first_day.toordinal() - 1)).era == previous


dates = st.dates(min_value=ERAS[0].first_day, max_value=date(2200, 12, 31))


@given(dates)
def test_printed_wareki_reads_back_as_the_same_day(day):
    assert parse_date(format_wareki(day)) == day


@given(dates)
def test_era_initial_form_reads_back_as_the_same_day(day):
    wareki = to_wareki(day)
    assert parse_date(f"{wareki.era.initial}{wareki.year}.{wareki.month}.{wareki.day}") == day


@given(dates)
def test_iso_form_reads_back_as_the_same_day(day):
    assert parse_date(day.isoformat()) == day
