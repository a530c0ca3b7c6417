"""Ages and school years counted the way Japanese law counts them. Pure: no Django.

- Age (年齢計算ニ関スル法律, 民法 第143条): age is counted from the day of birth, so a person
  *reaches* N at the end of the day before their N-th birthday. For someone born on 29 February
  the N-th "birthday" in a common year does not exist: the period ends on the last day of
  February, so they reach N at the end of 28 February.
- Compulsory school age, 学齢 (学校教育法 第17条): from the beginning of the first school year
  (April 1) after the day the child reaches 6, to the end (March 31) of the school year in which
  they reach 15. A child born on April 1 reaches 6 on March 31 and so starts school the next day,
  with the children born in the previous calendar year: the earlier school year.
- A child for the child allowance (児童手当法 第3条) and for the ward's child medical subsidy: until
  the first March 31 on or after the day they reach 18.

When only an age is known, the birth date lies somewhere in a one-year window: ``birth_window``
gives it, and ``known_over`` tells whether a school-year fact is the same for every birth date
in it (the facts are monotone in the birth date, so the window's two ends decide).
"""

from collections.abc import Callable
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def anniversary(birth: date, years: int) -> date:
    """The day ``years`` after ``birth`` by the calendar; 1 March for a 29 February in a common year."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return date(birth.year + years, 3, 1)


def day_reaching(birth: date, years: int) -> date:
    """The day at whose end a person born on ``birth`` reaches the age ``years`` (満N歳に達する日)."""
    return anniversary(birth, years) - ONE_DAY


def age_on(birth: date, on: date) -> int:
    """The age in full years on the day ``on`` (the age reached by the end of the day before)."""
    if on < birth:
        raise ValueError(f"{on} is before the birth date {birth}")
    years = on.year - birth.year
    if day_reaching(birth, years) >= on:
        years -= 1
    return years


def school_year_end(day: date) -> date:
    """The end (March 31) of the school year (April–March) ``day`` belongs to."""
    return date(day.year if day.month <= 3 else day.year + 1, 3, 31)


def first_april_after(day: date) -> date:
    """The first April 1 strictly after ``day``: the beginning of the next school year."""
    return date(day.year if day < date(day.year, 4, 1) else day.year + 1, 4, 1)


def compulsory_school_start(birth: date) -> date:
    """April 1 of the school year in which the child enters elementary school (学齢の始期)."""
    return first_april_after(day_reaching(birth, 6))


def compulsory_school_end(birth: date) -> date:
    """March 31 of the school year in which the child reaches 15: junior high school ends (学齢の終期)."""
    return school_year_end(day_reaching(birth, 15))


def child_period_end(birth: date) -> date:
    """The first March 31 on or after the day the child reaches 18 (児童手当法: 18歳に達する日以後の最初の3月31日)."""
    return school_year_end(day_reaching(birth, 18))


def in_compulsory_school(birth: date, on: date) -> bool:
    return compulsory_school_start(birth) <= on <= compulsory_school_end(birth)


def before_school(birth: date, on: date) -> bool:
    """Not yet at elementary school on ``on`` (the nursery years)."""
    return on < compulsory_school_start(birth)


def in_child_period(birth: date, on: date) -> bool:
    return on <= child_period_end(birth)


def school_grade(birth: date, on: date) -> int | None:
    """1–6 elementary school, 7–9 junior high school; None outside compulsory school age."""
    if not in_compulsory_school(birth, on):
        return None
    school_year = on.year if on.month >= 4 else on.year - 1
    return school_year - compulsory_school_start(birth).year + 1


def birth_window(age: int, on: date) -> tuple[date, date]:
    """The earliest and the latest birth date of someone who is ``age`` on ``on``."""
    return _latest_birth(age + 1, on) + ONE_DAY, _latest_birth(age, on)


def _latest_birth(age: int, on: date) -> date:
    """The latest birth date of someone who is at least ``age`` on ``on``."""
    guess = anniversary(on, -age) if (on.month, on.day) != (2, 29) else date(on.year - age, 2, 28)
    while age_on(guess, on) < age:
        guess -= ONE_DAY
    while guess + ONE_DAY <= on and age_on(guess + ONE_DAY, on) >= age:
        guess += ONE_DAY
    return guess


def known_over(window: tuple[date, date], on: date, fact: Callable[[date, date], bool]) -> bool | None:
    """``fact`` if it is the same for every birth date of the window, else None (the age alone cannot tell)."""
    earliest, latest = window
    first, last = fact(earliest, on), fact(latest, on)
    return first if first == last else None
