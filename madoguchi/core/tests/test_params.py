from datetime import date

from madoguchi.core.params import date_or_none, int_or_none


def test_plain_numbers_read():
    assert int_or_none("12") == 12 and int_or_none(" -3 ") == -3 and int_or_none(7) == 7


def test_anything_else_is_absent():
    for text in ("", "--1", "²", "１", "1.5", "abc", "9" * 20, None, True, ["1"]):
        assert int_or_none(text) is None, text


def test_out_of_range_is_absent():
    assert int_or_none("0", low=1) is None and int_or_none("9", high=8) is None and int_or_none("8", high=8) == 8


def test_a_date_that_exists_reads_and_others_are_absent():
    assert date_or_none("2026-12-02") == date(2026, 12, 2)
    for text in ("2026-02-30", "2026-13-01", "x", "", None, "2026-2-30x"):
        assert date_or_none(text) is None, text
