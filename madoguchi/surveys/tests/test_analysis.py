from madoguchi.surveys.analysis import (
    HIDDEN,
    awareness,
    count_cell,
    mean_cell,
    plain_rate_cell,
    rate_cell,
    wait_band,
    wilson,
    word_frequencies,
)


def test_the_wilson_interval_holds_the_rate_and_stays_in_zero_to_one():
    low, high = wilson(0, 10)
    assert low == 0.0 and 0.25 < high < 0.35
    low, high = wilson(45, 100)
    assert low < 0.45 < high and abs(low - 0.3561) < 0.001 and abs(high - 0.5475) < 0.001


def test_fewer_than_five_responses_are_never_shown():
    assert count_cell(4) == HIDDEN and count_cell(5) == 5 and count_cell(0) == 0
    assert rate_cell(2, 4) == HIDDEN and rate_cell(2, 5).startswith("40.0% (")
    assert mean_cell([5, 4, 3, None, None, None]) == HIDDEN and mean_cell([5, 4, 3, 4, 4]) == 4.0
    assert plain_rate_cell(4, 100, responses=4) == HIDDEN and plain_rate_cell(5, 100, responses=5) == "5.0%"


def test_awareness_counts_those_who_knew_and_those_who_used():
    answers = [{"a": "used"}, {"a": "knew_not_used"}, {"a": "not_known"}, {"b": "used"}]
    assert awareness(answers, "a") == awareness(answers[:3], "a")
    found = awareness(answers, "a")
    assert (found.n, found.known, found.used) == (3, 2, 1)


def test_word_frequencies_use_dictionary_forms_and_count_once_per_comment():
    words = dict(word_frequencies([
        "待ち時間が長かった。待ち時間が本当に長い", "職員の説明が丁寧でした", "待ち時間は短かったです", "電話＊＊＊",
    ]))
    assert words["待ち時間"] == 2  # once per comment, in two comments
    assert words["長い"] == 1 and words["職員"] == 1 and "説明" in words
    assert "です" not in words and "の" not in words and not any("＊" in w for w in words)


def test_waits_fall_into_bands():
    assert wait_band(None) is None and wait_band(3) == (0, 10)
    assert wait_band(45) == (40, 60) and wait_band(200) == (60, None)
