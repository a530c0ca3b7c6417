"""Japanese era dates (和暦): read what a clerk types, print what a form needs. Pure (Django only for
the translation of its messages), so the card reader agent and the simulator use it too.

The table is our own and small on purpose: five eras, each with the exact first day of its
Gregorian calendar use. A date before 明治 (1868-10-23) is refused: no living resident was born
then, and before 1873 Japan used the lunisolar calendar, so such a date would be ambiguous.

Accepted input (full-width digits, letters and punctuation are folded first):

- era initial + year.month.day: ``S52.4.1``, ``S52/4/1``, ``s52-4-1``, ``R1.5.1``
- era name: ``昭和52年4月1日``, ``令和元年5月1日``, ``昭和五十二年四月一日``, ``㍼52年4月1日``
- Western: ``1977-04-01``, ``1977/4/1``, ``1977.4.1``, ``1977年4月1日``, ``19770401``

Errors are ``WarekiError`` (a ``DomainError``): the reason, translated when shown.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import MAXYEAR, date

from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError


@dataclass(frozen=True)
class Era:
    name: str  # 昭和
    initial: str  # S
    romaji: str  # Showa
    first_day: date


# The first day of each era (the day after the previous one ended).
ERAS: tuple[Era, ...] = (
    Era("明治", "M", "Meiji", date(1868, 10, 23)),
    Era("大正", "T", "Taisho", date(1912, 7, 30)),
    Era("昭和", "S", "Showa", date(1926, 12, 25)),
    Era("平成", "H", "Heisei", date(1989, 1, 8)),
    Era("令和", "R", "Reiwa", date(2019, 5, 1)),
)
_BY_NAME = {era.name: era for era in ERAS}
_BY_INITIAL = {era.initial: era for era in ERAS}


class WarekiError(DomainError):
    """A date that cannot be read or does not exist (reported at the whole input; ``at(field)`` moves it)."""


@dataclass(frozen=True)
class WarekiDate:
    era: Era
    year: int  # 1 is printed 元年
    month: int
    day: int

    def __str__(self) -> str:
        year = "元" if self.year == 1 else str(self.year)
        return f"{self.era.name}{year}年{self.month}月{self.day}日"


def _last_day(era: Era) -> date | None:
    index = ERAS.index(era)
    if index + 1 == len(ERAS):
        return None
    return date.fromordinal(ERAS[index + 1].first_day.toordinal() - 1)


def era_of(day: date) -> Era:
    """The era in force on ``day``. Raises ``WarekiError`` before 明治."""
    for era in reversed(ERAS):
        if day >= era.first_day:
            return era
    raise WarekiError(_("%(date)s is before the Meiji era (which began on %(first)s)."),
                      date=day.isoformat(), first=ERAS[0].first_day.isoformat())


def to_wareki(day: date) -> WarekiDate:
    era = era_of(day)
    return WarekiDate(era, day.year - era.first_day.year + 1, day.month, day.day)


def format_wareki(day: date) -> str:
    """``date(1977, 4, 1)`` → ``昭和52年4月1日``; the first year of an era is ``元年``."""
    return str(to_wareki(day))


def from_wareki(era: Era, year: int, month: int, day: int) -> date:
    """The Gregorian date of era year/month/day, refusing a day outside the era."""
    label = f"{era.name}{'元' if year == 1 else year}年{month}月{day}日"
    if year < 1:
        raise WarekiError(_("%(date)s: the year of an era starts at 1 (元年)."), date=label)
    if era.first_day.year + year - 1 > MAXYEAR:
        raise WarekiError(_("%(date)s is not a calendar date."), date=label)
    try:
        result = date(era.first_day.year + year - 1, month, day)
    except (ValueError, OverflowError) as error:
        raise WarekiError(_("%(date)s is not a calendar date."), date=label) from error
    if result < era.first_day:
        raise WarekiError(_("%(date)s does not exist: %(era)s began on %(first)s."),
                          date=label, era=era.name, first=format_wareki(era.first_day))
    last = _last_day(era)
    if last is not None and result > last:
        raise WarekiError(_("%(date)s does not exist: %(era)s ended on %(last)s."),
                          date=label, era=era.name, last=str(WarekiDate(era, last.year - era.first_day.year + 1,
                                                                        last.month, last.day)))
    return result


_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _kanji_number(text: str) -> int:
    """``五十二`` → 52, ``十`` → 10, ``一九七七`` → 1977, ``元`` → 1; ``ValueError`` otherwise."""
    if text == "元":
        return 1
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            raise ValueError(text)
        value_tens = _KANJI_DIGITS[tens] if tens else 1
        value_ones = _KANJI_DIGITS[ones] if ones else 0
        return value_tens * 10 + value_ones
    if text and all(ch in _KANJI_DIGITS for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    raise ValueError(text)


_NUMBER = r"([0-9]+|元|[〇零一二三四五六七八九十]+)"
_ERA_NAMES = "|".join(_BY_NAME)
_ERA_KANJI = re.compile(rf"^({_ERA_NAMES}){_NUMBER}年{_NUMBER}月{_NUMBER}日?$")
_ERA_INITIAL = re.compile(r"^([MTSHR])\.?([0-9]{1,3}|元)[./\-]([0-9]{1,2})[./\-]([0-9]{1,2})$")
_WESTERN_SEPARATED = re.compile(r"^([0-9]{4})[./\-]([0-9]{1,2})[./\-]([0-9]{1,2})$")
_WESTERN_KANJI = re.compile(rf"^{_NUMBER}年{_NUMBER}月{_NUMBER}日?$")
_WESTERN_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")


def _fold(text: str) -> str:
    # NFKC folds full-width digits, letters and slashes, and ㍼ into 昭和; spaces carry no meaning.
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).upper()


def _gregorian(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise WarekiError(_("%(date)s is not a calendar date."), date=original) from error


def parse_date(text: str) -> date:
    """Read a date typed in 和暦 or Western form. Raises ``WarekiError`` with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise WarekiError(_("No date given."))
    original = text.strip()
    folded = _fold(text)

    if match := _ERA_KANJI.match(folded):
        era = _BY_NAME[match.group(1)]
        try:
            year, month, day = (_kanji_number(match.group(i)) for i in (2, 3, 4))
        except (ValueError, KeyError) as error:
            raise _unreadable(original) from error
        return from_wareki(era, year, month, day)
    if match := _ERA_INITIAL.match(folded):
        era = _BY_INITIAL[match.group(1)]
        year = _kanji_number(match.group(2))
        return from_wareki(era, year, int(match.group(3)), int(match.group(4)))
    for pattern in (_WESTERN_SEPARATED, _WESTERN_COMPACT):
        if match := pattern.match(folded):
            result = _gregorian(*(int(g) for g in match.groups()), original)
            era_of(result)  # refuse a date before Meiji with the same message as 和暦 input
            return result
    if match := _WESTERN_KANJI.match(folded):
        try:
            year, month, day = (_kanji_number(g) for g in match.groups())
        except (ValueError, KeyError) as error:
            raise _unreadable(original) from error
        if year < 1000:
            raise WarekiError(_("%(text)s: give the era (昭和, 平成 …) or a 4-digit year."), text=original)
        result = _gregorian(year, month, day, original)
        era_of(result)
        return result
    raise _unreadable(original)


def _unreadable(original: str) -> WarekiError:
    return WarekiError(_("%(text)s cannot be read as a date (e.g. S52.4.1, 昭和52年4月1日, 1977-04-01)."),
                       text=original)
