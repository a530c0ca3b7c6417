from datetime import date
from decimal import Decimal

from madoguchi.dxdesk.savings import add_months, hours_per_year, hours_saved_per_year, measure_due


def test_a_task_of_100_times_a_month_at_6_minutes_takes_120_hours_a_year():
    assert hours_per_year(100, 6) == Decimal("120.0")


def test_the_saving_is_the_hours_before_less_the_hours_after():
    assert hours_saved_per_year(before=(100, 6), after=(100, 2)) == Decimal("80.0")
    assert hours_saved_per_year(before=(10, 5), after=(10, 7)) == Decimal("-4.0")  # a tool that costs time


def test_the_measurement_falls_three_months_after_delivery_on_the_last_day_when_short():
    assert measure_due(date(2026, 4, 10)) == date(2026, 7, 10)
    assert measure_due(date(2026, 11, 30)) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
