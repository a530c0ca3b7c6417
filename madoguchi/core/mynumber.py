"""Refusing the individual number (個人番号, "My Number") wherever it might be typed or posted.

番号法 §19–20: a counter-queue or form-prefill system is not an individual-number business, so it
may not collect the 12-digit number — not in the database, logs, PDFs or fixtures. So every text
that enters the product is checked, and a match is refused *without repeating the digits*: an
error message that echoed them would write the number into a log.

What counts as "a 12-digit number": twelve digits in a row, or twelve digits written in groups
with spaces or dashes between them ("1234 5678 9012", "1234-5678-9012"), full-width or any other
Unicode decimal digits included. The check digit is deliberately not required for refusal: a
mistyped individual number is still the resident's number. ``is_valid_individual_number`` exists
for scans that look for real numbers (e.g. across generated PDFs).

Pure (Django only for the translation of the refusal).
"""

import re
import unicodedata
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError

# Between two digits: up to three spaces or dash-like characters (hyphen, minus, dashes, ー as an
# input-method slip). A dot or slash is not a separator here: dates such as 1977.4.1 would chain.
_SEPARATOR = "[ \t\u3000\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\uff70]"
_DIGIT_RUN = re.compile(rf"[0-9](?:{_SEPARATOR}{{0,3}}[0-9])*")
_GROUPED_4_4_4 = re.compile(rf"(?<![0-9])[0-9]{{4}}{_SEPARATOR}{{1,3}}[0-9]{{4}}{_SEPARATOR}{{1,3}}[0-9]{{4}}(?![0-9])")
_TWELVE_IN_A_ROW = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


REFUSAL = _("This looks like an individual number (My Number, 12 digits). This system may not collect it: "
              "please remove it.")


class IndividualNumberRefused(DomainError):
    """Raised when a 12-digit individual number is found: one problem per field, never the digits."""

    def __init__(self, fields=None, *args):
        if isinstance(fields, dict):  # a copy, or collect()
            super().__init__(fields)
            return
        super().__init__({field: [ValidationError(REFUSAL, code="individual_number")] for field in (fields or [""])})


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (full-width ０, Arabic-Indic …) as its ASCII digit."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        value = unicodedata.decimal(ch, None)
        out.append(str(value) if value is not None else ch)
    return "".join(out)


def contains_individual_number(text: str) -> bool:
    """True when ``text`` holds twelve digits written as one number (see the module docstring)."""
    if not isinstance(text, str):
        text = str(text)
    folded = _ascii_digits(text)
    if _TWELVE_IN_A_ROW.search(folded) or _GROUPED_4_4_4.search(folded):
        return True
    return any(sum(ch.isdigit() for ch in run.group()) == 12 for run in _DIGIT_RUN.finditer(folded))


def is_valid_individual_number(digits: str) -> bool:
    """The check digit of 番号法施行令 §8 (for scans; refusal does not need it)."""
    digits = _ascii_digits(digits)
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(d) for d in digits[:11]]
    total = 0
    for n in range(1, 12):  # n counts from the right of the 11 body digits
        p = body[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(value)"


def find_individual_numbers(value: object, path: tuple = ()) -> list[str]:
    """The dotted paths (``household[0].name``) of every value holding an individual number.

    Walks mappings, lists, tuples and sets (keys too) and the fields of dataclass-like objects
    are not walked: pass plain data (``dataclasses.asdict``)."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if contains_individual_number(str(key)):
                found.append(_dotted((*path, "<key>")))  # the key itself is the number: never name it
                continue
            child = (*path, key if isinstance(key, (str, int)) else str(key))
            found.extend(find_individual_numbers(item, child))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(find_individual_numbers(item, (*path, index)))
    elif isinstance(value, (set, frozenset)):
        for item in value:
            found.extend(find_individual_numbers(item, path))
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        if contains_individual_number(str(value)):
            found.append(_dotted(path))
    return found


def refuse_individual_number(value: object) -> None:
    """Raise ``IndividualNumberRefused`` naming every field that holds an individual number."""
    found = find_individual_numbers(value)
    if found:
        raise IndividualNumberRefused(found)
