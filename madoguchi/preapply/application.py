"""A pre-application (事前申請): what a resident fills in online, checked as the counter checks it. Pure: no Django.

The same rules as the no-writing counter: identity and household through ``prefill.identity`` (a
12-digit individual number is refused first, naming the fields and never the digits), answers as
``prefill.services.identity_answers_save`` reads them (和暦 or Western dates kept as ISO dates, a choice among
its choices, at most 200 characters) — and here the answers a form requires are required, so the
forms print at the counter with nothing more to ask.

``check_application`` checks what the resident typed; ``Application.to_content`` is what the QR code
carries; ``read_content`` reads it back after opening, refusing any shape the form never makes (a
code can be made by anyone holding the public key), and the office checks it with
``check_application`` again.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError
from madoguchi.core.mynumber import IndividualNumberRefused, find_individual_numbers
from madoguchi.prefill.answers import AnswerSpec, answer_field, answers_cleaned
from madoguchi.prefill.identity import (
    HouseholdMember,
    Identity,
    IdentityInvalid,
    validate_household,
    validate_identity,
)
from madoguchi.prefill.layouts import ANSWER_KEY

MAX_PROCEDURES = 40
MAX_HOUSEHOLD = 10  # a larger household is done at the counter (and would need many codes)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
_LIFE_EVENT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_ANSWER_KEY = re.compile(rf"^{ANSWER_KEY}$")
CONTENT_KEYS = {"procedures", "life_event", "identity", "household", "answers"}


class ApplicationInvalid(DomainError):
    """Every problem at once, with fields named as the counter names them (``name``,
    ``household[1].birth_date``, ``answers.moved_on``, ``procedures``)."""


class ContentInvalid(ValueError):
    """An opened code whose content is not a pre-application this form makes."""


@dataclass(frozen=True)
class Application:
    procedure_codes: tuple[str, ...]
    life_event: str
    identity: Identity
    household: tuple[HouseholdMember, ...]
    answers: Mapping[str, str]  # dates as ISO dates

    def to_content(self) -> dict:
        identity = self.identity
        return {
            "procedures": list(self.procedure_codes),
            "life_event": self.life_event,
            "identity": {"name": identity.name, "name_kana": identity.name_kana,
                         "birth_date": identity.birth_date.isoformat(), "sex": int(identity.sex),
                         "postal_code": identity.postal_code, "address": identity.address},
            "household": [{"name": m.name, "name_kana": m.name_kana, "birth_date": m.birth_date.isoformat(),
                           "sex": int(m.sex), "relationship": m.relationship} for m in self.household],
            "answers": dict(self.answers),
        }

    def identity_data(self) -> dict:
        """The identity as ``prefill.services.identity_capture`` takes it."""
        return self.to_content()["identity"]

    def household_data(self) -> list[dict]:
        return self.to_content()["household"]


@dataclass(frozen=True)
class RawApplication:
    procedure_codes: tuple[str, ...]
    life_event: str
    identity: dict
    household: list
    answers: dict


def _check_answers(specs: Sequence[AnswerSpec], answers: Mapping[str, object], problems: list[DomainError]) -> dict:
    cleaned, refused = answers_cleaned(specs, answers)
    problems.extend(refused)
    refused_keys = {field.removeprefix("answers.") for error in refused for field in error.fields}
    for spec in specs:
        if spec.required and cleaned.get(spec.key) is None and spec.key not in refused_keys:
            problems.append(DomainError(_("Required."), field=answer_field(spec.key)))
    return {key: text for key, text in cleaned.items() if text is not None}


def check_application(
    *, procedure_codes: Sequence[str], identity: Mapping, household: Sequence[Mapping], answers: Mapping[str, object],
    specs: Sequence[AnswerSpec], today: date, life_event: str = "",
) -> Application:
    """The checked pre-application, or ``ApplicationInvalid`` listing every problem.

    MUST refuse a 12-digit individual number anywhere first (``IndividualNumberRefused`` naming the
    fields); ``specs`` are the answers of the forms of ``procedure_codes``."""
    household = list(household)
    found = [*find_individual_numbers(dict(identity)), *find_individual_numbers(household, ("household",)),
             *find_individual_numbers(dict(answers), ("answers",))]
    if found:
        raise IndividualNumberRefused(found)
    problems: list[DomainError] = []
    codes = tuple(dict.fromkeys(procedure_codes))
    if not codes:
        problems.append(DomainError(_("Choose at least one procedure."), field="procedures"))
    elif len(codes) > MAX_PROCEDURES or not all(isinstance(c, str) and _CODE.match(c) for c in codes):
        problems.append(DomainError(_("These are not procedures of the catalogue."), field="procedures"))
    if life_event and not _LIFE_EVENT.match(life_event):
        problems.append(DomainError(_("This is not a life event of the catalogue."), field="life_event"))
    if len(household) > MAX_HOUSEHOLD:
        problems.append(DomainError(
            _("At most %(max)d people: a larger household is done at the counter."), field="household",
            max=MAX_HOUSEHOLD))
    person = members = None
    try:
        person = validate_identity(identity, today=today)
    except IdentityInvalid as error:
        problems.append(error)
    try:
        members = validate_household(household, today=today)
    except IdentityInvalid as error:
        problems.append(error)
    clean_answers = _check_answers(specs, answers, problems)
    if problems or person is None or members is None:
        raise ApplicationInvalid.collect(problems)
    return Application(codes, life_event, person, tuple(members), clean_answers)


def read_content(content: Mapping) -> RawApplication:
    """The parts of an opened code's content, refusing any shape the form does not make."""
    if not isinstance(content, Mapping) or set(content) != CONTENT_KEYS:
        raise ContentInvalid("not the fields of a pre-application")
    codes, life_event = content["procedures"], content["life_event"]
    identity, household, answers = content["identity"], content["household"], content["answers"]
    if not isinstance(codes, list) or not 1 <= len(codes) <= MAX_PROCEDURES or len(set(map(str, codes))) != len(codes):
        raise ContentInvalid("the procedure list is not a list of 1 to 40 different codes")
    if not all(isinstance(code, str) and _CODE.match(code) for code in codes):
        raise ContentInvalid("a procedure is not a catalogue code")
    if not isinstance(life_event, str) or (life_event and not _LIFE_EVENT.match(life_event)):
        raise ContentInvalid("the life event is not a catalogue code")
    if not isinstance(identity, dict):
        raise ContentInvalid("the identity is not a mapping")
    if not isinstance(household, list) or len(household) > MAX_HOUSEHOLD or not all(
            isinstance(member, dict) for member in household):
        raise ContentInvalid("the household is not a list of people")
    if not isinstance(answers, dict) or not all(
            isinstance(key, str) and _ANSWER_KEY.match(key) and isinstance(value, str)
            for key, value in answers.items()):
        raise ContentInvalid("the answers are not texts under answer keys")
    return RawApplication(tuple(codes), life_event, identity, household, answers)
