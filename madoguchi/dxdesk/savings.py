"""Hours a task takes and saves, and when the saving is measured. Pure: no Django.

A consultation states the task as it is today: ``times_per_month`` × ``minutes_per_time``. Three months
after the tool is delivered the desk measures the same two figures again; the saving is the
difference, per year. Nothing is estimated twice: the "before" is the consultation's own figure.
"""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MEASURE_AFTER_MONTHS = 3


def hours_per_year(times_per_month: int, minutes_per_time: int) -> Decimal:
    return (Decimal(times_per_month) * Decimal(minutes_per_time) * 12 / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def hours_saved_per_year(*, before: tuple[int, int], after: tuple[int, int]) -> Decimal:
    """(times per month, minutes per time) before and after → hours saved per year (negative: lost)."""
    return hours_per_year(*before) - hours_per_year(*after)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (Nov 30 + 3 months → Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def measure_due(delivered_on: date) -> date:
    return add_months(delivered_on, MEASURE_AFTER_MONTHS)
