"""The cashless figures as pure arithmetic: shares per day and counter, medians of the time at the desk."""

from datetime import date

import pytest

from madoguchi.insights.cashless import DeskTime, Taken, desk_time, overall, share_by_counter, share_by_day

MON, TUE = date(2026, 11, 30), date(2026, 12, 1)
ROWS = [
    Taken(TUE, "koseki-cert", "card", 2, 600),
    Taken(MON, "koseki-cert", "cash", 3, 900),
    Taken(MON, "koseki-cert", "qr", 1, 300),
    Taken(MON, "kaikei", "emoney", 4, 1800),
    Taken(TUE, "kaikei", "cash", 2, 900),
]


def test_the_share_per_day_counts_each_method_and_the_cashless_percent():
    days = share_by_day(ROWS)

    assert [d.key for d in days] == [MON, TUE]
    assert days[0].counts() == [3, 0, 4, 1]  # cash, card, e-money, QR
    assert (days[0].total, days[0].cashless, days[0].cashless_percent) == (8, 5, 62)
    assert (days[1].total, days[1].cashless, days[1].cashless_percent) == (4, 2, 50)


def test_the_share_per_counter_sums_the_days_and_the_amounts():
    counters = {s.key: s for s in share_by_counter(ROWS)}

    assert counters["kaikei"].counts() == [2, 0, 4, 0]
    assert counters["kaikei"].total_yen == 2700
    assert counters["koseki-cert"].cashless_percent == 50  # 3 of 6


def test_the_whole_period_and_an_empty_one():
    assert (overall(ROWS).total, overall(ROWS).cashless, overall(ROWS).total_yen) == (12, 7, 4500)
    empty = overall([])
    assert (empty.total, empty.cashless_percent) == (0, None)


def test_an_unknown_method_is_refused_not_miscounted():
    with pytest.raises(ValueError, match="bitcoin"):
        share_by_day([Taken(MON, "kaikei", "bitcoin", 1, 300)])


def test_the_time_at_the_desk_is_the_median_per_counter_with_and_without_cashless():
    rows = desk_time([
        DeskTime("koseki-cert", True, 3.0), DeskTime("koseki-cert", True, 4.0), DeskTime("koseki-cert", True, 20.0),
        DeskTime("koseki-cert", False, 6.0), DeskTime("koseki-cert", False, 7.0),
        DeskTime("kaikei", True, 1.5),
    ])

    assert [(r.counter, r.cashless_steps, r.cashless_median, r.cash_steps, r.cash_median, r.difference)
            for r in rows] == [
        ("kaikei", 1, 1.5, 0, None, None),  # no cash payment to compare with
        ("koseki-cert", 3, 4.0, 2, 6.5, -2.5),  # the median is not pulled by the one long visit
    ]


def test_a_step_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        desk_time([DeskTime("kaikei", False, -1.0)])
