"""Japanese fiscal years (年度): April to March. FY 2026 (令和8年度) runs 2026-04-01 to 2027-03-31.
Pure: no Django."""

from datetime import date


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(fiscal_year: int) -> date:
    return date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    return date(fiscal_year + 1, 3, 31)


def fiscal_quarter_of(day: date) -> tuple[int, int]:
    """(fiscal year, quarter 1–4): Q1 is April–June, Q4 January–March."""
    return fiscal_year_of(day), (day.month - 4) % 12 // 3 + 1


def reiwa(fiscal_year: int) -> int:
    """The 令和 year of a fiscal year (2019 is 令和元年, written 1 here)."""
    return fiscal_year - 2018
