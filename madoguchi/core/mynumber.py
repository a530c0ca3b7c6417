"""Refusing the individual number (個人番号, "My Number") wherever it might be typed or posted.

番号法 §19–20: a counter-queue or form-prefill system is not an individual-number business, so it
may not collect the 12-digit number — not in the database, logs, PDFs or fixtures. Every text that
enters the product passes this check at the boundary (forms, the API, login, audit writes), and a
match is refused *without repeating the digits*: an error that echoed them would write the number
into a log.

What counts as an individual number, in any shape a person can type it:

1. The text is folded first: NFKC (full-width ０-９, circled ①, superscript ², compatibility
   forms), then the kanji numerals 〇一二三四五六七八九 (and 零) as digits.
2. Digits are grouped as written: a group is a run of digits; groups are *joined* when only
   separators stand between them — any run of characters that are neither letters nor digits
   (spaces, NBSP, U+3000, ``- . / _ , :``, U+2212 and the other dashes, and ー typed for a dash). A
   letter (kanji, kana, Latin) ends the chain: 「二丁目66番1号」 is not one number.
3. A candidate is a stretch of consecutive groups holding exactly twelve digits, written with one
   kind of separator (``1234 5678 9012``, ``1234-5678-9012``, a ゆうちょ-style ``12345-1234567``,
   twelve in a row) and set apart from any digits around it by another kind: ``03-3964-1111
   2026-11-30`` (a phone number beside a date) holds no candidate, ``03-3964-1111 1234-5678-9012``
   does. A longer number written one way (a 16-digit card number, an 18-digit account) is not cut
   into windows.
4. A candidate is refused when it passes the check digit of 番号法施行令 §8. A phone number next to a
   date, or an account written 5+7, merely contains twelve digits: without a valid check digit it
   is an ordinary value and is accepted (about one in eleven such values would pass by chance, and
   is refused: the message says why, and the clerk writes it differently).

Pure (Django only for the translation of the refusal).
"""

import re
import unicodedata
from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError

REFUSAL = _("This looks like an individual number (My Number, 12 digits). This system may not collect it: "
            "please remove it.")
DIGITS = 12

_KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
# Letters that are typed as dashes between digits (the long-vowel mark, an input-method slip).
_DASH_LETTERS = frozenset("ー")


class IndividualNumberRefused(DomainError):
    """Raised when an individual number is found: one problem per field, never the digits."""

    def __init__(self, fields=None, *args):
        if isinstance(fields, dict):  # a copy, or collect()
            super().__init__(fields)
            return
        super().__init__({field: [ValidationError(REFUSAL, code="individual_number")] for field in (fields or [""])})


def fold(text: str) -> str:
    """NFKC, then the kanji digits as ASCII digits; any Unicode decimal digit left becomes ASCII too."""
    folded = unicodedata.normalize("NFKC", text).translate(_KANJI_DIGITS)
    if folded.isascii():
        return folded
    return "".join(str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None
                   else ch for ch in folded)


def is_valid_individual_number(digits: str) -> bool:
    """The check digit of 番号法施行令 §8 over twelve digits (in any shape ``fold`` reads)."""
    digits = "".join(ch for ch in fold(str(digits)) if ch.isdigit())
    if len(digits) != DIGITS or not digits.isascii():
        return False
    body = [int(d) for d in digits[:11]]
    total = 0
    for n in range(1, 12):  # n counts from the right of the 11 body digits
        q = n + 1 if n <= 6 else n - 5
        total += body[11 - n] * q
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


def _separator_kind(between: str) -> str:
    """What a separator run is, whatever its length: ``" "`` and ``"   "`` are one kind, ``"-"`` and ``" - "``
    another."""
    marks = "".join(sorted({"-" if ch in _DASH_LETTERS else ch for ch in between if not ch.isspace()}))
    return marks or " "


def _chains(text: str) -> list[tuple[list[str], list[str]]]:
    """Digit groups joined by separators only, as they stand in ``text`` (already folded): for each
    chain its groups and the kinds of the separators between them."""
    chains: list[tuple[list[str], list[str]]] = []
    groups: list[str] = []
    kinds: list[str] = []
    position = 0
    for match in re.finditer(r"[0-9]+", text):
        between = text[position:match.start()]
        if groups and all(not ch.isalnum() or ch in _DASH_LETTERS for ch in between):
            kinds.append(_separator_kind(between))
        elif groups:
            chains.append((groups, kinds))
            groups, kinds = [], []
        groups.append(match.group())
        position = match.end()
    if groups:
        chains.append((groups, kinds))
    return chains


def candidates(text: str) -> list[str]:
    """Every way ``text`` writes twelve digits as one number (see the module docstring): consecutive
    digit groups holding exactly twelve digits, joined by one kind of separator, and set apart from
    the digits around them by another kind (or by nothing at all)."""
    found = []
    for groups, kinds in _chains(fold(text)):
        for start in range(len(groups)):
            digits = ""
            for end in range(start, len(groups)):
                digits += groups[end]
                if len(digits) >= DIGITS:
                    break
            if len(digits) != DIGITS:
                continue
            inside = set(kinds[start:end])
            if len(inside) > 1:
                continue  # "1111 2026-11" is a phone number's end beside a date, not one number
            outside = {kinds[start - 1]} if start > 0 else set()
            outside |= {kinds[end]} if end < len(kinds) else set()
            if inside & outside:
                continue  # part of a longer number written the same way (a 16-digit card number)
            found.append(digits)
    return found


def contains_individual_number(text) -> bool:
    """True when ``text`` holds an individual number in any shape a person can type it."""
    if not isinstance(text, str):
        text = str(text)
    return any(is_valid_individual_number(candidate) for candidate in candidates(text))


def random_text_without_number(draw: Callable[[], str]) -> str:
    """A random text (a salt, a token) drawn again until it holds nothing that reads as an individual
    number: a 64-digit hex salt has a run of exactly twelve digits with a valid check digit about once in
    400 draws, and a database scan for the number (an auditor's, this project's tests) cannot tell it from
    a real one."""
    while True:
        text = draw()
        if not contains_individual_number(text):
            return text


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(value)"


def find_individual_numbers(value: object, path: tuple = ()) -> list[str]:
    """The dotted paths (``household[0].name``) of every value holding an individual number.

    Walks mappings (keys too), lists, tuples and sets. Pass plain data (``dataclasses.asdict``)."""
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
