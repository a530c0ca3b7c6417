"""The answers the forms ask for beyond the identity (届出日, 異動の種類, 口座 …): what to ask, once per
key across a visit's forms, and the one check of a typed answer shared by the counter
(``prefill.services``) and the pre-application (``preapply.application``). Pure: no Django.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
                    specs[key] = AnswerSpec(key, spec.label, spec.required or f.required, spec.kind, spec.choices,
                                            (*spec.forms, form.code))
                elif f.required and not spec.required:
                    specs[key] = AnswerSpec(key, spec.label, True, spec.kind, spec.choices, spec.forms)
                continue
            specs[key] = AnswerSpec(key, f.label or key, f.required, f.kind, tuple(f.choices or ()), (form.code,))
    return list(specs.values())


def missing_answers(forms: Sequence[FormSpec], answers: Mapping[str, object]) -> list[AnswerSpec]:
    """Required answers not given (absent, None or blank)."""
    return [
        spec for spec in answer_specs(forms)
        if spec.required and (answers.get(spec.key) is None or str(answers.get(spec.key)).strip() == "")
    ]


ANSWER_MAX = 200


def clean_answer(spec: AnswerSpec, value) -> tuple[str | None, str | None]:
    """One answer a resident adds, checked as the forms will print it: (clean text, problem).

    Empty → (None, None). Dates are read in Western or 和暦 form and kept as ISO; a choice must be
    one of its options. The counter (prefill.services) and the pre-application share this check.
    """
    if value is not None and not isinstance(value, str | int | float):
        return None, "文字で入力してください／must be text"
    text = "" if value is None else str(value).strip()
    if not text:
        return None, None
    if len(text) > ANSWER_MAX:
        return None, f"{ANSWER_MAX}文字以内です／at most {ANSWER_MAX} characters"
    if spec.kind == "date":
        try:
            return parse_date(text).isoformat(), None
        except WarekiError as error:
            return None, str(error)
    if spec.kind == "choice" and text not in spec.choices:
        return None, f"次から選んでください：{'・'.join(spec.choices)}／one of {', '.join(spec.choices)}"
    return text, None
