"""What each form source prints: identity, addresses, household, visit and answers as form text. Pure.

Dates print in 和暦 (``昭和52年4月1日``), sex as 男/女 (blank for 0 unknown and 9 not applicable),
a household member the visit does not have as blank.

Addresses by meaning (``address.before_move``, ``address.after_move``, ``address.now``): the card's
address is the one *before* a move, so a move-in prints the old (e.g. Osaka) address only where the
form asks for the former address, and the new address in the ward wherever it asks for the address
now — the NHI, child allowance and care forms of a family moving in.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .identity import HouseholdMember, Identity, Sex, parse_sex
from .layouts import FieldSpec
from .wareki import format_wareki, parse_date


@dataclass(frozen=True)
class VisitInfo:
    date: date
    ticket_number: str
    move: str | None = None  # "in", "within" or "out": the move of residence the visit records, if any


APPLICANT_RELATIONSHIP = "本人"


def addresses(identity: Identity, answers: Mapping[str, object], move: str | None) -> dict[str, str]:
    """Each address meaning as text (``now``, ``now_postal_code``, ``before_move`` …) for this visit.

    The card (or the typed identity) gives the address before the move; the answer ``new_address``
    (``new_postal_code``) the address after it: in the ward for a move in or within, the destination
    for a move out. Without a move the card's address is the address now."""
    card, card_postal = identity.address, identity.postal_code
    new = str(answers.get("new_address") or "").strip()
    new_postal = str(answers.get("new_postal_code") or "").strip()
    if move in ("in", "within"):
        before, after, now = (card, card_postal), (new, new_postal), (new, new_postal)
    elif move == "out":
        before, after, now = (card, card_postal), (new, new_postal), (card, card_postal)
    else:
        before, after, now = ("", ""), ("", ""), (card, card_postal)
    out = {}
    for meaning, (text, postal) in (("before_move", before), ("after_move", after), ("now", now)):
        out[meaning], out[f"{meaning}_postal_code"] = text, postal
    return out


_MEMBER = re.compile(r"^household\[(\d+)\]\.(\w+)$")


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_wareki(value)
    if isinstance(value, Sex):
        return value.label_ja
    return str(value)


def _member_value(member: HouseholdMember, name: str) -> object:
    if name == "sex":
        return parse_sex(member.sex)
    return getattr(member, name)


def answer_text(spec: FieldSpec, value: object) -> str:
    """An answer as printed: a date kind in 和暦 (typed in any form ``parse_date`` reads)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if spec.kind == "date":
        return format_wareki(value if isinstance(value, date) else parse_date(str(value)))
    return str(value).strip()


def resolve(spec: FieldSpec, *, identity: Identity, household: Sequence[HouseholdMember],
            answers: Mapping[str, object], visit: VisitInfo) -> str:
    """The text a field prints."""
    source = spec.source
    if source == "text":
        return spec.text or ""
    if source.startswith("identity."):
        name = source.removeprefix("identity.")
        return _as_text(identity.sex if name == "sex" else getattr(identity, name))
    if source.startswith("address."):
        return addresses(identity, answers, visit.move)[source.removeprefix("address.")]
    if source.startswith("visit."):
        return _as_text(getattr(visit, source.removeprefix("visit.")))
    if source.startswith("answers."):
        return answer_text(spec, answers.get(source.removeprefix("answers.")))
    match = _MEMBER.match(source)
    if match:
        index, name = int(match.group(1)), match.group(2)
        return _as_text(_member_value(household[index], name)) if index < len(household) else ""
    raise ValueError(f"unknown source {source!r}")


def member_text(member: HouseholdMember, column: str) -> str:
    return _as_text(_member_value(member, column))


def is_child(member: HouseholdMember, on: date) -> bool:
    """Up to the March 31 after the 18th birthday (児童手当, 高校生年代まで), on ``on``."""
    born = member.birth_date
    eighteenth_year = born.year + 18
    # The 18th birthday falls in the school year that ends on March 31 of the next year, unless it
    # is on April 1 or earlier in the year (Japanese age counting adds the year the day before).
    birthday_before_april_2 = (born.month, born.day) <= (4, 1)
    last_day = date(eighteenth_year if birthday_before_april_2 else eighteenth_year + 1, 3, 31)
    return born <= on <= last_day


def applicant_member(identity: Identity) -> HouseholdMember:
    return HouseholdMember(identity.name, identity.name_kana, identity.birth_date, identity.sex,
                           APPLICANT_RELATIONSHIP)


def members_for(table, household: Sequence[HouseholdMember], visit: VisitInfo, *,
                applicant: Identity | None = None) -> list[HouseholdMember]:
    """The people a household table lists: the household (or its children), and first the person at the
    counter (``applicant``: given when the visit lists them) where the table includes them
    (``with_applicant``), unless the household rows already name them."""
    if table.select == "children":
        return [m for m in household if is_child(m, visit.date)]
    members = list(household)
    if table.with_applicant and applicant is not None and not any(
            m.name == applicant.name and m.birth_date == applicant.birth_date for m in members):
        members.insert(0, applicant_member(applicant))
    return members
