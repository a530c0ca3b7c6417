"""The answers the forms ask for beyond the identity (届出日, 異動の種類, 口座 …): what to ask, once per
key across a visit's forms, and the one check of a typed answer shared by the counter
(``prefill.services``), the pre-application (``preapply.application``) and the PDF. Pure (Django only
for the translation of its messages).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.utils.translation import gettext_lazy as _

from madoguchi.core.errors import DomainError

from .layouts import FormSpec
from .wareki import WarekiError, parse_date


@dataclass(frozen=True)
class AnswerSpec:
    """One thing the clerk asks for, gathered from every form of the visit."""

    key: str
    label: str
    required: bool
    kind: str
    choices: tuple[str, ...]
    forms: tuple[str, ...]
    # What the visit may already know (see ``known_answers``): by procedure, by life event, the event date.
    known_from_procedures: tuple[tuple[str, str], ...] = ()
    known_from_events: tuple[tuple[str, str], ...] = ()
    known_from_event_date: bool = False


def known_answers(specs: Sequence[AnswerSpec], *, procedure_codes: Sequence[str], life_events: Sequence[str] = (),
                  event_date: date | None = None) -> dict[str, str]:
    """The answers the visit already knows — the kind of move from its procedure, the reason from its
    life event, the date of the event — so that nobody asks them again. Saved answers override them."""
    known: dict[str, str] = {}
    for spec in specs:
        by_procedure = dict(spec.known_from_procedures)
        by_event = dict(spec.known_from_events)
        value = next((by_procedure[code] for code in procedure_codes if code in by_procedure), None)
        if value is None:
            value = next((by_event[event] for event in life_events if event in by_event), None)
        if value is None and spec.known_from_event_date and event_date is not None:
            value = event_date.isoformat()
        if value is not None:
            known[spec.key] = value
    return known


def answer_specs(forms: Sequence[FormSpec]) -> list[AnswerSpec]:
    """What the clerk asks, once per key, in the order the forms ask it."""
    specs: dict[str, AnswerSpec] = {}
    for form in forms:
        for f in form.fields:
            key = f.answer_key
            if key is None:
                continue
            if key in specs:
                spec = specs[key]
                if form.code not in spec.forms:
                    specs[key] = replace(spec, required=spec.required or f.required, forms=(*spec.forms, form.code))
                elif f.required and not spec.required:
                    specs[key] = replace(spec, required=True)
                continue
            specs[key] = AnswerSpec(key, f.label or key, f.required, f.kind, tuple(f.choices or ()), (form.code,),
                                    tuple(f.known_from_procedures.items()), tuple(f.known_from_events.items()),
                                    f.known_from_event_date)
    return list(specs.values())


def missing_answers(forms: Sequence[FormSpec], answers: Mapping[str, object]) -> list[AnswerSpec]:
    """Required answers not given (absent, None or blank)."""
    return [
        spec for spec in answer_specs(forms)
        if spec.required and (answers.get(spec.key) is None or str(answers.get(spec.key)).strip() == "")
    ]


ANSWER_MAX = 200


def answer_field(key: str) -> str:
    """How an answer is named in errors and forms: ``answers.moved_on``."""
    return f"answers.{key}"


def clean_answer(spec: AnswerSpec, value) -> str | None:
    """One answer, checked as the forms will print it: the clean text, None when blank.

    Dates are read in Western or 和暦 form and kept as ISO; a choice must be one of its options.
    Raises ``DomainError`` at ``answers.<key>``. The counter (``prefill.services``), the
    pre-application (``preapply.application``) and the PDF's last check (``answer_problems``) share it.
    """
    field = answer_field(spec.key)
    if value is not None and not isinstance(value, str | int | float | date):
        raise DomainError(_("Type this as text."), field=field)
    if isinstance(value, date):
        return value.isoformat() if spec.kind == "date" else str(value)
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if len(text) > ANSWER_MAX:
        raise DomainError(_("At most %(max)d characters."), field=field, max=ANSWER_MAX)
    if spec.kind == "date":
        try:
            return parse_date(text).isoformat()
        except WarekiError as error:
            raise error.at(field) from None
    if spec.kind == "choice" and text not in spec.choices:
        raise DomainError(_("Choose one of: %(choices)s"), field=field, choices="・".join(spec.choices))
    return text


def answers_cleaned(specs: Sequence[AnswerSpec], answers: Mapping[str, object]
                    ) -> tuple[dict[str, str | None], list[DomainError]]:
    """Each given answer checked against the forms' ``specs``: ``{key: clean text, or None when blank}``
    and the problems (a key no form asks, a value ``clean_answer`` refuses). The counter and the
    pre-application both take their answers through this."""
    by_key = {spec.key: spec for spec in specs}
    cleaned: dict[str, str | None] = {}
    problems: list[DomainError] = []
    for key, value in answers.items():
        spec = by_key.get(str(key))
        if spec is None:
            problems.append(DomainError(_("No form of these procedures asks this."), field=answer_field(str(key))))
            continue
        try:
            cleaned[spec.key] = clean_answer(spec, value)
        except DomainError as error:
            problems.append(error)
    return cleaned, problems


def answer_problems(forms: Sequence[FormSpec], answers: Mapping[str, object]) -> list[DomainError]:
    """Every problem of ``answers`` for ``forms``: required ones missing, and values ``clean_answer`` refuses."""
    problems = [DomainError(_("%(label)s is required."), field=answer_field(spec.key), label=spec.label)
                for spec in missing_answers(forms, answers)]
    missing = {spec.key for spec in missing_answers(forms, answers)}
    for spec in answer_specs(forms):
        if spec.key in missing:
            continue
        try:
            clean_answer(spec, answers.get(spec.key))
        except DomainError as error:
            problems.append(error)
    return problems
