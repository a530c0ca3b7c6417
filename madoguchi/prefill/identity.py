"""Identity captured at the counter (本人確認情報): validation of what a clerk types or a card gives.

Pure (Django only for the translation of its messages). ``validate_identity(raw)`` returns an
``Identity`` or raises ``IdentityInvalid`` listing every field and its reason, so the clerk fixes the
entry in one go. Any 12-digit individual number in any field is refused first
(``IndividualNumberRefused``), before anything else looks at the data.

Names and addresses are kept *exactly as written*: no Unicode normalisation, because NFC/NFKC
would turn some compatibility ideographs into other characters, and forms must print 髙, 﨑 and 𠮷
as the resident writes them. Only surrounding spaces are trimmed and a run of spaces inside
becomes one (the first space of the run, so a full-width space stays full-width).

The My Number card gives name, address, birth date and sex — no kana and no postal code — so
those two may be empty here; the review step asks for them.

Errors are ``DomainError`` problems named by field, translated when shown.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError
from madoguchi.core.mynumber import (
    IndividualNumberRefused,
    contains_individual_number,
    find_individual_numbers,
    refuse_individual_number,
)

from .wareki import WarekiError, parse_date

__all__ = [
    "HouseholdMember", "Identity", "IdentityInvalid", "IndividualNumberRefused", "Sex",
    "contains_individual_number", "find_individual_numbers", "normalise_kana", "normalise_postal_code",
    "parse_sex", "refuse_individual_number", "validate_household", "validate_identity",
]

NAME_MAX = 100
ADDRESS_MAX = 200
RELATIONSHIP_MAX = 20


class Sex(IntEnum):
    """ISO/IEC 5218, as on the My Number card (DF 25)."""

    UNKNOWN = 0
    MALE = 1
    FEMALE = 2
    NOT_APPLICABLE = 9

    @property
    def label_ja(self) -> str:
        return {Sex.MALE: "男", Sex.FEMALE: "女"}.get(self, "")


@dataclass(frozen=True)
class Identity:
    name: str
    name_kana: str  # full-width katakana, or "" when not yet given (the card has none)
    birth_date: date
    sex: Sex
    postal_code: str  # "123-4567", or "" when not yet given (the card has none)
    address: str


@dataclass(frozen=True)
class HouseholdMember:
    name: str
    name_kana: str
    birth_date: date
    sex: Sex
    relationship: str  # 続柄 as written: 妻, 子, 母 …


class IdentityInvalid(DomainError):
    """Every problem of an identity or a household at once, each at its field."""


Problems = list[DomainError]


def _tidy(text: str) -> str:
    """Trim, and make each run of inner whitespace one character (the run's first)."""
    return re.sub(r"(\s)\s*", r"\1", text.strip())


# Letters and marks of any script (kanji, kana, Latin, variation selectors), spaces and the
# punctuation real names use (foreign names: "・", "-", "'", ".", ",").
_NAME_PUNCTUATION = set(" \u3000・･-‐'’.,")


def _check_name(value: object, field_name: str, problems: Problems) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(DomainError(_("The name is required."), field=field_name))
        return ""
    name = _tidy(value)
    if len(name) > NAME_MAX:
        problems.append(DomainError(_("At most %(max)d characters."), field=field_name, max=NAME_MAX))
    bad = sorted({ch for ch in name if not (unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        problems.append(DomainError(_("Characters not allowed in a name: %(characters)s"), field=field_name,
                                    characters=shown))
    return name


def normalise_kana(text: str) -> str:
    """Hiragana, half-width and full-width katakana → full-width katakana; spaces → one 「　」."""
    folded = unicodedata.normalize("NFKC", text)  # ｶﾞ → ガ; safe here: the field holds only kana
    out = []
    for ch in folded:
        code = ord(ch)
        if 0x3041 <= code <= 0x3096 or code in (0x309D, 0x309E):  # ぁ…ゖ, ゝ ゞ
            out.append(chr(code + 0x60))
        else:
            out.append(ch)
    return re.sub(r"\s+", "\u3000", "".join(out).strip())


def _is_katakana(ch: str) -> bool:
    return 0x30A1 <= ord(ch) <= 0x30FA or ch in "ー・ヽヾ\u3000"


def _check_kana(value: object, field_name: str, problems: Problems) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        problems.append(DomainError(_("Type the kana as text."), field=field_name))
        return ""
    kana = normalise_kana(value)
    if len(kana) > NAME_MAX:
        problems.append(DomainError(_("At most %(max)d characters."), field=field_name, max=NAME_MAX))
    bad = sorted({ch for ch in kana if not _is_katakana(ch)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        problems.append(DomainError(_("Kana only (katakana or hiragana): %(characters)s"), field=field_name,
                                    characters=shown))
    return kana


def _check_birth_date(value: object, field_name: str, today: date, problems: Problems) -> date | None:
    if isinstance(value, date):
        born = value
    elif isinstance(value, str) and value.strip():
        try:
            born = parse_date(value)
        except WarekiError as error:
            problems.append(error.at(field_name))
            return None
    else:
        problems.append(DomainError(_("The birth date is required."), field=field_name))
        return None
    if born > today:
        problems.append(DomainError(_("The birth date is in the future."), field=field_name))
        return None
    return born


_SEX_WORDS = {"男": Sex.MALE, "男性": Sex.MALE, "女": Sex.FEMALE, "女性": Sex.FEMALE,
              "male": Sex.MALE, "female": Sex.FEMALE}


def parse_sex(value: object) -> Sex:
    """ISO 5218 code (0, 1, 2, 9; int or text, full-width too) or 男/女/male/female."""
    if isinstance(value, Sex):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Sex(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().lower()
        if text in _SEX_WORDS:
            return _SEX_WORDS[text]
        if text.isdigit():
            return Sex(int(text))
    raise ValueError(value)


def _check_sex(value: object, field_name: str, problems: Problems) -> Sex | None:
    if value is None or value == "":
        problems.append(DomainError(_("Choose the sex."), field=field_name))
        return None
    try:
        return parse_sex(value)
    except ValueError:
        problems.append(DomainError(
            _("The sex is one of 1 (male), 2 (female), 9 (not applicable), 0 (unknown)."), field=field_name))
        return None


_DASHES = "-‐‑‒–—―−ー－ｰ"


_POSTAL_CODE = re.compile(rf"^([0-9]{{3}})[{_DASHES}]?([0-9]{{4}})$")


def normalise_postal_code(text: str) -> str:
    """``1234567``, ``123-4567``, ``〒１２３－４５６７`` → ``123-4567``; ``ValueError`` otherwise."""
    folded = unicodedata.normalize("NFKC", text).strip().lstrip("〒").strip()
    match = _POSTAL_CODE.match(folded)
    if not match:
        raise ValueError(text)
    return f"{match.group(1)}-{match.group(2)}"


def _check_postal_code(value: object, field_name: str, problems: Problems) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    try:
        return normalise_postal_code(str(value))
    except ValueError:
        problems.append(DomainError(_("A postal code has 7 digits (e.g. 173-8501)."), field=field_name))
        return ""


def _check_address(value: object, field_name: str, problems: Problems) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(DomainError(_("The address is required."), field=field_name))
        return ""
    address = _tidy(value)
    if len(address) > ADDRESS_MAX:
        problems.append(DomainError(_("At most %(max)d characters."), field=field_name, max=ADDRESS_MAX))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") and ch not in "\u200d" for ch in address):
        problems.append(DomainError(_("The address holds control or unassigned characters."), field=field_name))
    if not any(unicodedata.category(ch)[0] == "L" for ch in address):
        problems.append(DomainError(_("The address has no place name."), field=field_name))
    return address


def validate_identity(raw: Mapping, *, today: date | None = None) -> Identity:
    """Check a typed (or card-read) identity. Raises ``IndividualNumberRefused`` when any field
    holds a 12-digit number, else ``IdentityInvalid`` listing each field's problem."""
    refuse_individual_number(raw)  # first: nothing else may look at the number
    today = today or date.today()
    problems: Problems = []
    known = {"name", "name_kana", "birth_date", "sex", "postal_code", "address"}
    for key in raw:
        if key not in known:
            problems.append(DomainError(_("Unknown field."), field=str(key)))
    name = _check_name(raw.get("name"), "name", problems)
    kana = _check_kana(raw.get("name_kana"), "name_kana", problems)
    born = _check_birth_date(raw.get("birth_date"), "birth_date", today, problems)
    sex = _check_sex(raw.get("sex"), "sex", problems)
    postal_code = _check_postal_code(raw.get("postal_code"), "postal_code", problems)
    address = _check_address(raw.get("address"), "address", problems)
    if problems or born is None or sex is None:
        raise IdentityInvalid.collect(problems)
    return Identity(name=name, name_kana=kana, birth_date=born, sex=sex, postal_code=postal_code, address=address)


def validate_household(raw: list, *, today: date | None = None, prefix: str = "household") -> list[HouseholdMember]:
    """Check household members (forms that list the household). Problems are named
    ``household[1].birth_date``; raises like ``validate_identity``."""
    refuse_individual_number({prefix: raw})
    today = today or date.today()
    members: list[HouseholdMember] = []
    all_problems: Problems = []
    if not isinstance(raw, list):
        raise IdentityInvalid(_("The household is a list of members."), field=prefix)
    known = {"name", "name_kana", "birth_date", "sex", "relationship"}
    for index, item in enumerate(raw):
        where = f"{prefix}[{index}]"
        if not isinstance(item, Mapping):
            all_problems.append(DomainError(_("A household member is a set of fields."), field=where))
            continue
        problems: Problems = []
        for key in item:
            if key not in known:
                problems.append(DomainError(_("Unknown field."), field=f"{where}.{key}"))
        name = _check_name(item.get("name"), f"{where}.name", problems)
        kana = _check_kana(item.get("name_kana"), f"{where}.name_kana", problems)
        born = _check_birth_date(item.get("birth_date"), f"{where}.birth_date", today, problems)
        sex = _check_sex(item.get("sex"), f"{where}.sex", problems)
        relationship = _tidy(str(item.get("relationship") or ""))
        if len(relationship) > RELATIONSHIP_MAX:
            problems.append(DomainError(_("At most %(max)d characters."), field=f"{where}.relationship",
                                           max=RELATIONSHIP_MAX))
        all_problems.extend(problems)
        if not problems and born is not None and sex is not None:
            members.append(HouseholdMember(name, kana, born, sex, relationship))
    if all_problems:
        raise IdentityInvalid.collect(all_problems)
    return members
