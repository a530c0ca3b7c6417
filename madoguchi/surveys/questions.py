"""A survey version's questions as the resident meets them: which are asked (conditions), what an answer
must be, and the masking of free text. No database access."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError

Answers = dict[str, object]

# Free text is masked before it is stored: what could identify someone or be an individual number.
MASK = "＊＊＊"
_EMAIL = re.compile(r"[\w.+-]+\s*[@＠]\s*[\w-]+(?:\s*[.．]\s*[\w-]+)+")
# Japanese phone numbers (0X-XXXX-XXXX, 090…, 0120…, +81 …), with hyphens, spaces or brackets.
_PHONE = re.compile(r"(?:\+81[\s-]?|0)\d{1,4}[\s\-‐－ー()（）]*\d{1,4}[\s\-‐－ー()（）]*\d{3,4}")
_DIGIT_RUN = re.compile(r"\d[\d\s\-‐－ー]{10,}\d")


def mask_personal(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and any run of 12 digits replaced by ＊＊＊.

    Full-width digits and letters are folded first (NFKC), so ０９０ is a phone number too. Any 12-digit
    run is masked, whether or not it passes the individual number's check digit."""
    folded = unicodedata.normalize("NFKC", text)
    folded = _EMAIL.sub(MASK, folded)

    def digits(match: re.Match) -> str:
        return MASK if len(re.sub(r"\D", "", match.group())) >= 12 else match.group()

    folded = _DIGIT_RUN.sub(digits, folded)
    folded = _PHONE.sub(MASK, folded)
    return folded


@dataclass(frozen=True)
class Question:
    code: str
    kind: str
    definition: dict

    @property
    def options(self) -> list[str]:
        return [o["code"] for o in self.definition.get("options", [])]

    @property
    def conditions(self) -> list[dict]:
        return self.definition.get("when", [])

    @property
    def required(self) -> bool:
        return bool(self.definition.get("required"))

    @property
    def low(self) -> int:
        return int(self.definition.get("low", 1))

    @property
    def high(self) -> int:
        return int(self.definition.get("high", 5))

    @property
    def max_length(self) -> int:
        return int(self.definition.get("max_length", 1000))


def questions_of(definition: dict) -> list[Question]:
    return [Question(q["code"], q["kind"], q) for q in definition["questions"]]


def _holds(condition: dict, answers: Answers) -> bool:
    given = answers.get(condition["question"])
    chosen = set(given) if isinstance(given, list) else {given}
    return bool(chosen & set(condition["any_of"]))


def asked(definition: dict, answers: Answers) -> list[Question]:
    """The questions asked given ``answers`` so far: those without a condition, and those one of whose
    conditions holds (conditions refer only to earlier questions, so one pass in order settles it)."""
    shown: list[Question] = []
    shown_answers: Answers = {}
    for question in questions_of(definition):
        if not question.conditions or any(_holds(c, shown_answers) for c in question.conditions):
            shown.append(question)
            if question.code in answers:
                shown_answers[question.code] = answers[question.code]
    return shown


def _clean_one(question: Question, value: object, field: str) -> object:
    if question.kind == "single":
        if not isinstance(value, str) or value not in question.options:
            raise DomainError(_("Choose one of the options."), field=field)
        return value
    if question.kind == "multiple":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or any(v not in question.options for v in value):
            raise DomainError(_("Choose among the options."), field=field)
        return [code for code in question.options if code in value]  # definition order, no repeats
    if question.kind == "scale":
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not question.low <= value <= question.high:
            raise DomainError(_("Choose a number from %(low)d to %(high)d."), field=field,
                              low=question.low, high=question.high)
        return value
    if not isinstance(value, str):
        raise DomainError(_("Write text here."), field=field)
    text = value.strip()
    if len(text) > question.max_length:
        raise DomainError(_("At most %(max)d characters, please (this is %(length)d)."), field=field,
                          max=question.max_length, length=len(text))
    return mask_personal(text)


def clean_answers(definition: dict, answers: object, *, prefix: str = "answers.") -> Answers:
    """The answers checked against ``definition``: every problem at once as a ``DomainError`` naming
    ``answers.<question>`` — an unknown question, one not asked (its condition does not hold), an option
    that does not exist, a number out of range, a text too long, a required question left out. Empty
    answers are left out; free text comes back masked (``mask_personal``)."""
    if not isinstance(answers, dict):
        raise DomainError(_("The answers must be an object of question codes."), field=prefix.rstrip("."))
    known = {q.code: q for q in questions_of(definition)}
    problems: list[DomainError] = []
    for code in answers:
        if code not in known:
            problems.append(DomainError(_("There is no question %(code)s in this survey."),
                                        field=f"{prefix}{code}", code=str(code)[:40]))
    present = {code: value for code, value in answers.items()
               if code in known and value not in (None, "", [])}
    cleaned: Answers = {}
    for question in known.values():
        if question.code not in present:
            continue
        try:
            cleaned[question.code] = _clean_one(question, present[question.code], f"{prefix}{question.code}")
        except DomainError as error:
            problems.append(error)
    shown = {q.code for q in asked(definition, cleaned)}
    for code in list(cleaned):
        if code not in shown:
            problems.append(DomainError(_("This question is not asked with the answers given before it."),
                                        field=f"{prefix}{code}"))
    for question in known.values():
        if question.required and question.code in shown and question.code not in cleaned \
                and f"{prefix}{question.code}" not in {f for p in problems for f in p.fields}:
            problems.append(DomainError(_("Please answer this question."), field=f"{prefix}{question.code}"))
    if problems:
        raise DomainError.collect(problems)
    return {code: value for code, value in cleaned.items() if code in shown}
